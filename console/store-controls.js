// The store: reset it (or one mailbox) to the startup state, load a fixture (JSON or YAML, merge
// or replace), and expire delta links (/_graphcal/reset, /fixtures, /delta-tokens/expire).
import { useState } from "preact/hooks";
import { html } from "./html.js";
import { admin } from "./api.js";
import { useAction } from "./use-action.js";
import { StatusLine } from "./status-line.js";

export function StoreControls({ user, onStoreChanged }) {
  const [confirming, setConfirming] = useState(false);
  const [fixture, setFixture] = useState("");
  const [mode, setMode] = useState("merge");
  const [link, setLink] = useState("");
  const action = useAction();

  const done = (text) => () => {
    void onStoreChanged();
    return text;
  };

  async function load(event) {
    event.preventDefault();
    const yaml = !fixture.trim().startsWith("{");
    await action.run(() => admin("POST", `/fixtures?mode=${mode}`, fixture, yaml ? "application/yaml" : "application/json"),
      (r) => done(`Fixture loaded (${r.mode}): ${r.users.length} user(s).`)());
  }

  return html`
    <section class="card" aria-labelledby="store-title">
      <h2 id="store-title">Store and tokens</h2>
      <div class="inline">
        ${confirming
          ? html`<button type="button" class="danger" onClick=${async () => {
              setConfirming(false);
              await action.run(() => admin("POST", "/reset"), (r) => done(`Store reset to its startup state (${r.startupState}).`)());
            }}>Confirm: empty the store</button>
            <button type="button" onClick=${() => setConfirming(false)}>Cancel</button>`
          : html`<button type="button" onClick=${() => setConfirming(true)}>Reset store…</button>`}
        <button type="button" disabled=${!user} onClick=${() => action.run(() => admin("POST", `/mailboxes/${encodeURIComponent(user.id)}/reset`),
          done(`${user?.userPrincipalName} reset to a freshly provisioned mailbox.`))}>Reset this mailbox</button>
        <button type="button" disabled=${!user} onClick=${() => action.run(() => admin("POST", "/delta-tokens/expire", { mailbox: user.id }),
          () => `Every delta link of ${user.userPrincipalName} issued so far now answers 410.`)}>Expire this mailbox's delta links</button>
      </div>
      <form class="inline" onSubmit=${(e) => {
        e.preventDefault();
        void action.run(() => admin("POST", "/delta-tokens/expire", { deltaLink: link.trim() }), () => "That link now answers 410 SyncStateNotFound.");
      }}>
        <label>Expire one link <input name="delta-link" value=${link} onInput=${(e) => setLink(e.currentTarget.value)} placeholder="@odata.deltaLink or nextLink" required /></label>
        <button type="submit">Expire link</button>
      </form>
      <form onSubmit=${load}>
        <label for="fixture">Fixture (JSON or YAML; see schemas/fixture.schema.json)</label>
        <textarea id="fixture" rows="6" value=${fixture} onInput=${(e) => setFixture(e.currentTarget.value)} required></textarea>
        <div class="inline">
          <label>Mode <select value=${mode} onChange=${(e) => setMode(e.currentTarget.value)}><option value="merge">merge</option><option value="replace">replace</option></select></label>
          <button type="submit">Load fixture</button>
        </div>
      </form>
      <${StatusLine} action=${action} />
    </section>`;
}
