import { describe, expect, it } from "vitest";
import { ValidationError } from "../../../errors.js";
import { parsePatternedRecurrence } from "./patterned-recurrence.js";

const range = { type: "noEnd", startDate: "2026-03-02" };

function error(value: unknown): ValidationError {
  try {
    parsePatternedRecurrence(value);
  } catch (e) {
    expect(e).toBeInstanceOf(ValidationError);
    return e as ValidationError;
  }
  throw new Error("expected a ValidationError");
}

describe("parsePatternedRecurrence", () => {
  it("parsePatternedRecurrence: echoes the zero-valued fields as Graph does (weekly, endDate)", () => {
    const recurrence = parsePatternedRecurrence({
      pattern: { type: "weekly", interval: 1, daysOfWeek: ["Monday"] },
      range: { type: "endDate", startDate: "2017-09-04", endDate: "2017-12-31" },
    }, { defaultTimeZone: "Pacific Standard Time" });
    expect(recurrence).toEqual({
      pattern: { type: "weekly", interval: 1, month: 0, dayOfMonth: 0, daysOfWeek: ["monday"], firstDayOfWeek: "sunday", index: "first" },
      range: { type: "endDate", startDate: "2017-09-04", endDate: "2017-12-31", recurrenceTimeZone: "Pacific Standard Time", numberOfOccurrences: 0 },
    });
  });

  it("parsePatternedRecurrence: reads all six pattern types with their required fields", () => {
    const read = (pattern: object) => parsePatternedRecurrence({ pattern, range }).pattern;
    expect(read({ type: "daily", interval: 3 })).toMatchObject({ type: "daily", interval: 3, daysOfWeek: [], month: 0, dayOfMonth: 0 });
    expect(read({ type: "weekly", interval: 2, daysOfWeek: ["tuesday", "thursday"], firstDayOfWeek: "monday" }))
      .toMatchObject({ daysOfWeek: ["tuesday", "thursday"], firstDayOfWeek: "monday" });
    expect(read({ type: "absoluteMonthly", interval: 1, dayOfMonth: 31 })).toMatchObject({ dayOfMonth: 31, month: 0 });
    expect(read({ type: "relativeMonthly", interval: 1, daysOfWeek: ["friday"], index: "last" })).toMatchObject({ index: "last" });
    expect(read({ type: "relativeMonthly", interval: 1, daysOfWeek: ["friday"] })).toMatchObject({ index: "first" });
    expect(read({ type: "absoluteYearly", interval: 1, dayOfMonth: 29, month: 2 })).toMatchObject({ dayOfMonth: 29, month: 2 });
    expect(read({ type: "relativeYearly", interval: 1, daysOfWeek: ["thursday"], month: 11, index: "fourth" }))
      .toMatchObject({ daysOfWeek: ["thursday"], month: 11, index: "fourth" });
  });

  it("parsePatternedRecurrence: reads enums case-insensitively and drops repeated days", () => {
    const recurrence = parsePatternedRecurrence({
      pattern: { type: "RelativeMonthly", interval: 1, daysOfWeek: ["Monday", "monday", "FRIDAY"], index: "Second" },
      range: { type: "Numbered", startDate: "2026-01-01", numberOfOccurrences: 10 },
    });
    expect(recurrence.pattern).toMatchObject({ type: "relativeMonthly", daysOfWeek: ["monday", "friday"], index: "second" });
    expect(recurrence.range).toEqual({
      type: "numbered", startDate: "2026-01-01", endDate: "0001-01-01", recurrenceTimeZone: "", numberOfOccurrences: 10,
    });
  });

  it("parsePatternedRecurrence: zeroes the fields the type does not use", () => {
    const recurrence = parsePatternedRecurrence({
      pattern: { type: "daily", interval: 1, dayOfMonth: 5, month: 3, daysOfWeek: ["monday"], index: "last" },
      range: { type: "noEnd", startDate: "2026-01-01", endDate: "2026-06-01", numberOfOccurrences: 4 },
    });
    expect(recurrence.pattern).toEqual({
      type: "daily", interval: 1, month: 0, dayOfMonth: 0, daysOfWeek: [], firstDayOfWeek: "sunday", index: "first",
    });
    expect(recurrence.range).toMatchObject({ endDate: "0001-01-01", numberOfOccurrences: 0 });
  });

  it("parsePatternedRecurrence: resolves recurrenceTimeZone and echoes its canonical name", () => {
    const read = (recurrenceTimeZone: string) =>
      parsePatternedRecurrence({ pattern: { type: "daily", interval: 1 }, range: { ...range, recurrenceTimeZone } }).range.recurrenceTimeZone;
    expect(read("pacific standard time")).toBe("Pacific Standard Time");
    expect(read("Europe/Berlin")).toBe("Europe/Berlin");
    expect(error({ pattern: { type: "daily", interval: 1 }, range: { ...range, recurrenceTimeZone: "Mars" } }).detail).toBe("propertyValidation");
  });

  it("parsePatternedRecurrence: requires the fields each type needs, naming the property", () => {
    const missing = (pattern: object) => error({ pattern, range }).message;
    expect(missing({ interval: 1 })).toMatch(/'pattern\.type' is required/);
    expect(missing({ type: "daily" })).toMatch(/'pattern\.interval' is required/);
    expect(missing({ type: "weekly", interval: 1 })).toMatch(/'pattern\.daysOfWeek' is required when the type is 'weekly'/);
    expect(missing({ type: "weekly", interval: 1, daysOfWeek: [] })).toMatch(/'pattern\.daysOfWeek'/);
    expect(missing({ type: "absoluteMonthly", interval: 1 })).toMatch(/'pattern\.dayOfMonth'/);
    expect(missing({ type: "relativeMonthly", interval: 1 })).toMatch(/'pattern\.daysOfWeek'/);
    expect(missing({ type: "absoluteYearly", interval: 1, dayOfMonth: 3 })).toMatch(/'pattern\.month'/);
    expect(missing({ type: "relativeYearly", interval: 1, daysOfWeek: ["monday"] })).toMatch(/'pattern\.month'/);
    expect(error({ pattern: { type: "daily", interval: 1 }, range: { type: "endDate", startDate: "2026-01-01" } }).message)
      .toMatch(/'range\.endDate' is required/);
    expect(error({ pattern: { type: "daily", interval: 1 }, range: { type: "numbered", startDate: "2026-01-01" } }).message)
      .toMatch(/'range\.numberOfOccurrences' is required/);
    expect(error({ pattern: { type: "daily", interval: 1 }, range: { type: "noEnd" } }).message).toMatch(/'range\.startDate' is required/);
  });

  it("parsePatternedRecurrence: rejects unsupported values with ErrorInvalidRequest, naming the property", () => {
    const bad = (pattern: object, r: object = range) => error({ pattern, range: r });
    for (const [value, property] of [
      [bad({ type: "hourly", interval: 1 }), "pattern.type"],
      [bad({ type: "daily", interval: 0 }), "pattern.interval"],
      [bad({ type: "daily", interval: 1.5 }), "pattern.interval"],
      [bad({ type: "daily", interval: 1000 }), "pattern.interval"],
      [bad({ type: "daily", interval: "1" }), "pattern.interval"],
      [bad({ type: "absoluteMonthly", interval: 1, dayOfMonth: 32 }), "pattern.dayOfMonth"],
      [bad({ type: "absoluteMonthly", interval: 1, dayOfMonth: 0 }), "pattern.dayOfMonth"],
      [bad({ type: "absoluteYearly", interval: 1, dayOfMonth: 1, month: 13 }), "pattern.month"],
      [bad({ type: "daily", interval: 1, month: 13 }), "pattern.month"],
      [bad({ type: "weekly", interval: 1, daysOfWeek: ["funday"] }), "pattern.daysOfWeek"],
      [bad({ type: "weekly", interval: 1, daysOfWeek: "monday" }), "pattern.daysOfWeek"],
      [bad({ type: "weekly", interval: 1, daysOfWeek: ["monday"], firstDayOfWeek: "someday" }), "pattern.firstDayOfWeek"],
      [bad({ type: "relativeMonthly", interval: 1, daysOfWeek: ["monday"], index: "fifth" }), "pattern.index"],
      [bad({ type: "daily", interval: 1 }, { type: "forever", startDate: "2026-01-01" }), "range.type"],
      [bad({ type: "daily", interval: 1 }, { type: "noEnd", startDate: "2026-02-30" }), "range.startDate"],
      [bad({ type: "daily", interval: 1 }, { type: "noEnd", startDate: "2026-01-01T00:00:00" }), "range.startDate"],
      [bad({ type: "daily", interval: 1 }, { type: "numbered", startDate: "2026-01-01", numberOfOccurrences: -1 }), "range.numberOfOccurrences"],
    ] as const) {
      expect(value.detail, property).toBe("invalidRequest");
      expect(value.message, property).toContain(`'${property}'`);
    }
    const backwards = error({ pattern: { type: "daily", interval: 1 }, range: { type: "endDate", startDate: "2026-02-01", endDate: "2026-01-31" } });
    expect(backwards.message).toMatch(/before its startDate/);
  });

  it("parsePatternedRecurrence: refuses unknown properties and non-objects with BadRequest", () => {
    expect(error({ pattern: { type: "daily", interval: 1, every: 2 }, range })).toMatchObject({ detail: "badRequest" });
    expect(error({ pattern: { type: "daily", interval: 1 }, range: { ...range, until: "x" } }).message).toMatch(/'until'.*recurrenceRange/);
    expect(error({ pattern: { type: "daily", interval: 1 } }).message).toMatch(/'recurrence\.range'/);
    expect(error("FREQ=DAILY")).toMatchObject({ detail: "badRequest" });
    expect(parsePatternedRecurrence({ "@odata.type": "microsoft.graph.patternedRecurrence", pattern: { type: "daily", interval: 1 }, range }))
      .toMatchObject({ pattern: { type: "daily" } });
  });
});
