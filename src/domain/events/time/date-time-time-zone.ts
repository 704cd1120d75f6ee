import { Temporal } from "temporal-polyfill";
import type { DateTimeTimeZone } from "../../../graph/index.js";
import { ValidationError } from "../../errors.js";
import { resolveTimeZone, type ResolvedTimeZone } from "./time-zones.js";

// Graph's dateTimeTimeZone: a wall-clock time without an offset, and the zone it is read in.
// Responses carry seven fractional digits ("2017-04-15T11:00:00.0000000") and the zone asked
// for (UTC, or Prefer: outlook.timezone).
// see: https://learn.microsoft.com/graph/api/resources/datetimetimezone

/** The wire shape lives in graph/event.ts. */
export type { DateTimeTimeZone };

/** A dateTimeTimeZone read: the instant, the zone as Graph echoes it, and the wall clock given. */
export interface ZonedTime {
  epochMs: number;
  zone: ResolvedTimeZone;
  wallClock: Temporal.PlainDateTime;
}

// No offset, no "Z": the zone says where the wall clock hangs. Up to 7 fractional digits (.NET ticks).
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,7}))?$/;

/**
 * Reads `start` or `end`. A wall clock that does not exist (a DST gap) moves forward by the gap
 * and an ambiguous one (the repeated hour) takes the earlier instant: Temporal's "compatible"
 * disambiguation, which is also what Exchange and Windows do.
 */
export function parseDateTimeTimeZone(value: unknown, options: { property: "start" | "end" }): ZonedTime {
  const { property } = options;
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw new ValidationError(`The property '${property}' must be a dateTimeTimeZone object with 'dateTime' and 'timeZone'.`, "badRequest");
  }
  const { dateTime, timeZone } = value as Record<string, unknown>;
  if (typeof dateTime !== "string" || typeof timeZone !== "string") {
    throw new ValidationError(`The property '${property}' must have string members 'dateTime' and 'timeZone'.`, "badRequest");
  }
  const wallClock = parseWallClock(dateTime);
  if (!wallClock) {
    throw new ValidationError(
      `The value '${dateTime}' of '${property}.dateTime' is not a date and time of the form yyyy-MM-ddTHH:mm:ss[.fffffff] without an offset.`,
      "badRequest");
  }
  const zone = resolveTimeZone(timeZone);
  if (!zone) throw new ValidationError(`The time zone '${timeZone}' of '${property}' is not supported.`, "propertyValidation");
  return { epochMs: toEpochMs({ wallClock, iana: zone.iana }), zone, wallClock };
}

function parseWallClock(text: string): Temporal.PlainDateTime | undefined {
  const match = DATE_TIME.exec(text);
  if (!match) return undefined;
  const [, year, month, day, hour, minute, second, fraction = ""] = match;
  const nanos = Number(fraction.padEnd(9, "0"));
  try {
    // The constructor rejects what does not exist (2026-02-30, 25:00) rather than moving to a
    // neighbouring date, and costs a third of `from` with a property bag (fixtures parse
    // thousands of these).
    return new Temporal.PlainDateTime(Number(year), Number(month), Number(day), Number(hour), Number(minute), Number(second),
      Math.floor(nanos / 1e6), Math.floor(nanos / 1e3) % 1000, nanos % 1000);
  } catch {
    return undefined;
  }
}

/** The instant of a wall clock in a zone, with "compatible" disambiguation (see above). */
export function toEpochMs(options: { wallClock: Temporal.PlainDateTime; iana: string }): number {
  return options.wallClock.toZonedDateTime(options.iana, { disambiguation: "compatible" }).epochMilliseconds;
}

// Years 0000–9999: toISOString writes six-digit years with a sign outside them.
const MAX_ISO_MS = 253_402_300_800_000;

/** An instant as Graph writes it in `zone`: seven fractional digits, no offset. */
export function formatDateTimeTimeZone(options: { epochMs: number; zone: ResolvedTimeZone }): DateTimeTimeZone {
  // UTC, what every response without Prefer: outlook.timezone uses: Date already has the fields.
  if ((options.zone.iana === "Etc/UTC" || options.zone.iana === "UTC") && options.epochMs >= 0 && options.epochMs < MAX_ISO_MS) {
    return { dateTime: `${new Date(options.epochMs).toISOString().slice(0, 23)}0000`, timeZone: options.zone.name };
  }
  const local = Temporal.Instant.fromEpochMilliseconds(options.epochMs).toZonedDateTimeISO(options.zone.iana).toPlainDateTime();
  const date = local.toPlainDate().toString();
  const time = [local.hour, local.minute, local.second].map((n) => String(n).padStart(2, "0")).join(":");
  const fraction = `${String(local.millisecond).padStart(3, "0")}0000`;
  return { dateTime: `${date}T${time}.${fraction}`, timeZone: options.zone.name };
}

/** Whether a wall clock is exactly midnight (the boundary of an all-day event). */
export function isMidnight(wallClock: Temporal.PlainDateTime): boolean {
  return Temporal.PlainTime.compare(wallClock.toPlainTime(), new Temporal.PlainTime()) === 0;
}

/**
 * An all-day event must start and end at midnight, in one time zone, and end after it starts.
 * see: https://learn.microsoft.com/graph/api/resources/event (isAllDay)
 */
export function isAllDaySpan(options: { start: ZonedTime; end: ZonedTime }): boolean {
  const { start, end } = options;
  return isMidnight(start.wallClock) && isMidnight(end.wallClock)
    && start.zone.iana === end.zone.iana
    && Temporal.PlainDateTime.compare(start.wallClock, end.wallClock) < 0;
}
