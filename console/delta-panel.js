// The delta explorer: start a round of calendars/delta or calendarView/delta for the mailbox,
// step it page by page with a chosen page size (Prefer: odata.maxpagesize), and see each page's
// items and what its nextLink or deltaLink carries (POST /_graphcal/delta-tokens/decode).
import { useState } from "preact/hooks";
import { html } from "./html.js";
import { admin, graph } from "./api.js";
import { addDays, weekStart } from "./week-layout.js";
import { JsonView } from "./json-view.js";

function dateInput(date) {
  return new Date(date.getTime() - date.getTimezoneOffset() * 60_000).toISOString().slice(0, 10);
}

function initialUrl(user, form) {
  const base = `/${form.version}/users/${encodeURIComponent(user.id)}`;
  if (form.resource === "calendars") return `${base}/calendars/delta`;
  const start = new Date(`${form.start}T00:00:00`).toISOString();
  const end = new Date(`${form.end}T00:00:00`).toISOString();
  return `${base}/calendarView/delta?startDateTime=${start}&endDateTime=${end}`;
}

export function DeltaPanel({ user, today }) {
  const monday = weekStart(today);
  // beta: calendars/delta is a beta function in Graph (v1.0 answers 400 unless Graph extensions are on).
  const [form, setForm] = useState({ resource: "calendars", version: "beta", pageSize: 2, start: dateInput(monday), end: dateInput(addDays(monday, 7)) });
  const [pages, setPages] = useState([]);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(null);
  if (!user) return html`<p>Choose a mailbox.</p>`;

  const set = (name) => (e) => setForm({ ...form, [name]: name === "pageSize" ? Number(e.currentTarget.value) : e.currentTarget.value });

  async function step(url, fresh) {
    setBusy(true);
    setError(null);
    try {
      const { body } = await graph(user.id, url, { prefer: `odata.maxpagesize=${form.pageSize}` });
      const link = body["@odata.nextLink"] ?? body["@odata.deltaLink"];
      const decoded = link ? await admin("POST", "/delta-tokens/decode", { deltaLink: link }) : null;
      const page = { url, items: body.value ?? [], nextLink: body["@odata.nextLink"], deltaLink: body["@odata.deltaLink"], decoded };
      setPages((ps) => (fresh ? [page] : [...ps, page]));
    } catch (e) {
      setError(`${e.status ?? ""} ${e.code ?? ""}: ${e.message}`);
    } finally {
      setBusy(false);
    }
  }

  const last = pages.at(-1);
  return html`
    <section aria-labelledby="delta-title">
      <h2 id="delta-title">Delta explorer</h2>
      <form class="card delta-form" onSubmit=${(e) => {
        e.preventDefault();
        void step(initialUrl(user, form), true);
      }}>
        <label>Resource
          <select name="resource" value=${form.resource} onChange=${set("resource")}>
            <option value="calendars">calendars/delta</option>
            <option value="calendarView">calendarView/delta (default calendar)</option>
          </select></label>
        <label>API version
          <select name="version" value=${form.version} onChange=${set("version")}>
            <option value="v1.0">v1.0</option><option value="beta">beta</option>
          </select></label>
        <label>Page size <input name="page-size" type="number" min="1" max="1000" value=${form.pageSize} onInput=${set("pageSize")} /></label>
        ${form.resource === "calendarView" && html`
          <label>From <input name="start" type="date" value=${form.start} onInput=${set("start")} required /></label>
          <label>To <input name="end" type="date" value=${form.end} onInput=${set("end")} required /></label>`}
        <button type="submit" disabled=${busy}>Start round</button>
        <button type="button" disabled=${busy || !last?.nextLink} onClick=${() => step(last.nextLink, false)}>Next page</button>
        <button type="button" disabled=${busy || !last?.deltaLink} onClick=${() => step(last.deltaLink, true)}>Next round (deltaLink)</button>
      </form>
      ${error && html`<p role="alert" class="error">${error}</p>`}
      <ol class="pages" aria-label="Pages of the round">
        ${pages.map((page, i) => html`<li><${DeltaPage} page=${page} number=${i + 1} /></li>`)}
      </ol>
    </section>`;
}

function DeltaPage({ page, number }) {
  const d = page.decoded;
  return html`
    <article class="card delta-page" aria-label=${`Page ${number}`}>
      <h3>Page ${number}: ${page.items.length} item${page.items.length === 1 ? "" : "s"}, then ${page.nextLink ? "a nextLink" : "a deltaLink"}</h3>
      <p class="hint url">GET ${shorten(page.url)}</p>
      <div class="table-scroll"><table class="items">
        <thead><tr><th scope="col">Item</th><th scope="col">Name or subject</th><th scope="col">Type</th><th scope="col">Removed</th></tr></thead>
        <tbody>${page.items.map((it) => html`
          <tr data-item-id=${it.id}>
            <td><code title=${it.id}>${it.id.slice(-16)}</code></td>
            <td class="item-name">${it.name ?? it.subject ?? ""}</td>
            <td>${it.type ?? ""}</td>
            <td>${it["@removed"] ? `removed (${it["@removed"].reason})` : ""}</td>
          </tr>`)}
        </tbody>
      </table></div>
      ${d && html`
        <h4>What its ${d.link} carries</h4>
        <dl class="token" aria-label=${`Decoded ${d.link} of page ${number}`}>
          <dt>Mailbox</dt><dd>${d.mailbox.userPrincipalName}</dd>
          <dt>Watermark</dt><dd data-field="watermark">${d.watermark}</dd>
          ${d.upTo !== null && html`<dt>Round up to</dt><dd data-field="upTo">${d.upTo}</dd><dt>Continues after</dt><dd>${d.after}</dd>`}
          <dt>Resource</dt><dd>${d.resource.kind}${d.resource.kind === "calendarView" ? ` ${d.resource.startDateTime} – ${d.resource.endDateTime}` : ""}</dd>
          <dt>Bound to</dt><dd>${d.apiVersion}, ${d.caller.kind} ${d.caller.id}, $select ${d.select ? d.select.join(",") : "(all)"}</dd>
          <dt>Issued</dt><dd>${d.issuedAt} (key ${d.keyId})</dd>
          <dt>Now</dt><dd>${d.state.usable ? `usable; mailbox at seq ${d.state.changeSeq}` : `${d.state.status} ${d.state.code}`}</dd>
        </dl>
        <details><summary>Decoded JSON</summary><${JsonView} value=${d} label="Decoded token JSON" /></details>`}
    </article>`;
}

function shorten(url) {
  return url.replace(/(\$(?:skip|delta)token=)([^&]{12})[^&]*/, "$1$2…");
}
