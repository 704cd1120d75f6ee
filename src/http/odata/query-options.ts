import type { ApiVersion } from "../../graph/index.js";
import { InvalidQueryError } from "../../domain/index.js";

/** System query options, keyed by lower-case name without `$`. */
export interface QueryOptions {
  select?: string;
  top?: string;
  skip?: string;
  skiptoken?: string;
  deltatoken?: string;
  count?: string;
  filter?: string;
  orderby?: string;
  expand?: string;
  search?: string;
  format?: string;
  /** calendarView's window (plain parameters, not OData options: no `$`, any casing; spec §2.2). */
  startdatetime?: string;
  enddatetime?: string;
}

const SYSTEM = new Set(["select", "top", "skip", "skiptoken", "deltatoken", "count", "filter", "orderby", "expand", "search", "format"]);
const PLAIN = new Set(["startdatetime", "enddatetime"]);

/**
 * Reads the query string as Graph does: names case-insensitive, percent-encoded names decoded,
 * `$` optional on beta and required on v1.0 (spec §2.4). Non-OData parameters are ignored.
 */
export function parseQueryOptions(rawQuery: string, apiVersion: ApiVersion): QueryOptions {
  const options: Record<string, string> = {};
  if (rawQuery === "") return options;
  for (const part of rawQuery.split("&")) {
    if (part === "") continue;
    const eq = part.indexOf("=");
    const rawName = eq < 0 ? part : part.slice(0, eq);
    const rawValue = eq < 0 ? "" : part.slice(eq + 1);
    let name: string;
    let value: string;
    try {
      name = decodeFormComponent(rawName).toLowerCase();
      value = decodeFormComponent(rawValue);
    } catch {
      throw new InvalidQueryError("The query string is not correctly percent-encoded.");
    }
    if (PLAIN.has(name)) {
      if (name in options) throw new InvalidQueryError(`Query parameter '${name}' was specified more than once.`);
      options[name] = value;
      continue;
    }
    const dollar = name.startsWith("$");
    const bare = dollar ? name.slice(1) : name;
    if (!SYSTEM.has(bare) || (!dollar && apiVersion !== "beta")) continue;
    if (bare in options) throw new InvalidQueryError(`Query option '$${bare}' was specified more than once.`);
    options[bare] = value;
  }
  return options as QueryOptions;
}

/** `+` is a space, then percent-decoding; most values (tokens, ids) have neither. */
function decodeFormComponent(s: string): string {
  if (!s.includes("%") && !s.includes("+")) return s;
  return decodeURIComponent(s.replace(/\+/g, " "));
}

export function parseIntegerOption(name: string, value: string | undefined, min: number): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value.trim()) || Number(value) < min || !Number.isSafeInteger(Number(value))) {
    throw new InvalidQueryError(`Invalid value '${value}' for query option '$${name}'.`);
  }
  return Number(value);
}

export function parseCountOption(value: string | undefined): boolean {
  if (value === undefined) return false;
  const v = value.trim().toLowerCase();
  if (v === "true") return true;
  if (v === "false") return false;
  throw new InvalidQueryError(`Invalid value '${value}' for query option '$count'.`);
}

/** Rejects options a resource does not implement, in Graph's message style. */
export function rejectUnsupported(options: QueryOptions, names: (keyof QueryOptions)[], resource: string): void {
  for (const name of names) {
    if (options[name] !== undefined) {
      throw new InvalidQueryError(`The query option '$${name}' is not supported on the '${resource}' resource.`);
    }
  }
}
