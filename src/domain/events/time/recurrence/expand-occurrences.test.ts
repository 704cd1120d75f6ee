import { describe, expect, it } from "vitest";
import { Temporal } from "temporal-polyfill";
import { expandOccurrences, type ExpandOccurrencesOptions } from "./expand-occurrences.js";
import { parsePatternedRecurrence } from "./patterned-recurrence.js";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const utc = (iso: string) => Date.parse(iso);
const iso = (ms: number) => new Date(ms).toISOString();

function expand(options: {
  pattern: object; range: object; start: string; iana?: string; durationMs?: number; from: string; to: string;
  counter?: ExpandOccurrencesOptions["counter"];
}) {
  return expandOccurrences({
    recurrence: parsePatternedRecurrence({ pattern: options.pattern, range: options.range }),
    seriesStart: { wallClock: Temporal.PlainDateTime.from(options.start), iana: options.iana ?? "Etc/UTC" },
    durationMs: options.durationMs ?? HOUR,
    window: { startMs: utc(options.from), endMs: utc(options.to) },
    ...(options.counter && { counter: options.counter }),
  });
}
const starts = (occurrences: { startMs: number }[]) => occurrences.map((o) => iso(o.startMs));

describe("expandOccurrences", () => {
  it("expandOccurrences: a weekly 09:00 Los Angeles meeting stays at 09:00 local across both DST switches", () => {
    const options = {
      pattern: { type: "weekly", interval: 1, daysOfWeek: ["monday"] },
      range: { type: "noEnd", startDate: "2026-01-05" },
      start: "2026-01-05T09:00:00", iana: "America/Los_Angeles",
    };
    // PDT begins on Sunday 2026-03-08: 17:00Z (UTC-8) becomes 16:00Z (UTC-7).
    expect(starts(expand({ ...options, from: "2026-02-28T00:00:00Z", to: "2026-03-17T00:00:00Z" })))
      .toEqual(["2026-03-02T17:00:00.000Z", "2026-03-09T16:00:00.000Z", "2026-03-16T16:00:00.000Z"]);
    // PST returns on Sunday 2026-11-01.
    expect(starts(expand({ ...options, from: "2026-10-20T00:00:00Z", to: "2026-11-10T00:00:00Z" })))
      .toEqual(["2026-10-26T16:00:00.000Z", "2026-11-02T17:00:00.000Z", "2026-11-09T17:00:00.000Z"]);
  });

  it("expandOccurrences: a time in the DST gap moves forward, an ambiguous one takes the first instant", () => {
    const daily = { pattern: { type: "daily", interval: 1 }, range: { type: "noEnd", startDate: "2026-03-07" }, iana: "America/Los_Angeles" };
    expect(starts(expand({ ...daily, start: "2026-03-07T02:30:00", from: "2026-03-07T00:00:00Z", to: "2026-03-10T00:00:00Z" })))
      .toEqual(["2026-03-07T10:30:00.000Z", "2026-03-08T10:30:00.000Z", "2026-03-09T09:30:00.000Z"]);
    expect(starts(expand({ ...daily, start: "2026-03-07T01:30:00", from: "2026-11-01T00:00:00Z", to: "2026-11-02T00:00:00Z" })))
      .toEqual(["2026-11-01T08:30:00.000Z"]);
  });

  it("expandOccurrences: absoluteMonthly on the 31st lands on the month's last day", () => {
    const occurrences = expand({
      pattern: { type: "absoluteMonthly", interval: 1, dayOfMonth: 31 }, range: { type: "noEnd", startDate: "2027-01-31" },
      start: "2027-01-31T10:00:00", from: "2027-01-01T00:00:00Z", to: "2027-06-01T00:00:00Z",
    });
    expect(starts(occurrences).map((s) => s.slice(0, 10))).toEqual(["2027-01-31", "2027-02-28", "2027-03-31", "2027-04-30", "2027-05-31"]);
  });

  it("expandOccurrences: absoluteYearly on 29 February falls on the 28th outside leap years", () => {
    const occurrences = expand({
      pattern: { type: "absoluteYearly", interval: 1, dayOfMonth: 29, month: 2 }, range: { type: "noEnd", startDate: "2028-02-29" },
      start: "2028-02-29T10:00:00", from: "2028-01-01T00:00:00Z", to: "2033-01-01T00:00:00Z",
    });
    expect(starts(occurrences).map((s) => s.slice(0, 10))).toEqual(["2028-02-29", "2029-02-28", "2030-02-28", "2031-02-28", "2032-02-29"]);
  });

  it("expandOccurrences: relativeMonthly and relativeYearly with index last, and 'first weekday'", () => {
    const lastFriday = expand({
      pattern: { type: "relativeMonthly", interval: 1, daysOfWeek: ["friday"], index: "last" }, range: { type: "noEnd", startDate: "2026-01-01" },
      start: "2026-01-01T12:00:00", from: "2026-01-01T00:00:00Z", to: "2026-04-01T00:00:00Z",
    });
    expect(starts(lastFriday).map((s) => s.slice(0, 10))).toEqual(["2026-01-30", "2026-02-27", "2026-03-27"]);
    const firstWeekday = expand({
      pattern: { type: "relativeMonthly", interval: 1, daysOfWeek: ["monday", "tuesday", "wednesday", "thursday", "friday"] },
      range: { type: "noEnd", startDate: "2026-01-01" },
      start: "2026-01-01T12:00:00", from: "2026-01-01T00:00:00Z", to: "2026-04-01T00:00:00Z",
    });
    expect(starts(firstWeekday).map((s) => s.slice(0, 10))).toEqual(["2026-01-01", "2026-02-02", "2026-03-02"]);
    const thanksgiving = expand({
      pattern: { type: "relativeYearly", interval: 1, daysOfWeek: ["thursday"], month: 11, index: "fourth" },
      range: { type: "noEnd", startDate: "2026-01-01" },
      start: "2026-01-01T12:00:00", from: "2026-01-01T00:00:00Z", to: "2029-01-01T00:00:00Z",
    });
    expect(starts(thanksgiving).map((s) => s.slice(0, 10))).toEqual(["2026-11-26", "2027-11-25", "2028-11-23"]);
    const lastSunday = expand({
      pattern: { type: "relativeYearly", interval: 2, daysOfWeek: ["sunday"], month: 3, index: "last" },
      range: { type: "noEnd", startDate: "2026-01-01" },
      start: "2026-01-01T12:00:00", from: "2026-01-01T00:00:00Z", to: "2031-01-01T00:00:00Z",
    });
    expect(starts(lastSunday).map((s) => s.slice(0, 10))).toEqual(["2026-03-29", "2028-03-26", "2030-03-31"]);
  });

  it("expandOccurrences: weekly with several days and interval 2 counts weeks from firstDayOfWeek", () => {
    const pattern = { type: "weekly", interval: 2, daysOfWeek: ["sunday", "wednesday"] };
    const window = { start: "2026-03-04T09:00:00", from: "2026-03-01T00:00:00Z", to: "2026-03-30T00:00:00Z" };
    // Weeks from Sunday: the week of Wed 03-04 starts Sun 03-01 (before the range: skipped).
    expect(starts(expand({ ...window, pattern: { ...pattern, firstDayOfWeek: "sunday" }, range: { type: "noEnd", startDate: "2026-03-04" } }))
      .map((s) => s.slice(0, 10))).toEqual(["2026-03-04", "2026-03-15", "2026-03-18", "2026-03-29"]);
    // Weeks from Monday: the week of 03-04 runs Mon 03-02 … Sun 03-08, so its Sunday is in it.
    expect(starts(expand({ ...window, pattern: { ...pattern, firstDayOfWeek: "monday" }, range: { type: "noEnd", startDate: "2026-03-04" } }))
      .map((s) => s.slice(0, 10))).toEqual(["2026-03-04", "2026-03-08", "2026-03-18", "2026-03-22"]);
  });

  it("expandOccurrences: numbered counts from the range start, not from the window", () => {
    const series = {
      pattern: { type: "weekly", interval: 1, daysOfWeek: ["monday", "thursday"] },
      range: { type: "numbered", startDate: "2026-01-01", numberOfOccurrences: 5 },
      start: "2026-01-01T09:00:00",
    };
    // Thu 01-01, Mon 01-05, Thu 01-08, Mon 01-12, Thu 01-15: the fifth is the last.
    expect(starts(expand({ ...series, from: "2026-01-10T00:00:00Z", to: "2026-03-01T00:00:00Z" })).map((s) => s.slice(0, 10)))
      .toEqual(["2026-01-12", "2026-01-15"]);
    expect(expand({ ...series, from: "2026-01-16T00:00:00Z", to: "2027-01-01T00:00:00Z" })).toEqual([]);
  });

  it("expandOccurrences: endDate is inclusive, and nothing comes before startDate", () => {
    const occurrences = expand({
      pattern: { type: "daily", interval: 1 }, range: { type: "endDate", startDate: "2026-05-10", endDate: "2026-05-12" },
      start: "2026-05-10T23:00:00", from: "2026-05-01T00:00:00Z", to: "2026-06-01T00:00:00Z",
    });
    expect(starts(occurrences)).toEqual(["2026-05-10T23:00:00.000Z", "2026-05-11T23:00:00.000Z", "2026-05-12T23:00:00.000Z"]);
  });

  it("expandOccurrences: returns each occurrence that overlaps the window, with its end", () => {
    const occurrences = expand({
      pattern: { type: "daily", interval: 1 }, range: { type: "noEnd", startDate: "2026-05-01" },
      start: "2026-05-01T22:00:00", durationMs: 4 * HOUR, from: "2026-05-03T01:00:00Z", to: "2026-05-03T22:00:00Z",
    });
    // 05-02 22:00–02:00 overlaps the window's start; 05-03 22:00 starts at its (exclusive) end.
    expect(occurrences.map(({ date, ...span }) => ({ ...span, date: date.toString() }))).toEqual([
      { originalStartMs: utc("2026-05-02T22:00:00Z"), startMs: utc("2026-05-02T22:00:00Z"), endMs: utc("2026-05-03T02:00:00Z"), date: "2026-05-02" },
    ]);
    const instant = expand({
      pattern: { type: "daily", interval: 1 }, range: { type: "noEnd", startDate: "2026-05-01" },
      start: "2026-05-01T12:00:00", durationMs: 0, from: "2026-05-02T12:00:00Z", to: "2026-05-03T12:00:00Z",
    });
    expect(starts(instant)).toEqual(["2026-05-02T12:00:00.000Z"]);
  });

  it("expandOccurrences: a daily series ten years old costs what a week-old one does (jumps to the window)", () => {
    const window = { from: "2036-06-01T00:00:00Z", to: "2036-06-08T00:00:00Z" };
    const run = (startDate: string) => {
      const counter = { steps: 0 };
      const occurrences = expand({
        pattern: { type: "daily", interval: 1 }, range: { type: "noEnd", startDate }, start: `${startDate}T09:00:00`, ...window, counter,
      });
      return { count: occurrences.length, steps: counter.steps };
    };
    const old = run("2026-06-01");
    const fresh = run("2036-05-25");
    expect(old.count).toBe(7);
    expect(fresh.count).toBe(7);
    expect(old.steps).toBe(fresh.steps);
    expect(old.steps).toBeLessThanOrEqual(7 + 3);
  });

  it("expandOccurrences: a numbered range far in the past is counted arithmetically, not walked", () => {
    const counter = { steps: 0 };
    const occurrences = expand({
      pattern: { type: "weekly", interval: 3, daysOfWeek: ["tuesday", "friday", "saturday"] },
      range: { type: "numbered", startDate: "2016-01-01", numberOfOccurrences: 100_000 },
      start: "2016-01-01T09:00:00", from: "2036-01-01T00:00:00Z", to: "2036-02-01T00:00:00Z", counter,
    });
    expect(occurrences.length).toBeGreaterThan(0);
    expect(counter.steps).toBeLessThanOrEqual(5);
    // And the limit is honoured where it falls: 3 a period, so the 9th occurrence is the last of period 2 (or 3).
    const short = expand({
      pattern: { type: "weekly", interval: 3, daysOfWeek: ["tuesday", "friday", "saturday"] },
      range: { type: "numbered", startDate: "2016-01-01", numberOfOccurrences: 9 },
      start: "2016-01-01T09:00:00", from: "2016-01-01T00:00:00Z", to: "2036-02-01T00:00:00Z",
    });
    expect(short).toHaveLength(9);
    expect(short.every((o, i) => i === 0 || o.startMs - (short[i - 1]?.startMs ?? 0) >= DAY)).toBe(true);
  });

  it("expandOccurrences: an empty or inverted window yields nothing", () => {
    const series = { pattern: { type: "daily", interval: 1 }, range: { type: "noEnd", startDate: "2026-01-01" }, start: "2026-01-01T09:00:00" };
    expect(expand({ ...series, from: "2026-02-01T00:00:00Z", to: "2026-02-01T00:00:00Z" })).toEqual([]);
    expect(expand({ ...series, from: "2026-02-02T00:00:00Z", to: "2026-02-01T00:00:00Z" })).toEqual([]);
    expect(expand({ ...series, from: "2025-01-01T00:00:00Z", to: "2025-12-31T00:00:00Z" })).toEqual([]);
  });
});
