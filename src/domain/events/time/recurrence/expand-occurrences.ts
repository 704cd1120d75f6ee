import { Temporal } from "temporal-polyfill";
import { toEpochMs } from "../date-time-time-zone.js";
import { DAYS_OF_WEEK, WEEK_INDEXES, type DayOfWeek, type PatternedRecurrence, type RecurrencePattern } from "./patterned-recurrence.js";

// Expands a patternedRecurrence into the occurrences that overlap a window, lazily: the cost is
// the window's, never the series' age (ADR 0008).
//
// A pattern is a sequence of *periods* counted from the range's startDate: days (daily), weeks
// starting on firstDayOfWeek (weekly), months (the monthly types) or years (the yearly types),
// `interval` apart. Period k holds the same number of dates for every k (1, or the number of
// daysOfWeek for weekly), except that dates before startDate do not count. So the first period
// that can reach the window, and how many occurrences come before it (for `numbered` ranges),
// are both arithmetic; the loop then walks periods only while their dates start inside the window.
//
// Dates are wall-clock dates in the series' zone; each occurrence starts at the series' local
// time of day on its date (a DST gap moves it forward, an ambiguous time takes the earlier
// instant: "compatible", as Exchange does) and lasts `durationMs`.
// see: https://learn.microsoft.com/graph/api/resources/recurrencepattern
// see: MS-OXOCAL 2.2.1.44.1 (RecurrencePattern): day 31 of a monthly recurrence is the month's last day

export interface Occurrence {
  /** Where the pattern puts it; `startMs` differs only once exceptions (later work) move it. */
  originalStartMs: number;
  startMs: number;
  endMs: number;
  /** The pattern's date for it, in the series' zone (an occurrence's iCalUId carries it). */
  date: Temporal.PlainDate;
}

export interface ExpandOccurrencesOptions {
  recurrence: PatternedRecurrence;
  /** The series master's start, as a wall clock in the zone the recurrence is read in. */
  seriesStart: { wallClock: Temporal.PlainDateTime; iana: string };
  durationMs: number;
  /** Half-open [startMs, endMs): an occurrence overlaps it if it starts before endMs and ends after startMs. */
  window: { startMs: number; endMs: number };
  /** Counts the periods the loop visits: tests assert the bound with it, not with wall time. */
  counter?: { steps: number };
}

/** The occurrences of a series that overlap the window, in start order. */
export function expandOccurrences(options: ExpandOccurrencesOptions): Occurrence[] {
  const { recurrence: { pattern, range }, seriesStart, durationMs, window, counter } = options;
  if (window.endMs <= window.startMs) return [];
  const startDate = Temporal.PlainDate.from(range.startDate);
  const endDate = range.type === "endDate" ? Temporal.PlainDate.from(range.endDate) : undefined;
  const limit = range.type === "numbered" ? range.numberOfOccurrences : Infinity;
  const time = seriesStart.wallClock.toPlainTime();
  const periods = periodsOf({ pattern, startDate });

  // Period 0 may hold dates before startDate; every later period holds `perPeriod` dates.
  const countInFirst = periods.datesIn(0).filter((date) => Temporal.PlainDate.compare(date, startDate) >= 0).length;
  const countBefore = (k: number) => (k === 0 ? 0 : countInFirst + (k - 1) * periods.perPeriod);

  // The earliest date whose occurrence can still end after the window starts. A day's slack
  // covers the time of day and a DST shift; the loop's overlap test does the exact work.
  const lowDate = Temporal.Instant.fromEpochMilliseconds(window.startMs - durationMs)
    .toZonedDateTimeISO(seriesStart.iana).toPlainDate().subtract({ days: 1 });
  const occurrences: Occurrence[] = [];
  for (let k = Math.max(0, periods.periodOf(lowDate)); ; k++) {
    if (counter) counter.steps++;
    let position = countBefore(k);
    if (position >= limit) return occurrences;
    for (const date of periods.datesIn(k)) {
      if (Temporal.PlainDate.compare(date, startDate) < 0) continue;
      if (endDate && Temporal.PlainDate.compare(date, endDate) > 0) return occurrences;
      if (position++ >= limit) return occurrences;
      const startMs = toEpochMs({ wallClock: date.toPlainDateTime(time), iana: seriesStart.iana });
      if (startMs >= window.endMs) return occurrences;
      const endMs = startMs + durationMs;
      // A zero-length occurrence at the window's very start still counts as inside it.
      if (endMs > window.startMs || startMs >= window.startMs) occurrences.push({ originalStartMs: startMs, startMs, endMs, date });
    }
  }
}

/** A pattern as periods: which period a date falls in, and the candidate dates of period k. */
interface Periods {
  perPeriod: number;
  /** The (possibly negative) index of the period that contains `date`. */
  periodOf(date: Temporal.PlainDate): number;
  /** Period k's dates in ascending order, before filtering by the range. */
  datesIn(k: number): Temporal.PlainDate[];
}

function periodsOf(options: { pattern: RecurrencePattern; startDate: Temporal.PlainDate }): Periods {
  const { pattern, startDate } = options;
  const { interval } = pattern;
  const per = (n: number) => Math.floor(n / interval);
  const firstMonth = startDate.toPlainYearMonth();
  switch (pattern.type) {
    case "daily":
      return {
        perPeriod: 1,
        periodOf: (date) => per(daysBetween(startDate, date)),
        datesIn: (k) => [startDate.add({ days: k * interval })],
      };
    case "weekly": {
      const weekStart = startDate.subtract({ days: (startDate.dayOfWeek - dayNumber(pattern.firstDayOfWeek) + 7) % 7 });
      // Offsets of the chosen days from the week's first day, ascending.
      const offsets = pattern.daysOfWeek.map((day) => (dayNumber(day) - weekStart.dayOfWeek + 7) % 7).sort((a, b) => a - b);
      return {
        perPeriod: offsets.length,
        periodOf: (date) => per(Math.floor(daysBetween(weekStart, date) / 7)),
        datesIn: (k) => {
          const first = weekStart.add({ days: k * interval * 7 });
          return offsets.map((days) => first.add({ days }));
        },
      };
    }
    case "absoluteMonthly":
    case "relativeMonthly":
      return {
        perPeriod: 1,
        periodOf: (date) => per((date.year - startDate.year) * 12 + date.month - startDate.month),
        datesIn: (k) => [dateInMonth(pattern, firstMonth.add({ months: k * interval }))],
      };
    case "absoluteYearly":
    case "relativeYearly":
      return {
        perPeriod: 1,
        periodOf: (date) => per(date.year - startDate.year),
        datesIn: (k) => [dateInMonth(pattern, Temporal.PlainYearMonth.from({ year: startDate.year + k * interval, month: pattern.month }))],
      };
  }
}

/** The pattern's one date in a month: absolute (clamped to the last day) or relative. */
function dateInMonth(pattern: RecurrencePattern, month: Temporal.PlainYearMonth): Temporal.PlainDate {
  if (pattern.type === "absoluteMonthly" || pattern.type === "absoluteYearly") {
    // Exchange, not RFC 5545: day 31 in a 30-day month is the 30th, in February the 28th/29th.
    return month.toPlainDate({ day: Math.min(pattern.dayOfMonth, month.daysInMonth) });
  }
  // The index-th day of the month whose weekday is one of daysOfWeek ("first weekday", "last
  // Friday"). Each week holds at least one match, so the fourth falls within 28 days: the scan
  // is at most a month long.
  const days = new Set(pattern.daysOfWeek.map(dayNumber));
  const matches = (day: number) => days.has(month.toPlainDate({ day }).dayOfWeek);
  if (pattern.index === "last") {
    for (let day = month.daysInMonth; day >= 1; day--) if (matches(day)) return month.toPlainDate({ day });
  } else {
    let wanted = WEEK_INDEXES.indexOf(pattern.index) + 1;
    for (let day = 1; day <= month.daysInMonth; day++) if (matches(day) && --wanted === 0) return month.toPlainDate({ day });
  }
  // parsePatternedRecurrence guarantees at least one day of the week, so a match always exists.
  throw new Error(`no ${pattern.index} ${pattern.daysOfWeek.join("/")} in ${month.toString()}`);
}

/** Temporal's dayOfWeek: Monday 1 … Sunday 7. */
function dayNumber(day: DayOfWeek): number {
  return DAYS_OF_WEEK.indexOf(day) + 1;
}

function daysBetween(from: Temporal.PlainDate, to: Temporal.PlainDate): number {
  return from.until(to, { largestUnit: "day" }).days;
}
