// The console's shell: sign-in, the mailbox picker, the panels as tabs, and the one live
// change stream of the chosen mailbox that the feed and the week view both follow.
import { render } from "preact";
import { useCallback, useEffect, useState } from "preact/hooks";
import { html } from "./html.js";
import { admin, setAdminToken, whenSignedOut } from "./api.js";
import { SignIn } from "./sign-in.js";
import { Tabs } from "./tabs.js";
import { useChangeStream } from "./use-change-stream.js";
import { TenantPanel } from "./tenant-panel.js";
import { WeekPanel } from "./week-panel.js";
import { ChangeFeedPanel } from "./change-feed-panel.js";
import { DeltaPanel } from "./delta-panel.js";
import { ControlsPanel } from "./controls-panel.js";

const PANELS = [
  { id: "tenant", label: "Tenant" },
  { id: "week", label: "Week" },
  { id: "changes", label: "Changes" },
  { id: "delta", label: "Delta" },
  { id: "controls", label: "Controls" },
];

function App() {
  const [config, setConfig] = useState(null);
  const [signedIn, setSignedIn] = useState(false);
  const [error, setError] = useState(null);

  useEffect(() => {
    admin("GET", "/console/config").then((c) => {
      setConfig(c);
      if (c.openAdmin) setSignedIn(true);
    }, (e) => setError(e.message));
    whenSignedOut(() => {
      setAdminToken(null);
      setSignedIn(false);
    });
  }, []);

  if (error) return html`<p role="alert" class="error">The console could not start: ${error}</p>`;
  if (!config) return html`<p class="loading">Loading…</p>`;
  if (!signedIn) return html`<${SignIn} config=${config} onSignedIn=${() => setSignedIn(true)} />`;
  return html`<${Console} config=${config} onSignOut=${() => {
    setAdminToken(null);
    setSignedIn(false);
  }} />`;
}

function Console({ config, onSignOut }) {
  const [tab, setTab] = useState("tenant");
  const [tenant, setTenant] = useState(null);
  const [tenantError, setTenantError] = useState(null);
  const [mailboxId, setMailboxId] = useState(null);

  // "Today" is the server's virtual clock, not the browser's: the week and the delta window
  // follow the time the emulator lives in.
  const [today, setToday] = useState(new Date());
  useEffect(() => void admin("GET", "/clock").then((c) => setToday(new Date(c.now)), () => {}), []);

  const reloadTenant = useCallback(async () => {
    try {
      const summary = await admin("GET", "/tenant");
      setTenant(summary);
      setTenantError(null);
      setMailboxId((current) => (summary.users.some((u) => u.id === current) ? current : summary.users.find((u) => u.hasMailbox)?.id ?? null));
    } catch (e) {
      setTenantError(e.message);
    }
  }, []);
  useEffect(() => void reloadTenant(), [reloadTenant]);

  const user = tenant?.users.find((u) => u.id === mailboxId) ?? null;
  const stream = useChangeStream(user);

  const show = (id, mailbox) => {
    if (mailbox) setMailboxId(mailbox);
    setTab(id);
  };
  const panels = {
    tenant: () => html`<${TenantPanel} tenant=${tenant} error=${tenantError} onReload=${reloadTenant} onShow=${show} />`,
    week: () => html`<${WeekPanel} user=${user} version=${stream.version} today=${today} />`,
    changes: () => html`<${ChangeFeedPanel} user=${user} stream=${stream} />`,
    delta: () => html`<${DeltaPanel} user=${user} today=${today} />`,
    controls: () => html`<${ControlsPanel} user=${user} onStoreChanged=${reloadTenant} />`,
  };

  return html`
    <header class="top">
      <h1>graphcal console</h1>
      <label class="mailbox-pick">Mailbox
        <select value=${mailboxId ?? ""} onChange=${(e) => setMailboxId(e.currentTarget.value || null)}>
          ${!tenant && html`<option value="">…</option>`}
          ${tenant?.users.filter((u) => u.hasMailbox).map((u) => html`<option value=${u.id}>${u.displayName} (${u.userPrincipalName})</option>`)}
        </select>
      </label>
      <span class=${`live live-${stream.status}`} aria-live="polite">changes: ${stream.status}</span>
      ${config.openAdmin ? html`<span class="badge">open admin</span>` : html`<button type="button" class="link" onClick=${onSignOut}>Sign out</button>`}
    </header>
    <${Tabs} panels=${PANELS} current=${tab} onSelect=${setTab}>${panels[tab]()}<//>`;
}

render(html`<${App} />`, document.getElementById("app"));
