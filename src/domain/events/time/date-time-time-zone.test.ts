import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { Temporal } from "temporal-polyfill";
import { ValidationError } from "../../errors.js";
import { formatDateTimeTimeZone, isAllDaySpan, isMidnight, parseDateTimeTimeZone } from "./date-time-time-zone.js";
import { resolveTimeZone } from "./time-zones.js";

const utc = (iso: string) => Date.parse(iso);
const parse = (dateTime: string, timeZone: string) => parseDateTimeTimeZone({ dateTime, timeZone }, { property: "start" });

function expectError(fn: () => unknown, detail: ValidationError["detail"], message?: RegExp): void {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).detail).toBe(detail);
    if (message) expect((error as ValidationError).message).toMatch(message);
    return;
  }
  throw new Error("expected a ValidationError");
}

describe("parseDateTimeTimeZone", () => {
  it("parseDateTimeTimeZone: reads a wall clock in a Windows zone", () => {
    const read = parse("2026-03-08T09:00:00", "Pacific Standard Time");
    expect(read.epochMs).toBe(utc("2026-03-08T16:00:00Z")); // PDT began at 02:00 that morning
    expect(read.zone).toEqual({ name: "Pacific Standard Time", iana: "America/Los_Angeles" });
    expect(read.wallClock.toString()).toBe("2026-03-08T09:00:00");
  });

  it("parseDateTimeTimeZone: reads IANA zones and UTC", () => {
    expect(parse("2026-07-01T12:00:00", "Europe/Berlin").epochMs).toBe(utc("2026-07-01T10:00:00Z"));
    expect(parse("2026-07-01T12:00:00", "UTC").epochMs).toBe(utc("2026-07-01T12:00:00Z"));
  });

  it("parseDateTimeTimeZone: takes up to seven fractional digits", () => {
    expect(parse("2026-07-01T12:00:00.1234567", "UTC").epochMs).toBe(utc("2026-07-01T12:00:00.123Z"));
    expect(parse("2026-07-01T12:00:00.5", "UTC").epochMs).toBe(utc("2026-07-01T12:00:00.500Z"));
    expectError(() => parse("2026-07-01T12:00:00.12345678", "UTC"), "badRequest");
  });

  it("parseDateTimeTimeZone: moves a wall clock in the spring-forward gap forward by the gap (compatible)", () => {
    // 02:30 does not exist in Los Angeles on 2026-03-08; compatible reads it as 03:30 PDT.
    expect(parse("2026-03-08T02:30:00", "Pacific Standard Time").epochMs).toBe(utc("2026-03-08T10:30:00Z"));
  });

  it("parseDateTimeTimeZone: takes the earlier instant of an ambiguous wall clock (compatible)", () => {
    // 01:30 happens twice on 2026-11-01; the first is PDT (UTC-7).
    expect(parse("2026-11-01T01:30:00", "Pacific Standard Time").epochMs).toBe(utc("2026-11-01T08:30:00Z"));
  });

  it("parseDateTimeTimeZone: rejects a bad shape with BadRequest", () => {
    expectError(() => parseDateTimeTimeZone("2026-03-08T09:00:00", { property: "start" }), "badRequest", /'start'/);
    expectError(() => parseDateTimeTimeZone(null, { property: "end" }), "badRequest", /'end'/);
    expectError(() => parseDateTimeTimeZone({ dateTime: "2026-03-08T09:00:00" }, { property: "end" }), "badRequest");
    expectError(() => parse("2026-03-08T09:00:00Z", "UTC"), "badRequest", /start\.dateTime/);
    expectError(() => parse("2026-03-08T09:00:00+01:00", "UTC"), "badRequest");
    expectError(() => parse("2026-02-30T09:00:00", "UTC"), "badRequest");
    expectError(() => parse("2026-03-08T24:00:00", "UTC"), "badRequest");
    expectError(() => parse("2026-03-08", "UTC"), "badRequest");
  });

  it("parseDateTimeTimeZone: rejects an unknown zone with a property-validation error", () => {
    expectError(() => parse("2026-03-08T09:00:00", "Mars Standard Time"), "propertyValidation", /Mars Standard Time/);
  });
});

describe("formatDateTimeTimeZone", () => {
  const zone = (name: string) => resolveTimeZone(name) ?? (() => { throw new Error(name); })();

  it("formatDateTimeTimeZone: writes seven fractional digits and the zone's echoed name", () => {
    expect(formatDateTimeTimeZone({ epochMs: utc("2017-04-15T11:00:00Z"), zone: zone("UTC") }))
      .toEqual({ dateTime: "2017-04-15T11:00:00.0000000", timeZone: "UTC" });
    expect(formatDateTimeTimeZone({ epochMs: utc("2026-07-01T10:00:00.123Z"), zone: zone("W. Europe Standard Time") }))
      .toEqual({ dateTime: "2026-07-01T12:00:00.1230000", timeZone: "W. Europe Standard Time" });
  });

  it("formatDateTimeTimeZone: renders in the zone asked for (Prefer: outlook.timezone)", () => {
    const read = parse("2026-01-15T09:00:00", "Pacific Standard Time");
    expect(formatDateTimeTimeZone({ epochMs: read.epochMs, zone: zone("Europe/Berlin") }))
      .toEqual({ dateTime: "2026-01-15T18:00:00.0000000", timeZone: "Europe/Berlin" });
  });

  it("formatDateTimeTimeZone: round-trips what parseDateTimeTimeZone read", () => {
    const read = parse("2026-11-01T01:30:00.2500000", "Pacific Standard Time");
    const written = formatDateTimeTimeZone(read);
    expect(written).toEqual({ dateTime: "2026-11-01T01:30:00.2500000", timeZone: "Pacific Standard Time" });
    expect(parseDateTimeTimeZone(written, { property: "end" }).epochMs).toBe(read.epochMs);
  });
});

describe("isAllDaySpan", () => {
  it("isMidnight: only 00:00:00.0000000", () => {
    expect(isMidnight(Temporal.PlainDateTime.from("2026-03-08T00:00:00"))).toBe(true);
    expect(isMidnight(Temporal.PlainDateTime.from("2026-03-08T00:00:00.001"))).toBe(false);
    expect(isMidnight(Temporal.PlainDateTime.from("2026-03-08T12:00:00"))).toBe(false);
  });

  it("isAllDaySpan: midnight to midnight in one zone", () => {
    const start = parse("2026-03-08T00:00:00", "Pacific Standard Time");
    expect(isAllDaySpan({ start, end: parse("2026-03-09T00:00:00", "Pacific Standard Time") })).toBe(true);
    expect(isAllDaySpan({ start, end: parse("2026-03-09T00:00:00", "America/Los_Angeles") })).toBe(true);
  });

  it("isAllDaySpan: refuses other times, mixed zones and empty spans", () => {
    const start = parse("2026-03-08T00:00:00", "UTC");
    expect(isAllDaySpan({ start, end: parse("2026-03-09T09:00:00", "UTC") })).toBe(false);
    expect(isAllDaySpan({ start, end: parse("2026-03-09T00:00:00", "Europe/Berlin") })).toBe(false);
    expect(isAllDaySpan({ start, end: start })).toBe(false);
  });
});

describe("formatDateTimeTimeZone: the UTC fast path", () => {
  it("formatDateTimeTimeZone: UTC through Date equals the zone arithmetic (any instant, any millisecond)", () => {
    const utc = resolveTimeZone("UTC");
    if (!utc) throw new Error("UTC must resolve");
    fc.assert(fc.property(fc.integer({ min: 0, max: 253_402_300_799_999 }), (epochMs) => {
      const viaZone = formatDateTimeTimeZone({ epochMs, zone: { name: "UTC", iana: "Africa/Abidjan" } });
      expect(formatDateTimeTimeZone({ epochMs, zone: utc })).toEqual(viaZone);
    }), { seed: 20261202, numRuns: 500 });
  });
});
