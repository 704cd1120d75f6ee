import type { Event } from "../model.js";
import type { EventQueryView } from "../events/event-query.js";
import type { CalendarRights, EventDetail } from "./calendar-rights.js";

// What a grantee sees of one event of a shared calendar (ADR 0011). The role decides the detail
// of non-private events; a private event shows as free/busy to anyone without private access.
// see: https://learn.microsoft.com/graph/outlook-share-or-delegate-calendar (calendarRoleType values)

/**
 * Free/busy: when, how busy, and what it takes to place the item (identity, version, type and
 * series structure, all-day, cancelled) — never what it is about.
 */
const FREE_BUSY: readonly string[] = [
  "@odata.etag", "id", "createdDateTime", "lastModifiedDateTime", "changeKey", "originalStartTimeZone", "originalEndTimeZone",
  "originalStart", "isAllDay", "isCancelled", "seriesMasterId", "showAs", "type", "start", "end", "recurrence",
];

/** limitedRead adds the title and location ("titles and locations of non-private events") and the sensitivity. */
const LIMITED: readonly string[] = [...FREE_BUSY, "subject", "sensitivity", "location", "locations"];

/** A private event seen without private access: free/busy, and that it is private. */
const PRIVATE: readonly string[] = [...FREE_BUSY, "sensitivity"];

/** How much of `event` a caller with `rights` sees (no rights: the owner or an app, everything). */
export function eventDetailFor(event: Pick<Event, "sensitivity">, rights: CalendarRights | undefined): EventDetail | "private" {
  if (!rights) return "full";
  if (event.sensitivity === "private" && !rights.privateItems) return "private";
  return rights.details;
}

/** The wire properties shown at a detail level; undefined: all of them. */
export function visibleEventProperties(detail: EventDetail | "private"): ReadonlySet<string> | undefined {
  switch (detail) {
    case "full": return undefined;
    case "limited": return LIMITED_SET;
    case "freeBusy": return FREE_BUSY_SET;
    case "private": return PRIVATE_SET;
  }
}
const FREE_BUSY_SET = new Set(FREE_BUSY);
const LIMITED_SET = new Set(LIMITED);
const PRIVATE_SET = new Set(PRIVATE);

/** Whether a caller with `rights` reads every event of the calendar in full (no reduction at all). */
export function seesEverything(rights: CalendarRights | undefined): boolean {
  return !rights || (rights.details === "full" && rights.privateItems);
}

/**
 * What `$filter` and `$orderby` read of an event, as the caller sees it: a hidden subject is
 * empty and hidden categories are none, so a query cannot probe what the view leaves out.
 */
export function eventQueryView(event: Event, rights?: CalendarRights): EventQueryView {
  const detail = eventDetailFor(event, rights);
  return {
    id: event.id, startMs: event.start.epochMs, endMs: event.end.epochMs, createdMs: event.createdDateTime,
    lastModifiedMs: event.lastModifiedDateTime, subject: detail === "full" || detail === "limited" ? event.subject : "",
    type: event.type, isAllDay: event.isAllDay, isCancelled: event.isCancelled, categories: detail === "full" ? event.categories : [],
  };
}
