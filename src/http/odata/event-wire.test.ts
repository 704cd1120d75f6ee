import { describe, expect, it } from "vitest";
import { FRESH_EVENT_FLAGS } from "../../../test/support/event-defaults.js";
import { EVENT_PROPERTIES } from "../../graph/index.js";
import { resolveTimeZone, type Event, type ResolvedTimeZone } from "../../domain/index.js";
import { eventToWire, formatUtcTicks, occurrenceSkeleton, occurrenceSkeletonJson, typedEventJson } from "./event-wire.js";
import { bodyContentTypePreference, timeZonePreference } from "./prefer.js";

function zone(name: string): ResolvedTimeZone {
  const resolved = resolveTimeZone(name);
  if (!resolved) throw new Error(`unknown zone ${name}`);
  return resolved;
}

const PACIFIC = zone("Pacific Standard Time");
const WINTER = Date.UTC(2026, 0, 15, 18, 0); // 10:00 PST (−08:00)
const SUMMER = Date.UTC(2026, 6, 15, 17, 0); // 10:00 PDT (−07:00)
const HTML_BODY = '<html>\r\n<head>\r\n<meta http-equiv="Content-Type" content="text/html; charset=utf-8">\r\n</head>\r\n<body>\r\nLunch &amp; <b>notes</b><br>\r\nat noon\r\n</body>\r\n</html>\r\n';

/** A full single-instance event, as a service would store it. */
function makeEvent(overrides: Partial<Event> = {}): Event {
  return {
    id: "AAMkEvent1",
    changeKey: "ck-1",
    iCalUId: "040000008200E00074C5B7101A82E00800000000AAA",
    uid: "040000008200E00074C5B7101A82E00800000000AAA",
    webLink: "https://outlook.office365.com/owa/?itemid=AAMkEvent1&exvsurl=1&path=/calendar/item",
    createdDateTime: Date.UTC(2026, 0, 10, 8, 30, 15, 123),
    lastModifiedDateTime: Date.UTC(2026, 0, 11, 9, 0, 0, 5),
    calendarId: "AAMkCal1",
    createdSeq: 3,
    cancelledOccurrences: [],
    changeSeq: 4,
    ...FRESH_EVENT_FLAGS,
    categories: ["Red category"],
    originalStart: null,
    subject: "Lunch",
    body: { contentType: "html", content: HTML_BODY },
    bodyPreview: "Lunch & notes at noon",
    start: { epochMs: WINTER, zone: PACIFIC },
    end: { epochMs: WINTER + 30 * 60_000, zone: PACIFIC },
    originalStartTimeZone: "Pacific Standard Time",
    originalEndTimeZone: "Pacific Standard Time",
    organizer: { emailAddress: { name: "Adele Vance", address: "adele@contoso.com" } },
    responseStatus: { response: "organizer", time: "0001-01-01T00:00:00Z" },
    attendees: [],
    location: { displayName: "", locationType: "default", uniqueIdType: "unknown" },
    locations: [],
    ...overrides,
  };
}

/** An occurrence of a series whose master is AAMkMaster (originalStart = its start). */
function makeOccurrence(overrides: Partial<Event> = {}): Event {
  return makeEvent({
    id: "AAMkOcc1", type: "occurrence", seriesMasterId: "AAMkMaster", originalStart: SUMMER,
    start: { epochMs: SUMMER, zone: PACIFIC }, end: { epochMs: SUMMER + 3_600_000, zone: PACIFIC },
    ...overrides,
  });
}

describe("eventToWire", () => {
  it("eventToWire: v1.0 renders @odata.etag first, then EVENT_PROPERTIES in order", () => {
    const wire = eventToWire(makeEvent({ transactionId: "tx-1" }), { apiVersion: "v1.0" });
    const keys = Object.keys(wire);
    expect(keys[0]).toBe("@odata.etag");
    expect(wire["@odata.etag"]).toBe('W/"ck-1"');
    // A single instance has no originalStart; everything else is there, in Graph's order.
    expect(keys.slice(1)).toEqual(EVENT_PROPERTIES["v1.0"].filter((p) => p !== "originalStart"));
    expect(wire).toMatchObject({
      id: "AAMkEvent1", changeKey: "ck-1", subject: "Lunch", categories: ["Red category"], transactionId: "tx-1",
      type: "singleInstance", seriesMasterId: null, recurrence: null, onlineMeeting: null,
      organizer: { emailAddress: { name: "Adele Vance", address: "adele@contoso.com" } },
    });
  });

  it("eventToWire: beta adds uid and occurrenceId in their places", () => {
    const wire = eventToWire(makeEvent({ transactionId: "tx-1" }), { apiVersion: "beta" });
    expect(Object.keys(wire).slice(1)).toEqual(EVENT_PROPERTIES.beta.filter((p) => p !== "originalStart"));
    expect(wire.uid).toBe("040000008200E00074C5B7101A82E00800000000AAA");
    expect(wire.occurrenceId).toBeNull();
  });

  it("eventToWire: internal bookkeeping never reaches the wire", () => {
    const wire = eventToWire(makeEvent(), { apiVersion: "beta" });
    for (const internal of ["calendarId", "createdSeq", "changeSeq"]) expect(wire).not.toHaveProperty(internal);
  });

  it("eventToWire: createdDateTime and lastModifiedDateTime are UTC with seven fractional digits", () => {
    const wire = eventToWire(makeEvent(), { apiVersion: "v1.0" });
    expect(wire.createdDateTime).toBe("2026-01-10T08:30:15.1230000Z");
    expect(wire.lastModifiedDateTime).toBe("2026-01-11T09:00:00.0050000Z");
    expect(formatUtcTicks(0)).toBe("1970-01-01T00:00:00.0000000Z");
  });

  it("eventToWire: start and end are in UTC by default, whatever zone they were given in", () => {
    const wire = eventToWire(makeEvent(), { apiVersion: "v1.0" });
    expect(wire.start).toEqual({ dateTime: "2026-01-15T18:00:00.0000000", timeZone: "UTC" });
    expect(wire.end).toEqual({ dateTime: "2026-01-15T18:30:00.0000000", timeZone: "UTC" });
    // The zone given at creation stays in originalStartTimeZone.
    expect(wire.originalStartTimeZone).toBe("Pacific Standard Time");
  });

  it("eventToWire: Pacific Standard Time renders winter instants at −08:00 and summer ones at −07:00", () => {
    const timeZone = zone("Pacific Standard Time");
    const winter = eventToWire(makeEvent(), { apiVersion: "v1.0", timeZone });
    expect(winter.start).toEqual({ dateTime: "2026-01-15T10:00:00.0000000", timeZone: "Pacific Standard Time" });
    const summer = eventToWire(makeOccurrence(), { apiVersion: "v1.0", timeZone });
    expect(summer.start).toEqual({ dateTime: "2026-07-15T10:00:00.0000000", timeZone: "Pacific Standard Time" });
    expect(summer.end).toEqual({ dateTime: "2026-07-15T11:00:00.0000000", timeZone: "Pacific Standard Time" });
  });

  it("eventToWire: an event spanning the spring-forward gap renders 01:59 PST then 03:00 PDT", () => {
    const timeZone = zone("Pacific Standard Time");
    const event = makeEvent({
      start: { epochMs: Date.UTC(2026, 2, 8, 9, 59), zone: PACIFIC },
      end: { epochMs: Date.UTC(2026, 2, 8, 10, 0), zone: PACIFIC },
    });
    const wire = eventToWire(event, { apiVersion: "v1.0", timeZone });
    expect(wire.start).toEqual({ dateTime: "2026-03-08T01:59:00.0000000", timeZone: "Pacific Standard Time" });
    expect(wire.end).toEqual({ dateTime: "2026-03-08T03:00:00.0000000", timeZone: "Pacific Standard Time" });
  });

  it("eventToWire: an IANA zone from Prefer is rendered and echoed by its IANA name", () => {
    const { timeZone } = timeZonePreference('outlook.timezone="Asia/Kolkata"');
    const wire = eventToWire(makeEvent(), { apiVersion: "v1.0", timeZone });
    expect(wire.start).toEqual({ dateTime: "2026-01-15T23:30:00.0000000", timeZone: "Asia/Kolkata" });
  });

  it("eventToWire: an unknown Prefer zone falls back to UTC (and is not applied)", () => {
    const pref = timeZonePreference('outlook.timezone="Atlantis Standard Time"');
    expect(pref.applied).toBe(false);
    const wire = eventToWire(makeEvent(), { apiVersion: "v1.0", timeZone: pref.timeZone });
    expect(wire.start).toEqual({ dateTime: "2026-01-15T18:00:00.0000000", timeZone: "UTC" });
  });

  it("eventToWire: the body is the stored html by default and for html, its text when asked", () => {
    expect(eventToWire(makeEvent(), { apiVersion: "v1.0" }).body).toEqual({ contentType: "html", content: HTML_BODY });
    expect(eventToWire(makeEvent(), { apiVersion: "v1.0", bodyContentType: "html" }).body)
      .toEqual({ contentType: "html", content: HTML_BODY });
    const { bodyContentType } = bodyContentTypePreference('outlook.body-content-type="text"');
    const wire = eventToWire(makeEvent(), { apiVersion: "v1.0", bodyContentType });
    expect(wire.body).toEqual({ contentType: "text", content: "Lunch & notes\r\nat noon" });
    // bodyPreview is what was stored, whatever the format asked.
    expect(wire.bodyPreview).toBe("Lunch & notes at noon");
  });

  it("eventToWire: $select keeps id and @odata.etag, in Graph's order", () => {
    const wire = eventToWire(makeEvent(), { apiVersion: "v1.0", select: ["start", "subject"] });
    expect(Object.keys(wire)).toEqual(["@odata.etag", "id", "subject", "start"]);
    expect(wire.start).toEqual({ dateTime: "2026-01-15T18:00:00.0000000", timeZone: "UTC" });
  });

  it("eventToWire: $select of a beta-only property on v1.0, or of an absent one, renders nothing for it", () => {
    expect(Object.keys(eventToWire(makeEvent(), { apiVersion: "v1.0", select: ["id", "uid"] }))).toEqual(["@odata.etag", "id"]);
    expect(Object.keys(eventToWire(makeEvent(), { apiVersion: "v1.0", select: ["transactionId", "originalStart"] })))
      .toEqual(["@odata.etag", "id"]);
  });

  it("eventToWire: transactionId only when set", () => {
    expect(eventToWire(makeEvent(), { apiVersion: "v1.0" })).not.toHaveProperty("transactionId");
    expect(eventToWire(makeEvent({ transactionId: "tx-9" }), { apiVersion: "v1.0" }).transactionId).toBe("tx-9");
  });

  it("eventToWire: originalStart only on occurrences and exceptions", () => {
    expect(eventToWire(makeEvent(), { apiVersion: "v1.0" })).not.toHaveProperty("originalStart");
    const master = makeEvent({ type: "seriesMaster", originalStart: null });
    expect(eventToWire(master, { apiVersion: "v1.0" })).not.toHaveProperty("originalStart");
    const occurrence = eventToWire(makeOccurrence(), { apiVersion: "v1.0" });
    expect(occurrence.originalStart).toBe("2026-07-15T17:00:00Z");
    expect(occurrence.seriesMasterId).toBe("AAMkMaster");
    expect(Object.keys(occurrence).slice(1)).toEqual(EVENT_PROPERTIES["v1.0"].filter((p) => p !== "transactionId"));
    const exception = eventToWire(makeOccurrence({ type: "exception", start: { epochMs: SUMMER + 3_600_000, zone: PACIFIC } }), { apiVersion: "v1.0" });
    expect(exception.originalStart).toBe("2026-07-15T17:00:00Z");
  });

  it("eventToWire: beta occurrenceId names the master and the original start's date in the series zone", () => {
    // 17:00 UTC on 15 July is still 15 July in Los Angeles; 03:00 UTC on 16 July is 15 July there too.
    expect(eventToWire(makeOccurrence(), { apiVersion: "beta" }).occurrenceId).toBe("OID.AAMkMaster.2026-07-15");
    const late = makeOccurrence({ originalStart: Date.UTC(2026, 6, 16, 3, 0) });
    expect(eventToWire(late, { apiVersion: "beta" }).occurrenceId).toBe("OID.AAMkMaster.2026-07-15");
  });
});

describe("delta item text", () => {
  it("occurrenceSkeletonJson: the same text as JSON.stringify of the skeleton object, in any zone", () => {
    const occurrence = makeEvent({
      id: 'AAMk"occ\\1', type: "occurrence", seriesMasterId: "AAMkMaster", changeKey: "ck/+=", start: { epochMs: WINTER, zone: PACIFIC },
      end: { epochMs: SUMMER, zone: PACIFIC },
    });
    for (const z of [zone("UTC"), PACIFIC, zone("Tokyo Standard Time")]) {
      expect(occurrenceSkeletonJson(occurrence, z)).toBe(JSON.stringify(occurrenceSkeleton(occurrence, z)));
    }
    const orphan = makeEvent({ type: "occurrence", seriesMasterId: null });
    expect(JSON.parse(occurrenceSkeletonJson(orphan, PACIFIC))).toEqual(occurrenceSkeleton(orphan, PACIFIC));
  });

  it("occurrenceSkeletonJson of a frozen occurrence (memoised by zone): each zone's own text, as the unfrozen one's", () => {
    const fields = { type: "occurrence" as const, seriesMasterId: "AAMkMaster", start: { epochMs: WINTER, zone: PACIFIC }, end: { epochMs: SUMMER, zone: PACIFIC } };
    const frozen = Object.freeze(makeEvent(fields));
    const zones = [zone("UTC"), PACIFIC, zone("Tokyo Standard Time"), zone("UTC")];
    const texts = zones.map((z) => occurrenceSkeletonJson(frozen, z));
    expect(texts).toEqual(zones.map((z) => JSON.stringify(occurrenceSkeleton(makeEvent(fields), z))));
    expect(new Set(texts).size, "three zones, three texts").toBe(3);
  });

  it("typedEventJson: @odata.type first, then the object's members", () => {
    const wire = eventToWire(makeEvent(), { apiVersion: "v1.0" });
    expect(typedEventJson(JSON.stringify(wire))).toBe(JSON.stringify({ "@odata.type": "#microsoft.graph.event", ...wire }));
    expect(typedEventJson("{}")).toBe(JSON.stringify({ "@odata.type": "#microsoft.graph.event" }));
  });
});
