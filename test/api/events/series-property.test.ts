import { afterAll, beforeAll, describe, expect, it } from "vitest";
import fc from "fast-check";
import { Temporal } from "temporal-polyfill";
import {
  ChangeLogWriter, EventService, MailboxService, ManualClock, occurrenceIdFor, randomIds, type Store,
} from "../../../src/domain/index.js";
import { openStore } from "../../../src/store/index.js";

// A random series with random exceptions (subject edits) and cancellations (deletes): the
// calendarView of a random window equals what a naive reference predicts. The reference walks
// the calendar one day at a time and tests each date against the pattern's rules as
// recurrencePattern describes them, in the series' zone; it shares no code with src's
// period arithmetic. Runs through EventService over a real SQLite store (HTTP would be slower
// and adds nothing here: the HTTP suites cover the edge).

const ZONES: Record<string, string> = { "UTC": "UTC", "Pacific Standard Time": "America/Los_Angeles", "W. Europe Standard Time": "Europe/Berlin" };
const DAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"] as const;
const INDEXES = ["first", "second", "third", "fourth", "last"] as const;
const MINUTE = 60_000;
const DAY_MS = 86_400_000;

interface Pattern {
  type: string;
  interval: number;
  daysOfWeek?: string[];
  firstDayOfWeek?: string;
  dayOfMonth?: number;
  month?: number;
  index?: string;
}

interface Series {
  zone: string;
  startDate: string;
  hour: number;
  minute: number;
  durationMin: number;
  pattern: Pattern;
  range: { type: "noEnd" } | { type: "endDate"; days: number } | { type: "numbered"; count: number };
}

const dayArb = fc.constantFrom(...DAYS);
const daysArb = fc.uniqueArray(dayArb, { minLength: 1, maxLength: 4 });
const patternArb: fc.Arbitrary<Pattern> = fc.oneof(
  fc.record({ type: fc.constant("daily"), interval: fc.integer({ min: 1, max: 5 }) }),
  fc.record({ type: fc.constant("weekly"), interval: fc.integer({ min: 1, max: 3 }), daysOfWeek: daysArb, firstDayOfWeek: dayArb }),
  fc.record({ type: fc.constant("absoluteMonthly"), interval: fc.integer({ min: 1, max: 3 }), dayOfMonth: fc.integer({ min: 1, max: 31 }) }),
  fc.record({ type: fc.constant("relativeMonthly"), interval: fc.integer({ min: 1, max: 3 }), daysOfWeek: daysArb, index: fc.constantFrom(...INDEXES) }),
  fc.record({ type: fc.constant("absoluteYearly"), interval: fc.constant(1), month: fc.integer({ min: 1, max: 12 }), dayOfMonth: fc.integer({ min: 1, max: 31 }) }),
  fc.record({
    type: fc.constant("relativeYearly"), interval: fc.constant(1), month: fc.integer({ min: 1, max: 12 }),
    daysOfWeek: daysArb, index: fc.constantFrom(...INDEXES),
  }),
);
const seriesArb: fc.Arbitrary<Series> = fc.record({
  zone: fc.constantFrom(...Object.keys(ZONES)),
  // Any day of 2026, so DST switches fall inside some series.
  startDate: fc.integer({ min: 0, max: 364 }).map((d) => Temporal.PlainDate.from("2026-01-01").add({ days: d }).toString()),
  hour: fc.integer({ min: 0, max: 23 }),
  minute: fc.constantFrom(0, 30),
  // Under a day, so an unmoved exception never touches its neighbours.
  durationMin: fc.integer({ min: 15, max: 180 }),
  pattern: patternArb,
  range: fc.oneof(
    fc.constant({ type: "noEnd" as const }),
    fc.record({ type: fc.constant("endDate" as const), days: fc.integer({ min: 0, max: 400 }) }),
    fc.record({ type: fc.constant("numbered" as const), count: fc.integer({ min: 1, max: 40 }) }),
  ),
});
const caseArb = fc.record({
  series: seriesArb,
  // Positions in the series' first occurrences (taken modulo their number).
  edits: fc.uniqueArray(fc.nat(60), { maxLength: 4 }),
  cancels: fc.uniqueArray(fc.nat(60), { maxLength: 4 }),
  // The window starts near one of the first occurrences (most windows then hold some), shifted
  // back by up to three days (or on by ten minutes), and lasts an hour to two months.
  windowAnchor: fc.nat(60),
  windowShiftMinutes: fc.integer({ min: -3 * 24 * 60, max: 10 }),
  windowHours: fc.integer({ min: 1, max: 24 * 60 }),
});

// --- The reference: one day at a time, each date against the rules. ---

const dayNumber = (day: string) => DAYS.indexOf(day as (typeof DAYS)[number]) + 1;

/** The index-th date in the month whose weekday is one of `days` ("last" = the final one). */
function relativeDay(year: number, month: number, days: string[], index: string): number {
  const key = `${year}-${month}-${days.join()}-${index}`;
  let day = relativeDays.get(key);
  if (day === undefined) relativeDays.set(key, (day = computeRelativeDay(year, month, days, index)));
  return day;
}
// The walk asks about every day of a month in turn: remember each month's answer.
const relativeDays = new Map<string, number>();

function computeRelativeDay(year: number, month: number, days: string[], index: string): number {
  const ym = Temporal.PlainYearMonth.from({ year, month });
  const matching: number[] = [];
  for (let d = 1; d <= ym.daysInMonth; d++) if (days.map(dayNumber).includes(ym.toPlainDate({ day: d }).dayOfWeek)) matching.push(d);
  return index === "last" ? matching[matching.length - 1]! : matching[INDEXES.indexOf(index as "first")]!;
}

function onPattern(p: Pattern, start: Temporal.PlainDate, date: Temporal.PlainDate): boolean {
  const months = (date.year - start.year) * 12 + (date.month - start.month);
  const lastDay = (d: Temporal.PlainDate) => Math.min(p.dayOfMonth!, d.daysInMonth);
  switch (p.type) {
    case "daily":
      return start.until(date).days % p.interval === 0;
    case "weekly": {
      const weekStart = (d: Temporal.PlainDate) => d.subtract({ days: (d.dayOfWeek - dayNumber(p.firstDayOfWeek!) + 7) % 7 });
      const weeks = weekStart(start).until(weekStart(date)).days / 7;
      return weeks % p.interval === 0 && p.daysOfWeek!.map(dayNumber).includes(date.dayOfWeek);
    }
    case "absoluteMonthly":
      return months % p.interval === 0 && date.day === lastDay(date);
    case "relativeMonthly":
      return months % p.interval === 0 && date.day === relativeDay(date.year, date.month, p.daysOfWeek!, p.index!);
    case "absoluteYearly":
      return date.month === p.month && date.day === lastDay(date);
    case "relativeYearly":
      return date.month === p.month && date.day === relativeDay(date.year, date.month, p.daysOfWeek!, p.index!);
  }
  throw new Error(p.type);
}

/** The occurrences' starts (epoch ms) on dates up to `until`, in order. */
function reference(s: Series, until: Temporal.PlainDate): number[] {
  const start = Temporal.PlainDate.from(s.startDate);
  const time = new Temporal.PlainTime(s.hour, s.minute);
  const out: number[] = [];
  for (let date = start; Temporal.PlainDate.compare(date, until) <= 0; date = date.add({ days: 1 })) {
    if (s.range.type === "endDate" && Temporal.PlainDate.compare(date, start.add({ days: s.range.days })) > 0) break;
    if (s.range.type === "numbered" && out.length >= s.range.count) break;
    if (onPattern(s.pattern, start, date)) {
      out.push(date.toPlainDateTime(time).toZonedDateTime(ZONES[s.zone]!, { disambiguation: "compatible" }).epochMilliseconds);
    }
  }
  return out;
}

function requestBody(s: Series): Record<string, unknown> {
  const start = Temporal.PlainDate.from(s.startDate).toPlainDateTime(new Temporal.PlainTime(s.hour, s.minute));
  const end = start.add({ minutes: s.durationMin });
  const range = s.range.type === "noEnd" ? { type: "noEnd" }
    : s.range.type === "endDate" ? { type: "endDate", endDate: Temporal.PlainDate.from(s.startDate).add({ days: s.range.days }).toString() }
    : { type: "numbered", numberOfOccurrences: s.range.count };
  return {
    subject: "Series",
    start: { dateTime: start.toString(), timeZone: s.zone },
    end: { dateTime: end.toString(), timeZone: s.zone },
    recurrence: { pattern: s.pattern, range: { ...range, startDate: s.startDate } },
  };
}

describe("calendarView of a series with exceptions and cancellations (property)", () => {
  let store: Store;
  let events: EventService;
  let mailboxes: MailboxService;
  let n = 0;

  beforeAll(async () => {
    const clock = new ManualClock(Date.UTC(2026, 0, 1, 0, 0, 0));
    store = await openStore({ dataDir: ":memory:", now: () => clock.now().getTime() });
    const writer = new ChangeLogWriter(store, clock);
    mailboxes = new MailboxService({ writer, ids: randomIds, clock, birthdays: false });
    events = new EventService({ writer, clock, ids: randomIds });
  });
  afterAll(async () => store?.close());

  it("equals the reference expansion, minus cancelled, with exceptions in place of their occurrences", async () => {
    await fc.assert(fc.asyncProperty(caseArb, async ({ series, edits, cancels, windowAnchor, windowShiftMinutes, windowHours }) => {
      const mailbox = await mailboxes.provision({ tenantId: "t1", userPrincipalName: `p${n++}@example.com`, displayName: "P" });
      const master = await events.create({ mailbox, scope: {}, body: requestBody(series), apiVersion: "v1.0" });
      const startDate = Temporal.PlainDate.from(series.startDate);
      const until = startDate.add({ days: 520 });
      const all = reference(series, until);
      const firstOnes = all.slice(0, 61);
      const durationMs = series.durationMin * MINUTE;

      const subjects = new Map<number, string>();
      const cancelled = new Set<number>();
      if (firstOnes.length > 0) {
        for (const i of edits) {
          const original = firstOnes[i % firstOnes.length]!;
          const subject = `Edited ${i}`;
          await events.update({ mailbox, scope: {}, eventId: occurrenceIdFor(master.id, original), body: { subject }, apiVersion: "v1.0" });
          subjects.set(original, subject);
        }
        for (const i of cancels) {
          const original = firstOnes[i % firstOnes.length]!;
          // Always leave one, so that the window has something to find.
          if (cancelled.has(original) || cancelled.size + 1 >= firstOnes.length) continue;
          await events.delete({ mailbox, scope: {}, eventId: occurrenceIdFor(master.id, original) });
          cancelled.add(original);
        }
      }

      const live = firstOnes.filter((startMs) => !cancelled.has(startMs));
      const anchor = live.length > 0 ? live[windowAnchor % live.length]! : Date.parse(`${series.startDate}T00:00:00Z`);
      const window = { startMs: anchor + windowShiftMinutes * MINUTE, endMs: anchor + windowShiftMinutes * MINUTE + windowHours * 3_600_000 };
      const expected = all
        .filter((startMs) => startMs < window.endMs && startMs + durationMs > window.startMs && !cancelled.has(startMs))
        .map((startMs) => ({
          id: occurrenceIdFor(master.id, startMs), startMs, endMs: startMs + durationMs,
          type: subjects.has(startMs) ? "exception" : "occurrence", subject: subjects.get(startMs) ?? "Series",
        }));
      // The reference stops at `until`; the window never reaches past it.
      expect(window.endMs).toBeLessThan(until.toPlainDateTime().toZonedDateTime("UTC").epochMilliseconds - DAY_MS);
      const got = (await events.calendarView({ mailbox, scope: {}, window })).map((e) => ({
        id: e.id, startMs: e.start.epochMs, endMs: e.end.epochMs, type: e.type, subject: e.subject,
      }));
      expect(got).toEqual(expected);
    }), { seed: 20260309, numRuns: 50 });
  });
});
