// Change-notification subscriptions (issue 12) of the chosen mailbox, or of every mailbox: their
// resource, notification URL, expiry and delivery cursor, each one's recent delivery attempts,
// and lifecycle events sent on request (/_graphcal/subscriptions…).
import { useEffect, useState } from "preact/hooks";
import { html } from "./html.js";
import { admin } from "./api.js";
import { useAction } from "./use-action.js";
import { StatusLine } from "./status-line.js";

const LIFECYCLE_EVENTS = ["reauthorizationRequired", "missed", "subscriptionRemoved"];

function Deliveries({ id }) {
  const [attempts, setAttempts] = useState(null);
  useEffect(() => {
    const load = () => admin("GET", `/subscriptions/${encodeURIComponent(id)}/deliveries`).then((r) => setAttempts(r.value), () => setAttempts([]));
    void load();
    const timer = setInterval(load, 2000);
    return () => clearInterval(timer);
  }, [id]);
  if (attempts === null) return html`<p class="hint">Loading deliveries…</p>`;
  if (attempts.length === 0) return html`<p class="hint">No delivery attempt yet: write to the mailbox and one follows.</p>`;
  return html`
    <div class="table-scroll"><table aria-label=${`Deliveries of ${id}`}>
      <thead><tr><th scope="col">At</th><th scope="col">Kind</th><th scope="col">Outcome</th><th scope="col">Status</th><th scope="col">Notifications</th><th scope="col">Latency</th><th scope="col">Error</th></tr></thead>
      <tbody>
        ${attempts.map((a) => html`
          <tr data-attempt=${a.kind}>
            <td>${a.at}</td><td>${a.lifecycleEvent ?? a.kind}</td><td data-field="outcome">${a.outcome}</td><td>${a.status ?? "—"}</td>
            <td data-field="count">${a.count}</td><td>${a.latencyMs} ms</td><td>${a.error ?? ""}</td>
          </tr>`)}
      </tbody>
    </table></div>`;
}

export function SubscriptionControls({ user }) {
  const [subscriptions, setSubscriptions] = useState([]);
  const [allMailboxes, setAllMailboxes] = useState(false);
  const [open, setOpen] = useState(null);
  const action = useAction();
  const query = !allMailboxes && user ? `?mailbox=${encodeURIComponent(user.id)}` : "";

  const refresh = () => admin("GET", `/subscriptions${query}`).then((r) => setSubscriptions(r.value), () => {});
  useEffect(() => {
    void refresh();
    const timer = setInterval(refresh, 2000);
    return () => clearInterval(timer);
  }, [query]);

  return html`
    <section class="card" aria-labelledby="subscriptions-title">
      <h2 id="subscriptions-title">Subscriptions</h2>
      <label class="check"><input type="checkbox" checked=${allMailboxes} onChange=${(e) => setAllMailboxes(e.currentTarget.checked)} />
        all mailboxes' subscriptions</label>
      <div class="table-scroll"><table class="subscriptions" aria-label="Subscriptions">
        <thead><tr><th scope="col">Id</th><th scope="col">Resource</th><th scope="col">Notification URL</th><th scope="col">Expires</th>
          <th scope="col">Delivered up to</th><th scope="col">Failures</th><th scope="col"><span class="sr-only">Actions</span></th></tr></thead>
        <tbody>
          ${subscriptions.length === 0 && html`<tr><td colspan="7" class="hint">No subscriptions: an app creates them with POST /subscriptions.</td></tr>`}
          ${subscriptions.map((s) => html`
            <tr data-subscription=${s.id}>
              <td><code>${s.id.slice(0, 8)}…</code></td><td>${s.resource} <span class="hint">(${s.changeType})</span></td>
              <td><code>${s.notificationUrl}</code></td><td>${s.expirationDateTime}</td>
              <td data-field="delivered">${s.delivery.deliveredSeq}</td><td data-field="failures">${s.delivery.failedAttempts}</td>
              <td class="inline">
                <button type="button" aria-expanded=${open === s.id} onClick=${() => setOpen(open === s.id ? null : s.id)}>Deliveries</button>
                ${LIFECYCLE_EVENTS.map((event) => html`<button type="button" onClick=${async () => {
                  await action.run(() => admin("POST", `/subscriptions/${encodeURIComponent(s.id)}/lifecycle`, { lifecycleEvent: event }),
                    () => `Sent ${event} for ${s.id}.`);
                  await refresh();
                }}>Send ${event}</button>`)}
              </td>
            </tr>`)}
        </tbody>
      </table></div>
      ${open && html`<h3>Deliveries of <code>${open}</code></h3><${Deliveries} id=${open} />`}
      <${StatusLine} action=${action} />
    </section>`;
}
