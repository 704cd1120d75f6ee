import { Temporal } from "temporal-polyfill";
import { ValidationError } from "../../../errors.js";
import { resolveTimeZone } from "../time-zones.js";

// Graph's patternedRecurrence: a pattern (how often) and a range (from when, until when).
// Reading one validates the fields each type needs (spec §1.3) and returns the normalised value
// Graph echoes: every field present, the ones the type does not use zero-valued
// ("month":0,"dayOfMonth":0,"index":"first","numberOfOccurrences":0, "endDate":"0001-01-01").
// see: https://learn.microsoft.com/graph/api/resources/patternedrecurrence
// see: https://learn.microsoft.com/graph/api/resources/recurrencepattern
// see: https://learn.microsoft.com/graph/api/resources/recurrencerange

export const PATTERN_TYPES = ["daily", "weekly", "absoluteMonthly", "relativeMonthly", "absoluteYearly", "relativeYearly"] as const;
export type RecurrencePatternType = (typeof PATTERN_TYPES)[number];

/** In Temporal's order: dayOfWeek 1 (Monday) … 7 (Sunday) is the index + 1. */
export const DAYS_OF_WEEK = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"] as const;
export type DayOfWeek = (typeof DAYS_OF_WEEK)[number];

export const WEEK_INDEXES = ["first", "second", "third", "fourth", "last"] as const;
export type WeekIndex = (typeof WEEK_INDEXES)[number];

export const RANGE_TYPES = ["endDate", "noEnd", "numbered"] as const;
export type RecurrenceRangeType = (typeof RANGE_TYPES)[number];

export interface RecurrencePattern {
  type: RecurrencePatternType;
  interval: number;
  /** 1–12 for the yearly types, else 0. */
  month: number;
  /** 1–31 for the absolute types, else 0. */
  dayOfMonth: number;
  /** In the order given, without repeats; empty for the types that do not use it. */
  daysOfWeek: DayOfWeek[];
  firstDayOfWeek: DayOfWeek;
  index: WeekIndex;
}

export interface RecurrenceRange {
  type: RecurrenceRangeType;
  /** YYYY-MM-DD. */
  startDate: string;
  /** YYYY-MM-DD, inclusive; "0001-01-01" unless the type is endDate. */
  endDate: string;
  /** The zone's name as Graph echoes it; "" when neither given nor defaulted. */
  recurrenceTimeZone: string;
  /** ≥ 1 for numbered, else 0. */
  numberOfOccurrences: number;
}

export interface PatternedRecurrence {
  pattern: RecurrencePattern;
  range: RecurrenceRange;
}

const MAX_INTERVAL = 999;

/** Graph's zero value for a date. */
export const NO_END_DATE = "0001-01-01";

const PATTERN_PROPERTIES = ["type", "interval", "month", "dayOfMonth", "daysOfWeek", "firstDayOfWeek", "index"];
const RANGE_PROPERTIES = ["type", "startDate", "endDate", "recurrenceTimeZone", "numberOfOccurrences"];

/** Which pattern fields each type needs, besides `type` and `interval` (spec §1.3). */
const NEEDS: Record<RecurrencePatternType, { month?: true; dayOfMonth?: true; daysOfWeek?: true; index?: true; firstDayOfWeek?: true }> = {
  daily: {},
  weekly: { daysOfWeek: true, firstDayOfWeek: true },
  absoluteMonthly: { dayOfMonth: true },
  relativeMonthly: { daysOfWeek: true, index: true },
  absoluteYearly: { dayOfMonth: true, month: true },
  relativeYearly: { daysOfWeek: true, month: true, index: true },
};

/**
 * Reads a patternedRecurrence from a request body. `defaultTimeZone` is the name the range
 * echoes when the body gives no recurrenceTimeZone (the event's start zone).
 */
export function parsePatternedRecurrence(value: unknown, options: { defaultTimeZone?: string } = {}): PatternedRecurrence {
  const body = objectOf(value, "recurrence", "patternedRecurrence", ["pattern", "range"]);
  const pattern = parsePattern(objectOf(body.pattern, "recurrence.pattern", "recurrencePattern", PATTERN_PROPERTIES));
  const range = parseRange(objectOf(body.range, "recurrence.range", "recurrenceRange", RANGE_PROPERTIES), options);
  return { pattern, range };
}

function parsePattern(body: Record<string, unknown>): RecurrencePattern {
  const type = required(body, "pattern.type", (v, p) => enumOf(v, p, PATTERN_TYPES));
  const needs = NEEDS[type];
  // 999: Outlook's recurrence dialog goes no higher (Exchange's own limit is unconfirmed), and the
  // bound keeps date arithmetic inside Temporal's range.
  const interval = required(body, "pattern.interval", (v, p) => integerIn(v, p, 1, MAX_INTERVAL));
  // Every value given is checked, used or not: "any property that you include that does not have
  // a supported value would result in an error" (recurrencePattern). Unused ones echo as zero.
  const month = optional(body, "pattern.month", (v, p) => integerIn(v, p, needs.month ? 1 : 0, 12));
  const dayOfMonth = optional(body, "pattern.dayOfMonth", (v, p) => integerIn(v, p, needs.dayOfMonth ? 1 : 0, 31));
  const daysOfWeek = optional(body, "pattern.daysOfWeek", daysOfWeekOf);
  const firstDayOfWeek = optional(body, "pattern.firstDayOfWeek", (v, p) => enumOf(v, p, DAYS_OF_WEEK));
  const index = optional(body, "pattern.index", (v, p) => enumOf(v, p, WEEK_INDEXES));
  if (needs.month && !month) missing("pattern.month", type);
  if (needs.dayOfMonth && !dayOfMonth) missing("pattern.dayOfMonth", type);
  if (needs.daysOfWeek && (!daysOfWeek || daysOfWeek.length === 0)) missing("pattern.daysOfWeek", type);
  return {
    type,
    interval,
    month: needs.month ? month ?? 0 : 0,
    dayOfMonth: needs.dayOfMonth ? dayOfMonth ?? 0 : 0,
    daysOfWeek: needs.daysOfWeek ? daysOfWeek ?? [] : [],
    // Graph's defaults: weeks start on Sunday, and the relative types take the first match.
    firstDayOfWeek: firstDayOfWeek ?? "sunday",
    index: needs.index ? index ?? "first" : "first",
  };
}

function parseRange(body: Record<string, unknown>, options: { defaultTimeZone?: string }): RecurrenceRange {
  const type = required(body, "range.type", (v, p) => enumOf(v, p, RANGE_TYPES));
  const startDate = required(body, "range.startDate", dateOf);
  const endDate = optional(body, "range.endDate", dateOf);
  const numberOfOccurrences = optional(body, "range.numberOfOccurrences", (v, p) => integerIn(v, p, 0, Number.MAX_SAFE_INTEGER));
  const zoneName = optional(body, "range.recurrenceTimeZone", (v, p) => {
    if (typeof v !== "string") invalid(p, v);
    if (v === "") return undefined;
    const zone = resolveTimeZone(v);
    if (!zone) throw new ValidationError(`The time zone '${v}' of 'range.recurrenceTimeZone' is not supported.`, "propertyValidation");
    return zone.name;
  });
  if (type === "endDate") {
    if (!endDate || endDate === NO_END_DATE) missing("range.endDate", type);
    if (Temporal.PlainDate.compare(endDate, startDate) < 0) {
      throw new ValidationError(`The recurrence range's endDate '${endDate}' is before its startDate '${startDate}'.`);
    }
  }
  if (type === "numbered" && !numberOfOccurrences) missing("range.numberOfOccurrences", type);
  return {
    type,
    startDate,
    endDate: type === "endDate" ? endDate ?? NO_END_DATE : NO_END_DATE,
    recurrenceTimeZone: zoneName ?? options.defaultTimeZone ?? "",
    numberOfOccurrences: type === "numbered" ? numberOfOccurrences ?? 0 : 0,
  };
}

// --- Readers: each throws a ValidationError that names the property. ---

function objectOf(value: unknown, property: string, type: string, known: readonly string[]): Record<string, unknown> {
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw new ValidationError(`The property '${property}' must be a ${type} object.`, "badRequest");
  }
  const body = value as Record<string, unknown>;
  for (const key of Object.keys(body)) {
    if (!key.startsWith("@odata.") && !known.includes(key)) {
      throw new ValidationError(
        `The property '${key}' does not exist on type 'microsoft.graph.${type}'. Make sure to only use property names that are defined by the type.`,
        "badRequest");
    }
  }
  return body;
}

/** A member that must be there (`path` is "pattern.type": the key is after the dot); `null` counts as absent. */
function required<T>(body: Record<string, unknown>, path: string, read: (value: unknown, path: string) => T): T {
  const value = body[path.slice(path.indexOf(".") + 1)];
  if (value === undefined || value === null) throw new ValidationError(`The recurrence property '${path}' is required.`);
  return read(value, path);
}

function optional<T>(body: Record<string, unknown>, path: string, read: (value: unknown, path: string) => T): T | undefined {
  const value = body[path.slice(path.indexOf(".") + 1)];
  return value === undefined || value === null ? undefined : read(value, path);
}

function missing(path: string, type: string): never {
  throw new ValidationError(`The recurrence property '${path}' is required when the type is '${type}'.`);
}

function invalid(path: string, value: unknown): never {
  throw new ValidationError(`The value ${JSON.stringify(value)} is not supported for the recurrence property '${path}'.`);
}

/** Graph's enums are read case-insensitively and echoed in their own spelling. */
function enumOf<T extends string>(value: unknown, path: string, members: readonly T[]): T {
  if (typeof value !== "string") invalid(path, value);
  const found = members.find((m) => m.toLowerCase() === value.toLowerCase());
  if (found === undefined) invalid(path, value);
  return found;
}

function integerIn(value: unknown, path: string, min: number, max: number): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max) invalid(path, value);
  return value;
}

function daysOfWeekOf(value: unknown, path: string): DayOfWeek[] {
  if (!Array.isArray(value)) invalid(path, value);
  const days = value.map((day) => enumOf(day, path, DAYS_OF_WEEK));
  return [...new Set(days)];
}

function dateOf(value: unknown, path: string): string {
  if (typeof value !== "string" || !/^\d{4}-\d{2}-\d{2}$/.test(value)) invalid(path, value);
  try {
    return Temporal.PlainDate.from(value, { overflow: "reject" }).toString();
  } catch {
    return invalid(path, value);
  }
}
