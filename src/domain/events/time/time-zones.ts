import { Temporal } from "temporal-polyfill";
import { WINDOWS_TO_IANA_MAP } from "windows-iana";

// Graph accepts the Windows zone names Outlook lists ("Pacific Standard Time") and IANA names
// ("America/Los_Angeles") in start/end.timeZone, recurrenceTimeZone and Prefer: outlook.timezone.
// Windows names map to IANA through CLDR's windowsZones (the `windows-iana` package); IANA
// names are whatever Temporal (ICU's tz database) knows. No offset table is written here.
// see: https://learn.microsoft.com/graph/api/resources/datetimetimezone
// see: https://github.com/unicode-org/cldr/blob/main/common/supplemental/windowsZones.xml

/** A zone Graph accepts: `name` is what Graph echoes, `iana` is what the arithmetic uses. */
export interface ResolvedTimeZone {
  name: string;
  iana: string;
}

/**
 * Windows zone name (lower-cased) → its canonical spelling and CLDR's "001" (golden) IANA zone.
 * Built once from the package's constant data; it never changes, so it is not a cache.
 */
const WINDOWS_ZONES: ReadonlyMap<string, ResolvedTimeZone> = (() => {
  const zones = new Map<string, ResolvedTimeZone>();
  for (const entry of WINDOWS_TO_IANA_MAP) {
    const key = entry.windowsName.toLowerCase();
    const iana = entry.iana[0];
    if (iana === undefined) continue;
    // The "001" row is the zone's golden IANA name; other territories only fill in a missing one.
    if (entry.territory === "001" || !zones.has(key)) zones.set(key, { name: entry.windowsName, iana });
  }
  return zones;
})();

/** A Windows or IANA zone name as Graph would accept it, or undefined when Graph would not. */
export function resolveTimeZone(name: string): ResolvedTimeZone | undefined {
  const trimmed = name.trim();
  if (trimmed === "") return undefined;
  const windows = WINDOWS_ZONES.get(trimmed.toLowerCase());
  if (windows) return windows;
  return resolveIana(trimmed);
}

function resolveIana(name: string): ResolvedTimeZone | undefined {
  // Only named zones: Graph does not take a bare offset ("+05:00") as a time zone.
  if (!/^[A-Za-z][A-Za-z0-9_+\-/]*$/.test(name)) return undefined;
  try {
    // Temporal normalises the case ("europe/berlin" → "Europe/Berlin") and keeps aliases as given.
    const iana = new Temporal.ZonedDateTime(0n, name).timeZoneId;
    return { name: iana, iana };
  } catch {
    return undefined;
  }
}

/** Every Windows zone name the index knows, in its canonical spelling (for tests and listings). */
export function windowsTimeZoneNames(): string[] {
  return [...WINDOWS_ZONES.values()].map((zone) => zone.name);
}
