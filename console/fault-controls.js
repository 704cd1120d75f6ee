// Fault rules (/_graphcal/faults): add one from a template, optionally for the chosen mailbox
// only; list them with their counters (matched, hits), refreshed every two seconds; remove one
// or all. The README's "Breaking things on purpose" has every field.
import { useEffect, useState } from "preact/hooks";
import { html } from "./html.js";
import { admin } from "./api.js";
import { useAction } from "./use-action.js";
import { StatusLine } from "./status-line.js";

export const FAULT_TEMPLATES = [
  { id: "429-delta-once", label: "429 TooManyRequests on calendars/delta, once", rule: { method: "GET", path: "/**/calendars/delta", status: 429, retryAfter: 2, times: 1 } },
  { id: "429-every-get", label: "429 TooManyRequests on every GET, until removed", rule: { method: "GET", status: 429, retryAfter: 1 } },
  { id: "503-view-delta", label: "503 on calendarView/delta, 20% of requests (seed 42)", rule: { path: "/**/calendarView/delta", status: 503, retryAfter: 5, probability: 0.2, seed: 42 } },
  { id: "410-delta", label: "410 SyncStateNotFound on the next delta request", rule: { path: "/**/delta", status: 410, code: "SyncStateNotFound", times: 1 } },
  { id: "410-resync", label: "410 ResyncRequired on the next delta request", rule: { path: "/**/delta", status: 410, code: "ResyncRequired", times: 1 } },
  { id: "drop-2nd-delta", label: "Drop the connection of the 2nd delta request", rule: { path: "/**/delta", drop: true, nth: 2 } },
  { id: "latency", label: "1.5 s latency on every GET", rule: { method: "GET", latencyMs: 1500 } },
  { id: "401-once", label: "401 InvalidAuthenticationToken, once", rule: { status: 401, times: 1 } },
];

function describe(rule) {
  const what = rule.drop ? "drop" : rule.status ? `${rule.status}${rule.code ? ` ${rule.code}` : ""}` : "";
  const when = [rule.method, rule.path ?? "any path", rule.mailbox && `mailbox ${rule.mailbox}`, rule.nth && `nth ${rule.nth}`,
    rule.times && `${rule.times}×`, rule.probability !== undefined && `p=${rule.probability}`].filter(Boolean).join(" ");
  return `${[what, rule.latencyMs && `+${rule.latencyMs} ms`].filter(Boolean).join(" ")} · ${when}`;
}

export function FaultControls({ user }) {
  const [rules, setRules] = useState([]);
  const [template, setTemplate] = useState(FAULT_TEMPLATES[0].id);
  const [onlyMailbox, setOnlyMailbox] = useState(false);
  const action = useAction();

  const refresh = () => admin("GET", "/faults").then((r) => setRules(r.value), () => {});
  useEffect(() => {
    void refresh();
    const timer = setInterval(refresh, 2000);
    return () => clearInterval(timer);
  }, []);

  async function add(event) {
    event.preventDefault();
    const { rule } = FAULT_TEMPLATES.find((t) => t.id === template);
    await action.run(() => admin("POST", "/faults", { ...rule, ...(onlyMailbox && user && { mailbox: user.userPrincipalName }) }), (r) => `Added ${r.id}.`);
    await refresh();
  }

  return html`
    <section class="card" aria-labelledby="faults-title">
      <h2 id="faults-title">Faults</h2>
      <form class="inline" onSubmit=${add}>
        <label>Template
          <select name="template" value=${template} onChange=${(e) => setTemplate(e.currentTarget.value)}>
            ${FAULT_TEMPLATES.map((t) => html`<option value=${t.id}>${t.label}</option>`)}
          </select></label>
        <label class="check"><input type="checkbox" checked=${onlyMailbox} onChange=${(e) => setOnlyMailbox(e.currentTarget.checked)} disabled=${!user} />
          only ${user ? user.userPrincipalName : "the chosen mailbox"}</label>
        <button type="submit">Add fault</button>
      </form>
      <div class="table-scroll"><table class="faults" aria-label="Fault rules">
        <thead><tr><th scope="col">Rule</th><th scope="col">What</th><th scope="col">Matched</th><th scope="col">Hits</th><th scope="col"><span class="sr-only">Remove</span></th></tr></thead>
        <tbody>
          ${rules.length === 0 && html`<tr><td colspan="5" class="hint">No fault rules: every request is answered normally.</td></tr>`}
          ${rules.map((r) => html`
            <tr data-rule=${r.id}>
              <td><code>${r.id}</code></td><td>${describe(r)}</td>
              <td data-field="matched">${r.matched}</td><td data-field="hits">${r.hits}</td>
              <td><button type="button" aria-label=${`Remove ${r.id}`} onClick=${async () => {
                await action.run(() => admin("DELETE", `/faults/${encodeURIComponent(r.id)}`), () => `Removed ${r.id}.`);
                await refresh();
              }}>Remove</button></td>
            </tr>`)}
        </tbody>
      </table></div>
      <button type="button" disabled=${rules.length === 0} onClick=${async () => {
        await action.run(() => admin("DELETE", "/faults"), () => "Every fault rule removed.");
        await refresh();
      }}>Clear all</button>
      <${StatusLine} action=${action} />
    </section>`;
}
