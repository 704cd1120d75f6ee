import { describe, expect, it } from "vitest";
import { FRESH_EVENT_FLAGS } from "../../../test/support/event-defaults.js";
import { parseEventInput } from "./event-input.js";
import { newEvent, nextSlotStart } from "./event-defaults.js";
import { formatDateTimeTimeZone } from "./time/date-time-time-zone.js";

const owner = { name: "Megan Bowen", address: "megan@contoso.com" };
const NOW = Date.UTC(2026, 11, 2, 15, 7, 12, 345);
const fresh = (body: unknown, nowMs = NOW) =>
  newEvent({ owner, input: parseEventInput(body, { apiVersion: "v1.0", mode: "create" }).input, nowMs });
// The wire form without Prefer: outlook.timezone (UTC).
const utc = (time: { epochMs: number }) => formatDateTimeTimeZone({ epochMs: time.epochMs, zone: { name: "UTC", iana: "UTC" } });

describe("newEvent", () => {
  it("newEvent: a minimal POST gets every default of the spec table", () => {
    const event = fresh({ subject: "x" });
    const { start, end, ...rest } = event;
    expect(utc(start)).toEqual({ dateTime: "2026-12-02T15:30:00.0000000", timeZone: "UTC" });
    expect(utc(end)).toEqual({ dateTime: "2026-12-02T16:00:00.0000000", timeZone: "UTC" });
    expect(rest).toEqual({
      subject: "x",
      body: { contentType: "html", content: "" },
      bodyPreview: "",
      originalStartTimeZone: "UTC",
      originalEndTimeZone: "UTC",
      ...FRESH_EVENT_FLAGS,
      organizer: { emailAddress: { name: "Megan Bowen", address: "megan@contoso.com" } },
      responseStatus: { response: "organizer", time: "0001-01-01T00:00:00Z" },
      attendees: [],
      location: { displayName: "", locationType: "default", uniqueIdType: "unknown", address: {}, coordinates: {} },
      locations: [],
    });
    expect("transactionId" in event).toBe(false);
  });

  it("newEvent: an empty body gets the defaults too, subject included", () => {
    expect(fresh({}).subject).toBe("");
  });

  it("newEvent: without start/end the event takes the next 30-minute slot", () => {
    expect(nextSlotStart(Date.UTC(2026, 0, 1, 9, 0, 0, 1))).toBe(Date.UTC(2026, 0, 1, 9, 30));
    expect(nextSlotStart(Date.UTC(2026, 0, 1, 9, 29, 59))).toBe(Date.UTC(2026, 0, 1, 9, 30));
    expect(nextSlotStart(Date.UTC(2026, 0, 1, 9, 30))).toBe(Date.UTC(2026, 0, 1, 9, 30));
    expect(nextSlotStart(Date.UTC(2026, 0, 1, 23, 45))).toBe(Date.UTC(2026, 0, 2, 0, 0));
    const event = fresh({}, Date.UTC(2026, 0, 1, 23, 45));
    expect(utc(event.start).dateTime).toBe("2026-01-02T00:00:00.0000000");
    expect(event.end.epochMs - event.start.epochMs).toBe(30 * 60_000);
  });

  it("newEvent: one of start/end given places the other 30 minutes away in its zone", () => {
    const onlyStart = fresh({ start: { dateTime: "2026-05-04T09:00:00", timeZone: "Tokyo Standard Time" } });
    expect(onlyStart.end.epochMs - onlyStart.start.epochMs).toBe(30 * 60_000);
    expect(onlyStart.originalEndTimeZone).toBe("Tokyo Standard Time");
    const onlyEnd = fresh({ end: { dateTime: "2026-05-04T09:00:00", timeZone: "UTC" } });
    expect(utc(onlyEnd.start).dateTime).toBe("2026-05-04T08:30:00.0000000");
  });

  it("newEvent: original time zones are the zones given", () => {
    const event = fresh({
      start: { dateTime: "2026-03-01T09:00:00", timeZone: "Pacific Standard Time" },
      end: { dateTime: "2026-03-01T18:00:00", timeZone: "Europe/Berlin" },
    });
    expect(event.originalStartTimeZone).toBe("Pacific Standard Time");
    expect(event.originalEndTimeZone).toBe("Europe/Berlin");
    expect(utc(event.start).dateTime).toBe("2026-03-01T17:00:00.0000000");
  });

  it("newEvent: a text body is escaped and wrapped in html; the preview is its text", () => {
    const event = fresh({ body: { contentType: "text", content: "Lunch <at> Joe's\nbring  R&D\tnotes" } });
    expect(event.body.contentType).toBe("html");
    expect(event.body.content).toBe(
      '<html>\r\n<head>\r\n<meta http-equiv="Content-Type" content="text/html; charset=utf-8">\r\n</head>\r\n<body>\r\n'
      + "Lunch &lt;at&gt; Joe's<br>\r\nbring  R&amp;D\tnotes\r\n</body>\r\n</html>\r\n");
    expect(event.bodyPreview).toBe("Lunch <at> Joe's bring R&D notes");
  });

  it("newEvent: an html fragment is wrapped, a whole document kept", () => {
    const fragment = fresh({ body: { contentType: "HTML", content: "Does noon <b>work</b> for you?" } });
    expect(fragment.body.content).toContain("<body>\r\nDoes noon <b>work</b> for you?\r\n</body>");
    expect(fragment.bodyPreview).toBe("Does noon work for you?");
    const doc = "<html><head><title>T</title></head><body><p>One</p><p>Two&nbsp;&amp; three</p></body></html>";
    const whole = fresh({ body: { contentType: "html", content: doc } });
    expect(whole.body.content).toBe(doc);
    expect(whole.bodyPreview).toBe("One Two & three");
  });

  it("newEvent: the preview is at most 255 characters", () => {
    const event = fresh({ body: { contentType: "text", content: "word ".repeat(100) } });
    expect(event.bodyPreview).toHaveLength(255);
    expect(event.bodyPreview.startsWith("word word")).toBe(true);
  });

  it("newEvent: attendees get an unanswered status", () => {
    const event = fresh({ attendees: [{ type: "Required", emailAddress: { name: "Sam", address: "sam@x.com" } }] });
    expect(event.attendees).toEqual([
      { type: "required", status: { response: "none", time: "0001-01-01T00:00:00Z" }, emailAddress: { name: "Sam", address: "sam@x.com" } },
    ]);
  });

  it("newEvent: location and locations as the 201 example shows them", () => {
    const event = fresh({ location: { displayName: "Harry's Bar" } });
    expect(event.location).toEqual({ displayName: "Harry's Bar", locationType: "default", uniqueId: "Harry's Bar", uniqueIdType: "private" });
    expect(event.locations).toEqual([{ displayName: "Harry's Bar", locationType: "default", uniqueIdType: "unknown" }]);
  });

  it("newEvent: a recurrence makes a series master", () => {
    const event = fresh({
      start: { dateTime: "2026-03-02T09:00:00", timeZone: "UTC" }, end: { dateTime: "2026-03-02T10:00:00", timeZone: "UTC" },
      recurrence: { pattern: { type: "daily", interval: 1 }, range: { type: "numbered", startDate: "2026-03-02", numberOfOccurrences: 3 } },
    });
    expect(event.type).toBe("seriesMaster");
    expect(event.recurrence?.range.numberOfOccurrences).toBe(3);
    expect(event.seriesMasterId).toBeNull();
  });

  it("newEvent: given values win over defaults; transactionId only when given", () => {
    const event = fresh({
      showAs: "free", sensitivity: "private", importance: "low", isReminderOn: false, reminderMinutesBeforeStart: 0,
      responseRequested: false, allowNewTimeProposals: false, hideAttendees: true, categories: ["Red"],
      isOnlineMeeting: true, onlineMeetingProvider: "teamsForBusiness", transactionId: "t-1",
    });
    expect(event).toMatchObject({
      showAs: "free", sensitivity: "private", importance: "low", isReminderOn: false, reminderMinutesBeforeStart: 0,
      responseRequested: false, allowNewTimeProposals: false, hideAttendees: true, categories: ["Red"],
      isOnlineMeeting: true, onlineMeetingProvider: "teamsForBusiness", transactionId: "t-1",
    });
  });

  it("newEvent: an all-day event keeps its midnight span", () => {
    const event = fresh({
      isAllDay: true,
      start: { dateTime: "2026-03-01T00:00:00", timeZone: "Europe/Paris" }, end: { dateTime: "2026-03-02T00:00:00", timeZone: "Europe/Paris" },
    });
    expect(event.isAllDay).toBe(true);
    expect(formatDateTimeTimeZone(event.start).dateTime).toBe("2026-03-01T00:00:00.0000000");
  });
});
