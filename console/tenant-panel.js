// The tenant: users and their mailboxes, each mailbox's groups and calendars (colour, events,
// shares), with totals (GET /_graphcal/tenant).
import { html } from "./html.js";

export function TenantPanel({ tenant, error, onReload, onShow }) {
  if (error) return html`<p role="alert" class="error">${error}</p>`;
  if (!tenant) return html`<p class="loading">Loading the tenant…</p>`;
  const { counts } = tenant;
  return html`
    <section aria-labelledby="tenant-title">
      <div class="row">
        <h2 id="tenant-title">Tenant</h2>
        <button type="button" onClick=${onReload}>Refresh</button>
      </div>
      <dl class="counts" aria-label="Totals">
        ${[["users", counts.users], ["calendar groups", counts.groups], ["calendars", counts.calendars], ["events", counts.events], ["shares", counts.shares]]
          .map(([name, n]) => html`<div><dt>${name}</dt><dd data-count=${name}>${n}</dd></div>`)}
      </dl>
      ${tenant.hasMore && html`<p class="hint">Only the first ${tenant.users.length} users are shown.</p>`}
      <div class="users">${tenant.users.map((user) => html`<${UserCard} user=${user} onShow=${onShow} />`)}</div>
    </section>`;
}

function UserCard({ user, onShow }) {
  const groups = new Map(user.groups.map((g) => [g.id, g.name]));
  return html`
    <article class="card user" aria-label=${user.displayName}>
      <h3>${user.displayName}</h3>
      <p class="upn">${user.userPrincipalName}</p>
      <p class="meta">id <code>${user.id}</code> · change seq <strong>${user.changeSeq}</strong></p>
      ${!user.hasMailbox ? html`<p class="hint">No mailbox.</p>` : html`
        <p class="meta">Groups: ${user.groups.map((g) => g.name).join(", ") || "none"}</p>
        <div class="table-scroll"><table class="calendars">
          <caption class="sr-only">Calendars of ${user.displayName}</caption>
          <thead><tr><th scope="col">Calendar</th><th scope="col">Group</th><th scope="col">Events</th><th scope="col">Shared with</th></tr></thead>
          <tbody>${user.calendars.map((c) => html`
            <tr>
              <td><span class="swatch" style=${{ background: colorOf(c) }} aria-hidden="true"></span>${c.name}${c.isDefaultCalendar && html` <span class="badge">default</span>`}
                <span class="sr-only"> (colour ${c.color})</span></td>
              <td>${groups.get(c.groupId) ?? ""}</td>
              <td>${c.events}</td>
              <td>${c.shares.map((s) => `${s.grantee} (${s.role})`).join(", ")}</td>
            </tr>`)}
          </tbody>
        </table></div>
        <div class="row">
          <button type="button" onClick=${() => onShow("week", user.id)}>Week</button>
          <button type="button" onClick=${() => onShow("changes", user.id)}>Changes</button>
          <button type="button" onClick=${() => onShow("delta", user.id)}>Delta</button>
        </div>`}
    </article>`;
}

/** Graph's named calendar colours, for calendars whose hexColor is empty. */
const COLORS = {
  lightBlue: "#a6d1f5", lightGreen: "#87d28e", lightOrange: "#fcab73", lightGray: "#c0c0c0", lightYellow: "#f4d07a",
  lightTeal: "#8ad3da", lightPink: "#f08cc0", lightBrown: "#cba287", lightRed: "#f88c9b", maxColor: "#cccccc", auto: "#9fb7d8",
};

export function colorOf(calendar) {
  return calendar?.hexColor || COLORS[calendar?.color] || COLORS.auto;
}
