// Reading a synced events store as a calendar view. calendarView/delta sends an occurrence of a
// series as a skeleton (id, type, seriesMasterId, start, end) and the series master in full once;
// the occurrence's other properties are the master's. Hydrating here, at read time, means a
// master change costs one stored row, not one per occurrence.
import type { EventRecord } from "./local-store.js";

/** Properties an occurrence has of its own, never the master's. */
const OWN = ["id", "type", "seriesMasterId", "start", "end"] as const;
/**
 * Master properties an occurrence does not inherit: its series pattern (an occurrence has
 * none), and ids naming the master itself (iCalUId is per occurrence in Graph and not in the
 * skeleton, so a hydrated occurrence has none rather than the master's).
 */
const NOT_INHERITED = ["recurrence", "iCalUId", "occurrenceId", "originalStart", "changeKey", "webLink"] as const;

const startOf = (e: EventRecord): string => {
  const start = e.start as { dateTime?: unknown } | undefined;
  return typeof start?.dateTime === "string" ? start.dateTime : "";
};

/**
 * An occurrence skeleton made whole from its series master; anything else unchanged.
 *
 * @example
 * hydrateOccurrence({ id: "O1", type: "occurrence", seriesMasterId: "M", start, end }, master).subject; // master.subject
 */
export function hydrateOccurrence(occurrence: EventRecord, master: EventRecord | undefined): EventRecord {
  if (occurrence.type !== "occurrence" || master === undefined) return occurrence;
  const hydrated: Record<string, unknown> = { ...master };
  for (const key of NOT_INHERITED) delete hydrated[key];
  if (Object.hasOwn(master, "recurrence")) hydrated.recurrence = null; // as Graph renders occurrences
  for (const key of OWN) if (Object.hasOwn(occurrence, key)) hydrated[key] = occurrence[key];
  return hydrated as EventRecord;
}

/**
 * The stored events as a calendar view: single instances and exceptions as stored, occurrences
 * hydrated from their master, series masters left out (calendarView does not list them), ordered
 * by start then id. An occurrence whose master is not stored stays a skeleton.
 *
 * @example
 * const view = hydrateEvents(await store.listEvents());
 */
export function hydrateEvents(stored: readonly EventRecord[]): EventRecord[] {
  const masters = new Map(stored.filter((e) => e.type === "seriesMaster").map((e) => [e.id, e]));
  return stored
    .filter((e) => e.type !== "seriesMaster")
    .map((e) => hydrateOccurrence(e, typeof e.seriesMasterId === "string" ? masters.get(e.seriesMasterId) : undefined))
    .sort((a, b) => {
      const sa = startOf(a);
      const sb = startOf(b);
      return sa < sb ? -1 : sa > sb ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
    });
}
