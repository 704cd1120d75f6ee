import fc from "fast-check";
import { Temporal } from "temporal-polyfill";
import type { Event, TimeSpan } from "../../../src/domain/index.js";

// The operations of the calendarView/delta model test (event-delta-model.test.ts), their
// arbitraries, and the request bodies they send: times are placed relative to a window's edges
// so that events fall inside, outside and across them.

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** The span the windows fall in: two months from here. */
export const SPAN_START = Date.UTC(2026, 2, 2, 0, 0, 0);

// ---- Operations --------------------------------------------------------------------------

/** Where a time falls relative to a window: hours from its start (edge 0) or its end (edge 1). */
export interface Place {
  edge: 0 | 1;
  hours: number;
}

/** Windows zone names and their IANA zones: UTC, and two with DST changes inside the span (March 8 and 29, 2026). */
const ZONES = { UTC: "UTC", "Pacific Standard Time": "America/Los_Angeles", "W. Europe Standard Time": "Europe/Berlin" } as const;
export type ZoneName = keyof typeof ZONES;

export type PatternKind = "daily" | "weekly" | "absoluteMonthly";
export type RangeKind = "noEnd" | "numbered" | "endDate";

export type Op =
  | { kind: "createSingle"; m: number; at: Place; durationHours: number; zone: ZoneName }
  | { kind: "editSubject"; m: number; k: number }
  | { kind: "move"; m: number; k: number; at: Place }
  | { kind: "deleteSingle"; m: number; k: number }
  | { kind: "createSeries"; m: number; at: Place; durationHours: number; zone: ZoneName; pattern: PatternKind; interval: number; range: RangeKind; count: number }
  | { kind: "editMasterSubject"; m: number; k: number }
  | { kind: "editMasterPattern"; m: number; k: number; pattern: PatternKind; interval: number; range: RangeKind; count: number }
  | { kind: "shiftMaster"; m: number; k: number; hours: number }
  | { kind: "patchOccurrence"; m: number; k: number; j: number; shiftHours: number }
  | { kind: "deleteOccurrence"; m: number; k: number; j: number }
  | { kind: "deleteMaster"; m: number; k: number }
  /** A single instance PATCHed into a series, or a master PATCHed with `recurrence: null` into a single instance. */
  | { kind: "toggleRecurrence"; m: number; k: number; series: boolean; pattern: PatternKind; interval: number; range: RangeKind; count: number }
  /** `pages` pages of the current round (starting one if none is open). */
  | { kind: "pages"; m: number; pages: number; size: number }
  /** The rest of the current round (or a whole new one). */
  | { kind: "finish"; m: number; size: number }
  /** Writes to the mailbox's other calendar: they move the mailbox's watermark but never reach this calendar's rounds. */
  | { kind: "createOther"; m: number; at: Place; durationHours: number; series: boolean }
  | { kind: "deleteOther"; m: number; k: number }
  /** The client gives up on its open round and goes back to what it held at its last completed round. */
  | { kind: "abandon"; m: number }
  /** The last page of the open round requested again with the same cursor: the same items (pages are stateless). */
  | { kind: "replay"; m: number };

const m = fc.nat({ max: 1 });
const k = fc.nat({ max: 50 });
const place: fc.Arbitrary<Place> = fc.record({ edge: fc.constantFrom(0 as const, 1 as const), hours: fc.integer({ min: -72, max: 72 }) });
const pattern = fc.constantFrom<PatternKind>("daily", "weekly", "absoluteMonthly");
const range = fc.constantFrom<RangeKind>("noEnd", "numbered", "endDate");
const size = fc.integer({ min: 1, max: 10 });
const zone = fc.constantFrom<ZoneName>("UTC", "UTC", "Pacific Standard Time", "W. Europe Standard Time");

export const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ kind: fc.constant("createSingle" as const), m, at: place, durationHours: fc.integer({ min: 1, max: 30 }), zone }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("editSubject" as const), m, k }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant("move" as const), m, k, at: place }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("deleteSingle" as const), m, k }) },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant("createSeries" as const), m, at: place, durationHours: fc.integer({ min: 1, max: 20 }), zone,
      pattern, interval: fc.integer({ min: 1, max: 3 }), range, count: fc.integer({ min: 1, max: 12 }),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("editMasterSubject" as const), m, k }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant("editMasterPattern" as const), m, k, pattern, interval: fc.integer({ min: 1, max: 3 }), range, count: fc.integer({ min: 1, max: 12 }),
    }),
  },
  // Small shifts, so that a shift and its reverse happen in one round: kept and dropped exceptions and cancellations come back.
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("shiftMaster" as const), m, k, hours: fc.constantFrom(-48, -24, -2, -1, 1, 2, 24, 48) }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant("patchOccurrence" as const), m, k, j: fc.nat({ max: 30 }), shiftHours: fc.integer({ min: -30, max: 30 }) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("deleteOccurrence" as const), m, k, j: fc.nat({ max: 30 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("deleteMaster" as const), m, k }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant("toggleRecurrence" as const), m, k, series: fc.boolean(), pattern, interval: fc.integer({ min: 1, max: 3 }), range, count: fc.integer({ min: 1, max: 12 }),
    }),
  },
  { weight: 6, arbitrary: fc.record({ kind: fc.constant("pages" as const), m, pages: fc.integer({ min: 1, max: 3 }), size }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant("finish" as const), m, size }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("createOther" as const), m, at: place, durationHours: fc.integer({ min: 1, max: 30 }), series: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("deleteOther" as const), m, k }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("abandon" as const), m }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("replay" as const), m }) },
);

/** A window: whole hours inside the two-month span, a few days to a few weeks long. */
export const windowArb: fc.Arbitrary<TimeSpan> = fc
  .record({ startHour: fc.integer({ min: 0, max: 40 * 24 }), days: fc.integer({ min: 2, max: 21 }), extraHours: fc.integer({ min: 0, max: 23 }) })
  .map(({ startHour, days, extraHours }) => {
    const startMs = SPAN_START + startHour * HOUR;
    return { startMs, endMs: startMs + days * DAY + extraHours * HOUR };
  });

export const caseArb = fc.record({
  windows: fc.tuple(windowArb, windowArb),
  ops: fc.array(opArb, { minLength: 6, maxLength: 45, size: "max" }),
});

// ---- Bodies ------------------------------------------------------------------------------

/** The wall clock of `ms` in `zone`, as a request body gives it. */
export function dateTime(ms: number, zone: ZoneName = "UTC"): { dateTime: string; timeZone: string } {
  return { dateTime: local(ms, zone).toString().slice(0, 19), timeZone: zone };
}

function local(ms: number, zone: ZoneName): Temporal.PlainDateTime {
  return Temporal.Instant.fromEpochMilliseconds(ms).toZonedDateTimeISO(ZONES[zone]).toPlainDateTime();
}

export function zoneOf(e: Event): ZoneName {
  const name = e.start.zone.name;
  if (!(name in ZONES)) throw new Error(`unexpected zone ${name}`);
  return name as ZoneName;
}

export function timeAt(window: TimeSpan, at: Place): number {
  return (at.edge === 0 ? window.startMs : window.endMs) + at.hours * HOUR;
}

/** A recurrence whose range starts on the start's local date (as clients send it). */
export function recurrence(startMs: number, zone: ZoneName, p: { pattern: PatternKind; interval: number; range: RangeKind; count: number }): unknown {
  const day = local(startMs, zone).toPlainDate();
  const startDate = day.toString();
  const patternBody = p.pattern === "daily" ? { type: "daily", interval: p.interval }
    : p.pattern === "weekly" ? { type: "weekly", interval: p.interval, daysOfWeek: weekdays(day.dayOfWeek % 7, p.count), firstDayOfWeek: "sunday" }
    : { type: "absoluteMonthly", interval: p.interval, dayOfMonth: day.day };
  const rangeBody = p.range === "noEnd" ? { type: "noEnd", startDate }
    : p.range === "numbered" ? { type: "numbered", startDate, numberOfOccurrences: p.count }
    : { type: "endDate", startDate, endDate: day.add({ days: p.count * 3 }).toString() };
  return { pattern: patternBody, range: rangeBody };
}

const DAYS = ["sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"];

/** The start's weekday and, depending on `seed`, one or two others. */
function weekdays(first: number, seed: number): string[] {
  const days = new Set([first, (first + 2 + (seed % 3)) % 7, ...(seed % 2 === 0 ? [(first + 5) % 7] : [])]);
  return [...days].sort((a, b) => a - b).map((d) => DAYS[d] as string);
}

export function recurrenceParams(master: Event): { pattern: PatternKind; interval: number; range: RangeKind; count: number } {
  const r = master.recurrence;
  if (!r) throw new Error("a series master without recurrence");
  const p = r.pattern as { type: PatternKind; interval: number };
  const rr = r.range as { type: RangeKind; numberOfOccurrences?: number };
  return { pattern: p.type, interval: p.interval, range: rr.type, count: rr.numberOfOccurrences || 3 };
}

