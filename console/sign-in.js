// The sign-in form: client credentials of an app with the Graphcal.Admin role (on a server that
// seeded the demo tenant, the demo admin's ids are filled in), or an admin token pasted from
// `graphcal token --app --roles Graphcal.Admin`. The token is handed up and kept in memory only.
import { useState } from "preact/hooks";
import { html } from "./html.js";
import { admin, setAdminToken, signIn } from "./api.js";

export function SignIn({ config, onSignedIn }) {
  const demo = config.demoAdmin;
  const [clientId, setClientId] = useState(demo?.clientId ?? "");
  const [secret, setSecret] = useState("");
  const [pasted, setPasted] = useState("");
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);

  async function use(token) {
    setAdminToken(token);
    // One admin call proves the token carries the role before the console opens.
    await admin("GET", "/clock");
    onSignedIn(token);
  }

  async function submit(event) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await use(await signIn({ tenant: demo?.tenantId, clientId: clientId.trim(), clientSecret: secret }));
    } catch (e) {
      setAdminToken(null);
      setError(e.message);
    } finally {
      setBusy(false);
    }
  }

  async function usePasted(event) {
    event.preventDefault();
    setError(null);
    try {
      await use(pasted.trim());
    } catch (e) {
      setAdminToken(null);
      setError(e.message);
    }
  }

  return html`
    <main class="sign-in" aria-labelledby="sign-in-title">
      <h1 id="sign-in-title">graphcal console</h1>
      <p>Sign in as an administrator: an app registration with the <code>Graphcal.Admin</code> role.</p>
      <form onSubmit=${submit} class="card">
        <h2>Client credentials</h2>
        <label for="client-id">Client ID</label>
        <input id="client-id" name="client-id" value=${clientId} onInput=${(e) => setClientId(e.currentTarget.value)} autocomplete="username" required />
        <label for="client-secret">Client secret</label>
        <input id="client-secret" name="client-secret" type="password" value=${secret} onInput=${(e) => setSecret(e.currentTarget.value)}
          autocomplete="current-password" required aria-describedby="secret-hint" />
        <p id="secret-hint" class="hint">${demo
          ? html`This server seeded the demo tenant: its demo admin's secret is <code>graphcal-demo-admin-secret</code> (public, like the demo passwords).`
          : "The secret is not kept: the console holds the token it gets in memory, until you close the tab."}</p>
        <button type="submit" disabled=${busy}>${busy ? "Signing in…" : "Sign in"}</button>
      </form>
      <form onSubmit=${usePasted} class="card">
        <h2>Or an admin token</h2>
        <label for="admin-token">Token from <code>graphcal token --app --roles Graphcal.Admin</code></label>
        <textarea id="admin-token" rows="3" value=${pasted} onInput=${(e) => setPasted(e.currentTarget.value)} required></textarea>
        <button type="submit">Use token</button>
      </form>
      ${error && html`<p role="alert" class="error">${error}</p>`}
    </main>`;
}
