import { EVENT_PROPERTIES } from "../../graph/index.js";
import {
  EVENT_DETAIL_PROPERTIES, ValidationError, eventDetailFor, eventQueryView, readsEventDetails, visibleEventProperties,
  type CalendarRights, type Event, type EventQueryView, type ResolvedTimeZone, type EventScope, type TimeSpan,
} from "../../domain/index.js";
import type { GraphContext } from "../graph-context.js";
import { eventToWire, type EventWireOptions } from "../odata/event-wire.js";
import { bodyContentTypePreference, preferenceAppliedHeader, timeZonePreference } from "../odata/prefer.js";
import { resolveSelect } from "../odata/select.js";
import type { Subject } from "../odata/links.js";
import { subjectContext, subjectPath } from "../odata/links.js";

// What every event response shares: the Prefer headers (zone, body format) answered by
// Preference-Applied, $select, the Calendars.ReadBasic projection, a share's view (ADR 0011:
// free/busy, limited, private events of a shared calendar), and the paths and
// @odata.context fragments of the event collections (spec §1.1, §1.4, §2.1).

export interface EventRendering {
  toWire(event: Event): Record<string, unknown>;
  /** JSON text of toWire(event); memoised for frozen (shared, cached) events. */
  toJson(event: Event): string;
  /** The zone start/end are rendered in (Prefer: outlook.timezone, else UTC). */
  timeZone: ResolvedTimeZone;
  /** Preference-Applied, when a preference was applied. */
  headers: Record<string, string>;
  select: string[] | undefined;
  /** Everything the JSON depends on besides the event itself, as one key. */
  readonly shape: string;
}

/**
 * How this request renders events. `select: false` ignores the request's $select (writes);
 * `fixedSelect` uses a projection chosen earlier instead (a delta chain's, kept in its token).
 */
/**
 * JSON text of frozen events (those the calendarView window cache shares), per rendering shape:
 * a window re-read renders each event once. Dies with the events (catalogue entry 11).
 */
const eventJsonMemo = new WeakMap<Event, Map<string, string>>();

export function eventRendering(
  ctx: GraphContext, options: { select?: boolean; fixedSelect?: string[]; rights?: CalendarRights | undefined } = {},
): EventRendering {
  const { rights } = options;
  const zone = timeZonePreference(ctx.headers.prefer);
  const body = bodyContentTypePreference(ctx.headers.prefer);
  const select = options.fixedSelect
    ?? (options.select === false ? undefined : resolveSelect(ctx.query.select, EVENT_PROPERTIES[ctx.apiVersion], "event"));
  const wire: EventWireOptions = {
    apiVersion: ctx.apiVersion, timeZone: zone.timeZone,
    ...(select && { select }), ...(body.bodyContentType && { bodyContentType: body.bodyContentType }),
  };
  const basic = !readsEventDetails(ctx.principal);
  const applied = preferenceAppliedHeader([zone, body]);
  const toWire = (event: Event): Record<string, unknown> => {
    const out = eventToWire(event, wire);
    if (basic) for (const name of EVENT_DETAIL_PROPERTIES) delete out[name];
    // What the caller's share shows of this event: the rule is the domain's, applied here.
    const visible = rights && visibleEventProperties(eventDetailFor(event, rights));
    if (visible) for (const name of Object.keys(out)) if (!visible.has(name)) delete out[name];
    return out;
  };
  // Everything the JSON depends on besides the event itself (built on first use: most delta polls render nothing).
  let shape: string | undefined;
  const shapeOf = () => shape ??= `${ctx.apiVersion}|${select?.join(",") ?? "*"}|${zone.timeZone.name}|${zone.timeZone.iana}|${body.bodyContentType ?? "html"}|${basic ? "basic" : "full"}|${rights ? `${rights.details}${rights.privateItems ? "+private" : ""}` : "own"}`;
  return {
    get shape() {
      return shapeOf();
    },
    select,
    timeZone: zone.timeZone,
    headers: applied === undefined ? {} : { "preference-applied": applied },
    toWire,
    toJson: (event) => {
      if (!Object.isFrozen(event)) return JSON.stringify(toWire(event));
      let byShape = eventJsonMemo.get(event);
      if (!byShape) eventJsonMemo.set(event, byShape = new Map());
      const key = shapeOf();
      let json = byShape.get(key);
      if (json === undefined) byShape.set(key, json = JSON.stringify(toWire(event)));
      return json;
    },
  };
}

/** The collection's path below the subject, as links use it (`calendars/{id}/events`). */
export function scopePath(scope: EventScope, leaf: "events" | "calendarView"): string {
  return `${calendarPath(scope, (id) => encodeURIComponent(id), (id) => encodeURIComponent(id))}${leaf}`;
}

/** The same, as @odata.context writes it (key syntax: `calendars('id')/events`). */
export function scopeContext(subject: Subject, scope: EventScope, leaf: "events" | "calendarView"): string {
  const key = (id: string) => `('${encodeURIComponent(id)}')`;
  return `${subjectContext(subject)}/${calendarPath(scope, key, key, true)}${leaf}`;
}

function calendarPath(scope: EventScope, calendarKey: (id: string) => string, groupKey: (id: string) => string, keySyntax = false): string {
  const sep = keySyntax ? "" : "/";
  const group = scope.group === undefined ? "" : "defaultGroup" in scope.group ? "calendarGroup/" : `calendarGroups${sep}${groupKey(scope.group.groupId)}/`;
  if (!scope.calendar) return group;
  if ("defaultCalendar" in scope.calendar) return `${group}calendar/`;
  return `${group}calendars${sep}${calendarKey(scope.calendar.calendarId)}/`;
}

export function subjectScopePath(subject: Subject, scope: EventScope, leaf: "events" | "calendarView"): string {
  return `${subjectPath(subject)}/${scopePath(scope, leaf)}`;
}

const WINDOW_REQUIRED = "This request requires a time window specified by the query string parameters StartDateTime and EndDateTime.";
// ISO 8601 as Graph takes it: a date and time, optional fraction, optional Z or offset (none = UTC).
const WINDOW_VALUE = /^(\d{4}-\d{2}-\d{2})(?:T(\d{2}:\d{2}(?::\d{2}(?:\.\d{1,7})?)?))?(Z|[+-]\d{2}:?\d{2})?$/i;

/**
 * startDateTime/endDateTime of calendarView and instances (spec §2.2): both required, an offset
 * wins over `Prefer: outlook.timezone` (which never shifts the window), no offset means UTC.
 */
export function parseWindow(ctx: GraphContext): TimeSpan {
  const { startdatetime, enddatetime } = ctx.query;
  if (startdatetime === undefined || enddatetime === undefined || startdatetime === "" || enddatetime === "") {
    throw new ValidationError(WINDOW_REQUIRED, "invalidParameter");
  }
  const startMs = windowInstant(startdatetime, "StartDateTime");
  const endMs = windowInstant(enddatetime, "EndDateTime");
  if (endMs < startMs) throw new ValidationError("The parameter 'EndDateTime' must not be before 'StartDateTime'.", "invalidParameter");
  return { startMs, endMs };
}

/** One startDateTime/endDateTime value (also events/delta's lone startDateTime). */
export function windowInstant(value: string, name: string): number {
  const m = WINDOW_VALUE.exec(value.trim());
  let ms = NaN;
  if (m) {
    const [, date = "", time = "00:00", offset] = m;
    const [clock = "", fraction = ""] = time.split(".");
    // Date.parse rolls 2026-02-30 over to 2 March and reads 24:00 as the next midnight; Graph
    // (.NET DateTime) refuses both, so the fields are checked first.
    if (isCalendarDate(date) && Number(clock.slice(0, 2)) <= 23) {
      ms = Date.parse(`${date}T${clock.length === 5 ? `${clock}:00` : clock}.${fraction.padEnd(3, "0").slice(0, 3)}${normaliseOffset(offset)}`);
    }
  }
  if (!Number.isFinite(ms)) throw new ValidationError(`The value '${value}' of parameter '${name}' is not a valid date and time.`, "invalidParameter");
  return ms;
}

/** A YYYY-MM-DD that names a real day (month 1–12, day within the month). */
function isCalendarDate(date: string): boolean {
  const [year = 0, month = 0, day = 0] = date.split("-").map(Number);
  const lastDay = new Date(0);
  lastDay.setUTCFullYear(year, month, 0); // day 0 of the next month: the month's last day
  return month >= 1 && month <= 12 && day >= 1 && day <= lastDay.getUTCDate();
}

function normaliseOffset(offset: string | undefined): string {
  if (offset === undefined || offset.toUpperCase() === "Z") return "Z";
  return offset.includes(":") ? offset : `${offset.slice(0, 3)}:${offset.slice(3)}`;
}

/** What $filter and $orderby read of an event: what the caller sees of it (ADR 0011). */
export function queryView(event: Event, rights?: CalendarRights): EventQueryView {
  return eventQueryView(event, rights);
}
