import type { BodyType } from "../../graph/index.js";
import { resolveTimeZone, type ResolvedTimeZone } from "../../domain/index.js";

export const DEFAULT_DELTA_PAGE_SIZE = 10;
export const MAX_DELTA_PAGE_SIZE = 1000;

/**
 * Reads `Prefer: odata.maxpagesize=n` from any of the (possibly repeated, comma-separated)
 * Prefer headers. Valid values are clamped to 1..1000; invalid ones are ignored (spec §7.4).
 * Like Graph, the preference is read on every request, not remembered in tokens.
 */
export function pageSizePreference(header: string | string[] | undefined): { size: number; applied: boolean } {
  const values = header === undefined ? [] : Array.isArray(header) ? header : [header];
  for (const value of values) {
    for (const part of value.split(",")) {
      const m = /^\s*(?:odata\.)?maxpagesize\s*=\s*"?([^"\s;]*)"?\s*$/i.exec(part);
      if (!m) continue;
      // Digits only: Number() would also take "0x10", "1e1" or "+3", which OData's grammar does not.
      const n = /^\d+$/.test(m[1] as string) ? Number(m[1]) : NaN;
      if (n >= 1) return { size: Math.min(n, MAX_DELTA_PAGE_SIZE), applied: true };
    }
  }
  return { size: DEFAULT_DELTA_PAGE_SIZE, applied: false };
}

// The Outlook preferences of event responses (spec §1.4). Each result says whether it was applied
// and, if so, the token the route echoes in `Preference-Applied`.
// see: https://learn.microsoft.com/graph/api/resources/event (Prefer: outlook.timezone)
// see: https://learn.microsoft.com/graph/api/user-list-events (Prefer: outlook.body-content-type)
// see: https://www.rfc-editor.org/rfc/rfc7240 (Prefer grammar: only a preference's first instance counts)

/** UTC, what start/end are rendered in unless `outlook.timezone` says otherwise. */
export const UTC_TIME_ZONE: ResolvedTimeZone = resolveTimeZone("UTC") ?? { name: "UTC", iana: "UTC" };

export interface TimeZonePreference {
  /** The zone to render start/end in: the one asked for, or UTC. */
  timeZone: ResolvedTimeZone;
  applied: boolean;
  /** `outlook.timezone="…"` for Preference-Applied, when applied. */
  appliedToken?: string;
}

export interface BodyContentTypePreference {
  /** The body format asked for; undefined means the stored (html) body. */
  bodyContentType?: BodyType;
  applied: boolean;
  appliedToken?: string;
}

/**
 * `Prefer: outlook.timezone="…"`: a Windows or IANA zone name Graph accepts. An unknown zone is
 * ignored: UTC, not applied (the request still succeeds; spec §1.4 [REC]).
 */
export function timeZonePreference(header: string | string[] | undefined): TimeZonePreference {
  const value = firstPreference(header, "outlook.timezone");
  const zone = value === undefined ? undefined : resolveTimeZone(value);
  if (!zone) return { timeZone: UTC_TIME_ZONE, applied: false };
  // Echo the name as Graph spells it (canonical Windows name or the IANA id).
  return { timeZone: zone, applied: true, appliedToken: `outlook.timezone="${zone.name}"` };
}

/** `Prefer: outlook.body-content-type="text"|"html"` (case-insensitive); anything else is ignored. */
export function bodyContentTypePreference(header: string | string[] | undefined): BodyContentTypePreference {
  const value = firstPreference(header, "outlook.body-content-type")?.toLowerCase();
  if (value !== "text" && value !== "html") return { applied: false };
  return { bodyContentType: value, applied: true, appliedToken: `outlook.body-content-type="${value}"` };
}

/** The `Preference-Applied` header value for the applied preferences, or undefined if none was. */
export function preferenceAppliedHeader(preferences: readonly { appliedToken?: string }[]): string | undefined {
  const tokens = preferences.flatMap((p) => (p.appliedToken === undefined ? [] : [p.appliedToken]));
  return tokens.length === 0 ? undefined : tokens.join(", ");
}

/**
 * The value of the first instance of preference `name` (case-insensitive) across the Prefer
 * headers, unquoted; undefined when absent. Parameters after `;` are ignored. Commas inside a
 * quoted value do not split it.
 */
function firstPreference(header: string | string[] | undefined, name: string): string | undefined {
  const values = header === undefined ? [] : Array.isArray(header) ? header : [header];
  for (const value of values) {
    for (const part of splitPreferences(value)) {
      // Unquoted values may hold spaces (`outlook.timezone=Pacific Standard Time`): lenient, as Graph is.
      const m = /^\s*([^=;\s]+)\s*(?:=\s*("(?:[^"\\]|\\.)*"|[^;]*?))?\s*(?:;.*)?$/s.exec(part);
      if (!m || (m[1] as string).toLowerCase() !== name) continue;
      const raw = m[2] ?? "";
      return raw.startsWith('"') ? raw.slice(1, -1).replace(/\\(.)/g, "$1") : raw;
    }
  }
  return undefined;
}

function splitPreferences(value: string): string[] {
  const parts: string[] = [];
  let current = "";
  let quoted = false;
  for (let i = 0; i < value.length; i++) {
    const c = value[i] as string;
    if (quoted && c === "\\" && i + 1 < value.length) {
      current += c + (value[++i] as string);
      continue;
    }
    if (c === '"') quoted = !quoted;
    if (c === "," && !quoted) {
      parts.push(current);
      current = "";
    } else {
      current += c;
    }
  }
  parts.push(current);
  return parts;
}
