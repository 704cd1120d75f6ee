import { describe, expect, it } from "vitest";
import { thrown } from "../../../test/support/thrown.js";
import { ValidationError } from "../errors.js";
import { checkEventSpan, parseEventInput } from "./event-input.js";
import { parseDateTimeTimeZone } from "./time/date-time-time-zone.js";
import { MAX_ATTENDEES } from "./event-input-values.js";

const validationOf = (fn: () => unknown) => thrown(ValidationError, fn);
const create = (body: unknown, apiVersion: "v1.0" | "beta" = "v1.0") => parseEventInput(body, { apiVersion, mode: "create" });
const update = (body: unknown, apiVersion: "v1.0" | "beta" = "v1.0") => parseEventInput(body, { apiVersion, mode: "update" });

const at = (dateTime: string, timeZone = "UTC") => ({ dateTime, timeZone });

describe("parseEventInput", () => {
  it("parseEventInput: the body must be a JSON object", () => {
    for (const body of [null, [], "x", 1]) expect(validationOf(() => create(body)).detail).toBe("badRequest");
  });

  it("parseEventInput: an unknown property is BadRequest naming it", () => {
    const error = validationOf(() => create({ subject: "x", colour: "red" }));
    expect(error.detail).toBe("badRequest");
    expect(error.message).toContain("'colour'");
    expect(error.message).toContain("microsoft.graph.event");
  });

  it("parseEventInput: beta-only read-only properties are unknown in v1.0", () => {
    expect(validationOf(() => create({ uid: "u" })).detail).toBe("badRequest");
    expect(create({ uid: "u" }, "beta").readOnly).toEqual({ uid: "u" });
  });

  it("parseEventInput: read-only properties are set aside, annotations ignored", () => {
    const parsed = update({
      "@odata.etag": "W/\"x\"", "@odata.type": "#microsoft.graph.event", id: "AAA", changeKey: "k",
      originalStartTimeZone: "UTC", responseStatus: { response: "none" }, organizer: { emailAddress: { address: "a@b" } },
      isOrganizer: true, type: "singleInstance", iCalUId: "i", webLink: "w", bodyPreview: "p", subject: "s",
    });
    expect(parsed.input).toEqual({ subject: "s" });
    expect(Object.keys(parsed.readOnly).sort()).toEqual([
      "bodyPreview", "changeKey", "iCalUId", "id", "isOrganizer", "organizer", "originalStartTimeZone",
      "responseStatus", "type", "webLink",
    ]);
  });

  it("parseEventInput: wrong JSON types are BadRequest naming the property", () => {
    const cases: Record<string, unknown> = {
      subject: 3, isAllDay: "true", isReminderOn: 1, responseRequested: "yes", allowNewTimeProposals: null,
      hideAttendees: 0, categories: "a", attendees: {}, locations: {}, location: "here", body: "hi",
      reminderMinutesBeforeStart: "15", transactionId: 7, isOnlineMeeting: "no",
    };
    for (const [key, value] of Object.entries(cases)) {
      const error = validationOf(() => create({ [key]: value }));
      expect(error.detail, key).toBe("badRequest");
      expect(error.message, key).toContain(key);
    }
    expect(validationOf(() => create({ categories: ["a", 2] })).message).toContain("categories[1]");
    expect(validationOf(() => create({ reminderMinutesBeforeStart: 1.5 })).detail).toBe("badRequest");
  });

  it("parseEventInput: enums match case-insensitively and come back in Graph's spelling", () => {
    const { input } = create({
      showAs: "WORKINGELSEWHERE", sensitivity: "Private", importance: "HIGH", onlineMeetingProvider: "TeamsForBusiness",
      body: { contentType: "HTML", content: "<b>x</b>" },
    });
    expect(input).toMatchObject({
      showAs: "workingElsewhere", sensitivity: "private", importance: "high", onlineMeetingProvider: "teamsForBusiness",
      body: { contentType: "html", content: "<b>x</b>" },
    });
    for (const [key, value] of [["showAs", "away"], ["sensitivity", "secret"], ["importance", 1], ["body", { contentType: "rtf" }]] as const) {
      expect(validationOf(() => create({ [key]: value })).detail, key).toBe("badRequest");
    }
  });

  it("parseEventInput: a body without contentType is text", () => {
    expect(create({ body: { content: "hi" } }).input.body).toEqual({ contentType: "text", content: "hi" });
  });

  it("parseEventInput: reminderMinutesBeforeStart is an integer of 0 or more", () => {
    expect(create({ reminderMinutesBeforeStart: 0 }).input.reminderMinutesBeforeStart).toBe(0);
    expect(validationOf(() => create({ reminderMinutesBeforeStart: -1 })).detail).toBe("invalidRequest");
  });

  it("parseEventInput: start and end keep their own zones", () => {
    const { input } = create({ start: at("2026-03-01T09:00:00", "Pacific Standard Time"), end: at("2026-03-01T18:00:00", "Europe/Berlin") });
    expect(input.start?.zone.name).toBe("Pacific Standard Time");
    expect(input.end?.zone.name).toBe("Europe/Berlin");
    expect(input.start?.epochMs).toBe(Date.UTC(2026, 2, 1, 17));
  });

  it("parseEventInput: an unknown time zone is a property validation failure", () => {
    expect(validationOf(() => create({ start: at("2026-03-01T09:00:00", "Mars/Olympus") })).detail).toBe("propertyValidation");
  });

  it("parseEventInput: end before start is refused", () => {
    expect(validationOf(() => create({ start: at("2026-03-01T10:00:00"), end: at("2026-03-01T09:00:00") })).detail).toBe("invalidRequest");
    expect(create({ start: at("2026-03-01T10:00:00"), end: at("2026-03-01T10:00:00") }).input.start).toBeDefined();
  });

  it("parseEventInput: an all-day event starts and ends at midnight in one zone", () => {
    const ok = create({ isAllDay: true, start: at("2026-03-01T00:00:00", "Europe/Paris"), end: at("2026-03-03T00:00:00", "Europe/Paris") });
    expect(ok.input.isAllDay).toBe(true);
    const bad = [
      { start: at("2026-03-01T09:00:00"), end: at("2026-03-02T00:00:00") },
      { start: at("2026-03-01T00:00:00"), end: at("2026-03-02T00:30:00") },
      { start: at("2026-03-01T00:00:00", "Europe/Paris"), end: at("2026-03-02T00:00:00", "UTC") },
      { start: at("2026-03-01T00:00:00"), end: at("2026-03-01T00:00:00") },
    ];
    for (const span of bad) {
      const error = validationOf(() => create({ isAllDay: true, ...span }));
      expect(error.detail).toBe("invalidRequest");
      expect(error.message).toContain("midnight");
    }
    expect(validationOf(() => create({ isAllDay: true })).message).toContain("midnight");
    // A PATCH of isAllDay alone is checked by the service against the stored span.
    expect(update({ isAllDay: true }).input).toEqual({ isAllDay: true });
  });

  it("parseEventInput: location fills its server-side members and replaces locations", () => {
    const { input } = create({
      locations: [{ displayName: "A" }, { displayName: "B" }],
      location: { displayName: "Harry's Bar" },
    });
    expect(input.location).toEqual({ displayName: "Harry's Bar", locationType: "default", uniqueId: "Harry's Bar", uniqueIdType: "private" });
    expect(input.locations).toEqual([{ displayName: "Harry's Bar", locationType: "default", uniqueIdType: "unknown" }]);
  });

  it("parseEventInput: locations alone set location", () => {
    const one = create({ locations: [{ displayName: "Room 1", locationType: "ConferenceRoom", locationEmailAddress: "r1@x" }] }).input;
    expect(one.locations).toEqual([{ displayName: "Room 1", locationType: "conferenceRoom", uniqueIdType: "unknown", locationEmailAddress: "r1@x" }]);
    expect(one.location).toMatchObject({ displayName: "Room 1", uniqueId: "Room 1", uniqueIdType: "private" });
    const two = create({ locations: [{ displayName: "A" }, { displayName: "B" }] }).input;
    expect(two.location).toEqual({ displayName: "A; B", locationType: "default", uniqueId: "A; B", uniqueIdType: "private" });
    expect(create({ locations: [] }).input.location).toMatchObject({ displayName: "", uniqueIdType: "unknown" });
  });

  it("parseEventInput: an empty or null location clears locations", () => {
    expect(update({ location: null }).input).toMatchObject({ location: { displayName: "" }, locations: [] });
    expect(update({ location: { displayName: "" } }).input.locations).toEqual([]);
  });

  it("parseEventInput: location members are checked", () => {
    expect(validationOf(() => create({ location: { displayName: "x", floor: 3 } })).message).toContain("floor");
    expect(validationOf(() => create({ location: { displayName: "x", locationType: "moon" } })).detail).toBe("badRequest");
    expect(validationOf(() => create({ location: { coordinates: { latitude: "n" } } })).message).toContain("location.coordinates.latitude");
    expect(create({ location: { displayName: "x", address: { city: "Oslo" }, coordinates: { latitude: 59.9 } } }).input.location)
      .toMatchObject({ address: { city: "Oslo" }, coordinates: { latitude: 59.9 } });
  });

  it("parseEventInput: attendee types are normalised, status is ignored, name defaults to address", () => {
    const { input } = create({
      attendees: [
        { type: "Required", emailAddress: { name: "Sam", address: "sam@x.com" }, status: { response: "accepted" } },
        { type: "OPTIONAL", emailAddress: { address: "kim@x.com" } },
        { emailAddress: { address: "room@x.com" } },
      ],
    });
    expect(input.attendees).toEqual([
      { type: "required", emailAddress: { name: "Sam", address: "sam@x.com" } },
      { type: "optional", emailAddress: { name: "kim@x.com", address: "kim@x.com" } },
      { type: "required", emailAddress: { name: "room@x.com", address: "room@x.com" } },
    ]);
  });

  it("parseEventInput: an attendee needs an address and a known type", () => {
    expect(validationOf(() => create({ attendees: [{ emailAddress: { name: "Sam" } }] })).message).toContain("attendees[0]");
    expect(validationOf(() => create({ attendees: [{ emailAddress: { address: "" } }] })).detail).toBe("invalidRequest");
    expect(validationOf(() => create({ attendees: [{}] })).detail).toBe("badRequest");
    expect(validationOf(() => create({ attendees: [{ type: "chair", emailAddress: { address: "a@x" } }] })).detail).toBe("badRequest");
  });

  it("parseEventInput: at most 500 attendees", () => {
    const attendees = (n: number) => Array.from({ length: n }, (_, i) => ({ emailAddress: { address: `a${i}@x.com` } }));
    expect(create({ attendees: attendees(MAX_ATTENDEES) }).input.attendees).toHaveLength(500);
    const error = validationOf(() => create({ attendees: attendees(MAX_ATTENDEES + 1) }));
    expect(error.detail).toBe("invalidRequest");
    expect(error.message).toContain("500");
  });

  it("parseEventInput: recurrence defaults its zone to start's; null clears it", () => {
    const { input } = create({
      start: at("2026-03-02T09:00:00", "W. Europe Standard Time"), end: at("2026-03-02T10:00:00", "W. Europe Standard Time"),
      recurrence: { pattern: { type: "weekly", interval: 1, daysOfWeek: ["monday"] }, range: { type: "noEnd", startDate: "2026-03-02" } },
    });
    expect(input.recurrence?.range.recurrenceTimeZone).toBe("W. Europe Standard Time");
    expect(update({ recurrence: null }).input).toEqual({ recurrence: null });
    expect(() => create({ recurrence: { pattern: { type: "hourly", interval: 1 }, range: { type: "noEnd", startDate: "2026-03-02" } } }))
      .toThrow(ValidationError);
  });

  it("parseEventInput: transactionId is create-only", () => {
    expect(create({ transactionId: "t-1" }).input.transactionId).toBe("t-1");
    const error = validationOf(() => update({ transactionId: "t-1" }));
    expect(error.detail).toBe("readOnly");
    expect(error.message).toContain("transactionId");
  });

  it("parseEventInput: a null subject is empty", () => {
    expect(create({ subject: null }).input.subject).toBe("");
  });

  it("checkEventSpan: a PATCH's merged values are held to the same rules", () => {
    const start = parseDateTimeTimeZone(at("2026-03-01T00:00:00"), { property: "start" });
    const end = parseDateTimeTimeZone(at("2026-03-02T00:00:00"), { property: "end" });
    const noon = parseDateTimeTimeZone(at("2026-03-01T12:00:00"), { property: "end" });
    expect(() => checkEventSpan({ isAllDay: true, start, end })).not.toThrow();
    expect(validationOf(() => checkEventSpan({ isAllDay: true, start, end: noon })).message).toContain("midnight");
    expect(validationOf(() => checkEventSpan({ isAllDay: false, start: end, end: start })).message).toContain("'end'");
  });
});
