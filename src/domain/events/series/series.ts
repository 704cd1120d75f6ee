import { Temporal } from "temporal-polyfill";
import { occurrenceIdFor } from "../../ids.js";
import type { Event, TimeSpan } from "../../model.js";
import { occurrenceICalUId } from "../event-identity.js";
import { expandOccurrences, type Occurrence } from "../time/recurrence/expand-occurrences.js";
import type { PatternedRecurrence } from "../time/recurrence/patterned-recurrence.js";
import { resolveTimeZone } from "../time/time-zones.js";

// A series master and what it stands for: its occurrences (computed, never stored), its extent
// in time, and the occurrences next to a given one. Exceptions are stored rows that replace the
// occurrence with the same original start; cancelled occurrences are listed on the master.

/** The extent of a series without an end: far enough that no window reaches past it. */
export const OPEN_END_MS = 8_640_000_000_000_000;
/** Beyond this many occurrences a numbered series' extent is taken as open (not worth expanding). */
const NUMBERED_EXACT_LIMIT = 5_000;
const DAY_MS = 86_400_000;

/** Overlap with a half-open window; a zero-length item at the window's very start is inside. */
export function overlapsWindow(span: TimeSpan, window: TimeSpan): boolean {
  return span.startMs < window.endMs && (span.endMs > window.startMs || span.startMs >= window.startMs);
}

export function spanOf(event: Pick<Event, "start" | "end">): TimeSpan {
  return { startMs: event.start.epochMs, endMs: event.end.epochMs };
}

interface SeriesMaster extends Event {
  recurrence: PatternedRecurrence;
}

export function isSeriesMaster(event: Event): event is SeriesMaster {
  return event.type === "seriesMaster" && event.recurrence !== null;
}

/** The zone the pattern is read in: recurrenceTimeZone, else the master's start zone. */
function seriesZone(master: SeriesMaster): string {
  const named = master.recurrence.range.recurrenceTimeZone;
  return (named === "" ? undefined : resolveTimeZone(named)?.iana) ?? master.start.zone.iana;
}

/** The pattern's occurrences of a series master overlapping `window` (none for other events). */
export function expandSeries(master: Event, window: TimeSpan): Occurrence[] {
  return isSeriesMaster(master) ? expand(master, window) : [];
}

function expand(master: SeriesMaster, window: TimeSpan): Occurrence[] {
  const iana = seriesZone(master);
  const wallClock = Temporal.Instant.fromEpochMilliseconds(master.start.epochMs).toZonedDateTimeISO(iana).toPlainDateTime();
  return expandOccurrences({
    recurrence: master.recurrence,
    seriesStart: { wallClock, iana },
    durationMs: master.end.epochMs - master.start.epochMs,
    window,
  });
}

/**
 * Where the series lies in time, for window queries: from its first possible occurrence to the
 * end of its last (open for `noEnd`). A day of slack on each side covers zones and DST; the
 * expansion does the exact work.
 */
export function seriesExtent(master: Event): TimeSpan {
  if (!isSeriesMaster(master)) return spanOf(master);
  const { range } = master.recurrence;
  const iana = seriesZone(master);
  const duration = master.end.epochMs - master.start.epochMs;
  const midnight = (date: string) => Temporal.PlainDate.from(date).toZonedDateTime({ timeZone: iana }).epochMilliseconds;
  const startMs = seriesStartMs(master);
  switch (range.type) {
    case "noEnd": return { startMs, endMs: OPEN_END_MS };
    case "endDate": return { startMs, endMs: midnight(range.endDate) + 2 * DAY_MS + duration };
    case "numbered": {
      if (range.numberOfOccurrences > NUMBERED_EXACT_LIMIT) return { startMs, endMs: OPEN_END_MS };
      const all = expand(master, { startMs, endMs: OPEN_END_MS });
      const last = all[all.length - 1];
      return { startMs, endMs: last ? last.endMs + DAY_MS : startMs + DAY_MS };
    }
  }
}

/** Where a series' extent starts: its first possible occurrence, less a day of slack. */
export function seriesStartMs(master: Event): number {
  if (!isSeriesMaster(master)) return master.start.epochMs;
  const startDate = Temporal.PlainDate.from(master.recurrence.range.startDate).toZonedDateTime({ timeZone: seriesZone(master) });
  return Math.min(master.start.epochMs, startDate.epochMilliseconds) - DAY_MS;
}

/**
 * The occurrence of `master` at `originalStartMs`, as Graph shows it (spec §1.2, §2.3). `date`,
 * the original start's date in the series' zone, is worked out here unless the expansion that
 * found the occurrence already knows it.
 */
export function occurrenceOf(master: Event, originalStartMs: number, known?: Temporal.PlainDate): Event {
  const duration = master.end.epochMs - master.start.epochMs;
  const date = known ?? Temporal.Instant.fromEpochMilliseconds(originalStartMs)
    .toZonedDateTimeISO(isSeriesMaster(master) ? seriesZone(master) : master.start.zone.iana).toPlainDate();
  const occurrence: Event = {
    ...master,
    id: occurrenceIdFor(master.id, originalStartMs),
    type: "occurrence",
    seriesMasterId: master.id,
    originalStart: originalStartMs,
    start: { epochMs: originalStartMs, zone: master.start.zone },
    end: { epochMs: originalStartMs + duration, zone: master.end.zone },
    recurrence: null,
    iCalUId: occurrenceICalUId(master.uid, date),
    cancelledOccurrences: [],
  };
  delete occurrence.transactionId;
  return occurrence;
}

/**
 * The occurrences of a series that overlap `window`, leaving out cancelled ones and those an
 * exception replaces (`replaced`: the exceptions' original starts). Exceptions themselves are
 * the caller's: they are rows, found by their own span.
 */
export function seriesOccurrences(master: Event, options: { window: TimeSpan; replaced: ReadonlySet<number> }): Event[] {
  if (!isSeriesMaster(master)) return [];
  const cancelled = new Set(master.cancelledOccurrences);
  return expand(master, options.window)
    .filter((o) => !cancelled.has(o.originalStartMs) && !options.replaced.has(o.originalStartMs))
    .map((o) => occurrenceOf(master, o.originalStartMs, o.date));
}

/** Whether the pattern puts an occurrence at exactly `originalStartMs` (cancelled or not). */
export function isPatternOccurrence(master: Event, originalStartMs: number): boolean {
  if (!isSeriesMaster(master)) return false;
  return expand(master, { startMs: originalStartMs, endMs: originalStartMs + 1 })
    .some((o) => o.originalStartMs === originalStartMs);
}

// Windows tried in turn when looking for a neighbour: most patterns answer in the first.
const NEIGHBOUR_REACH_MS = [8 * DAY_MS, 63 * DAY_MS, 400 * DAY_MS, 1000 * 366 * DAY_MS];

/**
 * The original starts of the nearest occurrences before and after `originalStartMs` that are
 * not cancelled (undefined: none). An edited occurrence may not cross or overlap them (§1.5).
 */
export function neighbourOriginals(master: Event, originalStartMs: number): { previous?: number; next?: number } {
  if (!isSeriesMaster(master)) return {};
  const cancelled = new Set(master.cancelledOccurrences);
  const live = (o: Occurrence) => !cancelled.has(o.originalStartMs);
  const out: { previous?: number; next?: number } = {};
  for (const reach of NEIGHBOUR_REACH_MS) {
    const before = expand(master, { startMs: originalStartMs - reach, endMs: originalStartMs })
      .filter((o) => o.originalStartMs < originalStartMs && live(o));
    const last = before[before.length - 1];
    if (last) {
      out.previous = last.originalStartMs;
      break;
    }
  }
  for (const reach of NEIGHBOUR_REACH_MS) {
    const first = expand(master, { startMs: originalStartMs + 1, endMs: originalStartMs + reach })
      .find((o) => o.originalStartMs > originalStartMs && live(o));
    if (first) {
      out.next = first.originalStartMs;
      break;
    }
  }
  return out;
}
