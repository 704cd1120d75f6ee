// Graph quirk modes (/_graphcal/quirks): behaviours of real Graph that break naive sync clients,
// on for every mailbox or for the chosen one. The names are the server's (http/quirks/quirk-names.ts).
import { useEffect, useState } from "preact/hooks";
import { html } from "./html.js";
import { admin } from "./api.js";
import { useAction } from "./use-action.js";
import { StatusLine } from "./status-line.js";

const QUIRKS = [
  ["replay-item", "an item of a round comes again at the start of the next round"],
  ["duplicate-item", "an item of a page comes again at the start of the next page"],
  ["empty-page", "every page is first answered empty, with a nextLink to the real one"],
  ["late-change", "a round's last change is held back to the next round"],
  ["created-and-updated", "a new event is notified as created, then updated (change notifications)"],
];

export function QuirkControls({ user }) {
  const [state, setState] = useState({ global: [], value: [] });
  const [scope, setScope] = useState("global");
  const action = useAction();
  const refresh = () => admin("GET", "/quirks").then(setState, () => {});
  useEffect(() => void refresh(), []);

  const own = state.value.find((m) => m.mailbox === user?.id);
  const current = scope === "global" ? state.global : own?.quirks ?? state.global;
  async function toggle(name, on) {
    const quirks = on ? [...current, name] : current.filter((q) => q !== name);
    await action.run(() => admin("POST", "/quirks", { quirks, ...(scope === "mailbox" && { mailbox: user.id }) }), () => `Quirks: ${quirks.join(", ") || "none (strict)"}.`);
    await refresh();
  }

  return html`
    <section class="card" aria-labelledby="quirks-title">
      <h2 id="quirks-title">Quirk modes</h2>
      <div class="inline" role="radiogroup" aria-label="Apply to">
        <label class="check"><input type="radio" name="quirk-scope" checked=${scope === "global"} onChange=${() => setScope("global")} /> every mailbox</label>
        <label class="check"><input type="radio" name="quirk-scope" checked=${scope === "mailbox"} disabled=${!user} onChange=${() => setScope("mailbox")} /> ${user?.userPrincipalName ?? "the chosen mailbox"}${own ? " (own set)" : ""}</label>
      </div>
      <fieldset><legend>Quirks on</legend>
        ${QUIRKS.map(([name, what]) => html`
          <label class="check quirk"><input type="checkbox" name=${name} checked=${current.includes(name)} onChange=${(e) => toggle(name, e.currentTarget.checked)} />
            <code>${name}</code>: ${what}</label>`)}
      </fieldset>
      <button type="button" onClick=${async () => {
        await action.run(() => admin("DELETE", "/quirks"), () => "Strict mode everywhere.");
        await refresh();
      }}>Strict mode everywhere</button>
      <${StatusLine} action=${action} />
    </section>`;
}
