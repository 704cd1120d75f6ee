// A week of the mailbox's calendars: calendarView of every calendar through Graph, with series
// occurrences, exceptions and cancelled occurrences marked. Cancelled occurrences are not in
// calendarView (Graph deletes them), so they come from the series masters' fixture export
// (GET /_graphcal/fixtures?mailbox=…), which lists each master's cancelledOccurrences.
import { useEffect, useRef, useState } from "preact/hooks";
import { html } from "./html.js";
import { admin, graph, graphAll } from "./api.js";
import { addDays, layoutWeek, utcMs, weekDays, weekStart } from "./week-layout.js";
import { colorOf } from "./tenant-panel.js";
import { JsonView } from "./json-view.js";

const UTC = { prefer: 'outlook.timezone="UTC"' };
const HOUR_PX = 40;

async function loadWeek(user, start) {
  const base = `/v1.0/users/${encodeURIComponent(user.id)}`;
  const calendars = await graphAll(user.id, `${base}/calendars?$top=100&$select=id,name,color,hexColor,isDefaultCalendar`);
  const window = `startDateTime=${start.toISOString()}&endDateTime=${addDays(start, 7).toISOString()}`;
  const views = await Promise.all(calendars.map((c) => graphAll(user.id, `${base}/calendars/${encodeURIComponent(c.id)}/calendarView?${window}&$top=500`, UTC)));
  const items = views.flatMap((events, i) => events.map((e) => ({ ...e, calendar: calendars[i], startMs: utcMs(e.start), endMs: utcMs(e.end) })));
  return { calendars, items: [...items, ...(await cancelledOccurrences(user, items, start))] };
}

/** Ghost blocks for the cancelled occurrences of the series seen this week. */
async function cancelledOccurrences(user, items, start) {
  const series = new Map();
  for (const it of items) if (it.seriesMasterId && !series.has(it.seriesMasterId)) series.set(it.seriesMasterId, it);
  if (series.size === 0) return [];
  const fixture = await admin("GET", `/fixtures?mailbox=${encodeURIComponent(user.id)}`);
  const endMs = addDays(start, 7).getTime();
  const ghosts = [];
  for (const u of fixture.users ?? []) {
    for (const calendar of u.calendars ?? []) {
      for (const master of calendar.events ?? []) {
        const seen = series.get(master.id);
        if (!seen) continue;
        for (const iso of master.cancelledOccurrences ?? []) {
          const startMs = Date.parse(iso);
          if (startMs < start.getTime() || startMs >= endMs) continue;
          ghosts.push({
            id: `${master.id}@${iso}`, cancelled: true, subject: seen.subject, type: "occurrence", seriesMasterId: master.id,
            calendar: seen.calendar, isAllDay: seen.isAllDay, startMs, endMs: startMs + (seen.endMs - seen.startMs),
            start: seen.start, end: seen.end, originalStart: iso,
          });
        }
      }
    }
  }
  return ghosts;
}

export function WeekPanel({ user, version, today }) {
  const [chosen, setStart] = useState(null);
  const start = chosen ?? weekStart(today);
  const [week, setWeek] = useState(null);
  const [error, setError] = useState(null);
  const [selected, setSelected] = useState(null);
  const scroller = useRef(null);

  useEffect(() => {
    if (!user) return undefined;
    let stale = false;
    // A burst of changes (a fixture load) re-reads once.
    const timer = setTimeout(() => {
      loadWeek(user, start).then((w) => !stale && (setWeek(w), setError(null)), (e) => !stale && setError(e.message));
    }, version === 0 ? 0 : 250);
    return () => {
      stale = true;
      clearTimeout(timer);
    };
  }, [user?.id, start.getTime(), version]);

  useEffect(() => {
    if (scroller.current && scroller.current.scrollTop === 0) scroller.current.scrollTop = 7 * HOUR_PX;
  }, [week]);

  if (!user) return html`<p>Choose a mailbox.</p>`;
  const days = layoutWeek(weekDays(start), week?.items ?? []);
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  return html`
    <section aria-labelledby="week-title" class="week-panel">
      <div class="row">
        <h2 id="week-title">Week of ${start.toLocaleDateString(undefined, { day: "numeric", month: "long", year: "numeric" })}</h2>
        <button type="button" onClick=${() => setStart(addDays(start, -7))} aria-label="Previous week">◀</button>
        <button type="button" onClick=${() => setStart(weekStart(today))}>This week</button>
        <button type="button" onClick=${() => setStart(addDays(start, 7))} aria-label="Next week">▶</button>
      </div>
      <p class="hint">${user.displayName}'s calendars, times in ${zone}.
        <span class="legend"><span class="ev occurrence">↻ occurrence</span> <span class="ev exception">↻ exception</span> <span class="ev cancelled">cancelled</span></span></p>
      ${error && html`<p role="alert" class="error">${error}</p>`}
      ${week && html`<ul class="calendar-keys" aria-label="Calendars">${week.calendars.map((c) => html`
        <li><span class="swatch" style=${{ background: colorOf(c) }} aria-hidden="true"></span>${c.name}</li>`)}</ul>`}
      <div class="week-layout">
        <div class="week" role="region" aria-label="Events of the week" aria-busy=${!week}>
          <div class="week-head">
            <div class="gutter"></div>
            ${days.map((d) => html`<div class="day-head">${d.day.toLocaleDateString(undefined, { weekday: "short", day: "numeric" })}
              <div class="all-day">${d.allDay.map((it) => html`<${EventBlock} item=${it} onSelect=${setSelected} selected=${selected?.id === it.id} />`)}</div></div>`)}
          </div>
          <div class="week-body" ref=${scroller}>
            <div class="gutter">${Array.from({ length: 24 }, (_, h) => html`<div class="hour" style=${{ height: `${HOUR_PX}px` }}>${String(h).padStart(2, "0")}:00</div>`)}</div>
            ${days.map((d) => html`<div role="group" class="day" style=${{ height: `${24 * HOUR_PX}px` }} aria-label=${d.day.toDateString()}>
              ${d.timed.map((b) => html`<${EventBlock} item=${b.item} onSelect=${setSelected} selected=${selected?.id === b.item.id} style=${{
                top: `${(b.top / 60) * HOUR_PX}px`, height: `${Math.max(18, ((b.bottom - b.top) / 60) * HOUR_PX - 2)}px`,
                left: `${(b.lane / b.lanes) * 100}%`, width: `${100 / b.lanes}%`,
              }} />`)}
            </div>`)}
          </div>
        </div>
        ${selected && html`<${EventDetails} user=${user} item=${selected} onClose=${() => setSelected(null)} />`}
      </div>
    </section>`;
}

function EventBlock({ item, onSelect, selected, style }) {
  const kind = item.cancelled ? "cancelled" : item.type === "exception" ? "exception" : item.type === "occurrence" ? "occurrence" : "single";
  const time = item.isAllDay ? "all day" : `${fmt(item.startMs)}–${fmt(item.endMs)}`;
  const label = `${item.subject || "(no subject)"}, ${time}, ${kind === "single" ? "single event" : kind}${item.cancelled ? " occurrence" : ""}`;
  return html`
    <button type="button" class=${`ev ${kind}${selected ? " selected" : ""}`} style=${{ ...style, borderLeftColor: colorOf(item.calendar) }}
      aria-label=${label} aria-pressed=${selected} data-event-id=${item.id} onClick=${() => onSelect(item)}>
      <span class="ev-title">${kind === "occurrence" || kind === "exception" ? "↻ " : ""}${item.subject || "(no subject)"}</span>
      <span class="ev-time">${time}${kind === "exception" ? " · exception" : ""}${kind === "cancelled" ? " · cancelled" : ""}</span>
    </button>`;
}

function fmt(ms) {
  return new Date(ms).toLocaleTimeString(undefined, { hour: "2-digit", minute: "2-digit" });
}

/** The event as Graph returns it (GET …/events/{id}); a cancelled occurrence has no Graph form. */
function EventDetails({ user, item, onClose }) {
  const [body, setBody] = useState(null);
  useEffect(() => {
    setBody(null);
    if (item.cancelled) return;
    graph(user.id, `/v1.0/users/${encodeURIComponent(user.id)}/events/${encodeURIComponent(item.id)}`)
      .then((r) => setBody(r.body), (e) => setBody({ error: { code: e.code, message: e.message } }));
  }, [item.id]);
  return html`
    <aside class="details card" aria-labelledby="details-title">
      <div class="row"><h3 id="details-title">${item.subject || "(no subject)"}</h3><button type="button" onClick=${onClose}>Close</button></div>
      ${item.cancelled
        ? html`<p>A cancelled occurrence of series <code>${item.seriesMasterId}</code>, originally at ${item.originalStart}.
            Graph no longer returns it (calendarView skips it; GET answers 404).</p>`
        : html`<p class="hint">GET /v1.0/users/{id}/events/${item.id.slice(0, 12)}…</p><${JsonView} value=${body} label="Event JSON" />`}
    </aside>`;
}
