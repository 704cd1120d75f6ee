import { EVENT_ODATA_TYPE, EVENT_PROPERTIES, type ApiVersion, type BodyType } from "../../graph/index.js";
import {
  formatDateTimeTimeZone, occurrenceIdOf, toTextBody, type Event, type ResolvedTimeZone,
} from "../../domain/index.js";
import { UTC_TIME_ZONE } from "./prefer.js";

// A stored event to Graph JSON: `@odata.etag` first, then the version's properties in Graph's
// order (or the $select of them). Times are rendered here, per request: start/end in the zone of
// Prefer: outlook.timezone (UTC by default), the audit times in UTC (spec §1.2, §1.4).
// see: https://learn.microsoft.com/graph/api/resources/event
// see: https://learn.microsoft.com/graph/api/user-post-events (the 201 example)

export interface EventWireOptions {
  apiVersion: ApiVersion;
  /** Resolved $select (resolveSelect against EVENT_PROPERTIES); undefined means every property. */
  select?: readonly string[];
  /** The zone start/end are rendered in (timeZonePreference); UTC when absent. */
  timeZone?: ResolvedTimeZone;
  /** outlook.body-content-type; undefined or "html" returns the body as stored (html). */
  bodyContentType?: BodyType;
}

export function eventToWire(event: Event, options: EventWireOptions): Record<string, unknown> {
  const properties = EVENT_PROPERTIES[options.apiVersion];
  // Like Graph, a $select keeps `id` and the etag annotation.
  const chosen = options.select && new Set(["id", ...options.select]);
  const out: Record<string, unknown> = { "@odata.etag": `W/"${event.changeKey}"` };
  for (const name of properties) {
    if (chosen && !chosen.has(name)) continue;
    const value = wireValue(event, name, options);
    // undefined = not on the wire for this event (transactionId unset, originalStart of a single instance).
    if (value !== undefined) out[name] = value;
  }
  return out;
}

/** An occurrence in a calendarView/delta page: only what locates it; the client takes the rest from its master (spec §3.4). */
export function occurrenceSkeleton(event: Event, zone: ResolvedTimeZone): Record<string, unknown> {
  return {
    "@odata.type": EVENT_ODATA_TYPE, "@odata.etag": `W/"${event.changeKey}"`, id: event.id, type: event.type,
    seriesMasterId: event.seriesMasterId,
    start: formatDateTimeTimeZone({ epochMs: event.start.epochMs, zone }),
    end: formatDateTimeTimeZone({ epochMs: event.end.epochMs, zone }),
  };
}

const TYPE_MEMBER = `"@odata.type":${JSON.stringify(EVENT_ODATA_TYPE)}`;
const q = JSON.stringify;

/**
 * The JSON text of `occurrenceSkeleton`, written without the object: a long window's round is
 * mostly occurrences (23,000 of the 28,800 items of bench case 8c's one-year window), and an
 * object plus JSON.stringify per item was most of a page's cost. Tested equal to
 * JSON.stringify(occurrenceSkeleton(…)).
 */
/**
 * Skeleton texts of frozen occurrences (a kept calendarView/delta round's, RoundCache) by zone:
 * the pages of a kept round then format no dates. Dies with the occurrences (catalogue entry 11).
 */
const skeletonMemo = new WeakMap<Event, Map<string, string>>();

export function occurrenceSkeletonJson(event: Event, zone: ResolvedTimeZone): string {
  if (!Object.isFrozen(event)) return skeletonJson(event, zone);
  let byZone = skeletonMemo.get(event);
  if (!byZone) skeletonMemo.set(event, byZone = new Map());
  const key = `${zone.name}|${zone.iana}`;
  let json = byZone.get(key);
  if (json === undefined) byZone.set(key, json = skeletonJson(event, zone));
  return json;
}

function skeletonJson(event: Event, zone: ResolvedTimeZone): string {
  const start = formatDateTimeTimeZone({ epochMs: event.start.epochMs, zone });
  const end = formatDateTimeTimeZone({ epochMs: event.end.epochMs, zone });
  return `{${TYPE_MEMBER},"@odata.etag":${q(`W/"${event.changeKey}"`)},"id":${q(event.id)},"type":${q(event.type)},`
    + `"seriesMasterId":${q(event.seriesMasterId)},"start":{"dateTime":${q(start.dateTime)},"timeZone":${q(start.timeZone)}},`
    + `"end":{"dateTime":${q(end.dateTime)},"timeZone":${q(end.timeZone)}}}`;
}

/** An event's JSON object text with Graph's `@odata.type` member put first, as delta items carry it. */
export function typedEventJson(objectJson: string): string {
  return objectJson === "{}" ? `{${TYPE_MEMBER}}` : `{${TYPE_MEMBER},${objectJson.slice(1)}`;
}

function wireValue(event: Event, name: string, options: EventWireOptions): unknown {
  switch (name) {
    case "createdDateTime": return formatUtcTicks(event.createdDateTime);
    case "lastModifiedDateTime": return formatUtcTicks(event.lastModifiedDateTime);
    case "start": return formatDateTimeTimeZone({ epochMs: event.start.epochMs, zone: options.timeZone ?? UTC_TIME_ZONE });
    case "end": return formatDateTimeTimeZone({ epochMs: event.end.epochMs, zone: options.timeZone ?? UTC_TIME_ZONE });
    case "body": return options.bodyContentType === "text" ? toTextBody(event.body) : { ...event.body };
    // "Only returned if set" (spec §1.2, E1 newer).
    case "transactionId": return event.transactionId;
    // Only on occurrences and exceptions, "not returned for single instances" (spec §1.2).
    case "originalStart": return isInstanceOfSeries(event) && event.originalStart !== null ? formatUtcSeconds(event.originalStart) : undefined;
    case "occurrenceId": return occurrenceIdOf(event);
    default: return (event as unknown as Record<string, unknown>)[name];
  }
}

function isInstanceOfSeries(event: Event): boolean {
  return event.type === "occurrence" || event.type === "exception";
}

/** DateTimeOffset as Graph writes the audit times: UTC, seven fractional digits, `Z`. */
export function formatUtcTicks(epochMs: number): string {
  return new Date(epochMs).toISOString().replace(/\.(\d{3})Z$/, (_, ms: string) => `.${ms}0000Z`);
}

// originalStart is an Edm.DateTimeOffset that examples show without fractions ("2017-10-02T07:00:00Z");
// milliseconds, which occurrences never have, are kept rather than lost (unconfirmed).
function formatUtcSeconds(epochMs: number): string {
  return new Date(epochMs).toISOString().replace(/\.000Z$/, "Z");
}
