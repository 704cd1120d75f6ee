import { describe, expect, it } from "vitest";
import { useTestServer, type TestResponse } from "../../support/harness.js";
import { entityOf, expectGraphError } from "../../support/graph-assertions.js";
import { at, freshUser, hourOn, postEvent } from "../../support/event-fixtures.js";

// Bad event bodies over HTTP (spec §1.2, §1.5): read-only echoes, unknown properties, bodies that
// are not a JSON object, and a table of wrong types — every one a 400 in Graph's error format,
// never a 500, and never a partial write.

/** The codes a bad event body may answer with (the error table's validation kinds). */
const BAD_INPUT_CODES = ["BadRequest", "ErrorInvalidRequest", "ErrorPropertyValidationFailure", "ErrorInvalidPropertySet"];

function expectBadInput(res: TestResponse, label: string): void {
  expect(res.status, `${label}: ${res.text.slice(0, 300)}`).toBe(400);
  expect(BAD_INPUT_CODES, label).toContain(res.body?.error?.code);
  expectGraphError(res, 400, res.body.error.code);
}

describe("events: read-only and unknown properties, bad bodies", () => {
  const t = useTestServer();

  it("PATCHing back a fetched event (read-only values unchanged) is accepted, v1.0 and beta", async () => {
    const { token } = await freshUser(t);
    for (const version of ["v1.0", "beta"]) {
      const created = await postEvent(t, token, { ...hourOn("2027-01-04", 9, "Echo"), location: { displayName: "Here" } }, `/${version}/me/events`);
      const fetched = entityOf((await t.request("GET", `/${version}/me/events/${created.id}`, { token })).body);
      t.clock.advance(1000);
      const res = await t.request("PATCH", `/${version}/me/events/${created.id}`, { token, body: { ...fetched, subject: "Echoed" } });
      expect(res.status, `${version}: ${res.text.slice(0, 300)}`).toBe(200);
      expect(res.body.subject).toBe("Echoed");
      expect(res.body.changeKey).not.toBe(created.changeKey);
      expect(res.body.location.displayName).toBe("Here");
    }
  });

  it("PATCHing back a fetched beta occurrence (originalStart, occurrenceId, seriesMasterId echoed) is accepted and makes an exception", async () => {
    const { token } = await freshUser(t);
    const series = await postEvent(t, token, {
      ...hourOn("2027-01-11", 9, "Daily"),
      recurrence: { pattern: { type: "daily", interval: 1 }, range: { type: "numbered", startDate: "2027-01-11", numberOfOccurrences: 3 } },
    }, "/beta/me/events");
    const instances = await t.request("GET", `/beta/me/events/${series.id}/instances?startDateTime=2027-01-11T00:00:00Z&endDateTime=2027-01-20T00:00:00Z`, { token });
    const second = entityOf(instances.body.value[1]);
    expect(second).toMatchObject({ type: "occurrence", originalStart: "2027-01-12T09:00:00Z", occurrenceId: `OID.${series.id}.2027-01-12` });
    const res = await t.request("PATCH", `/beta/me/events/${second.id}`, { token, body: { ...second, subject: "Moved on" } });
    expect(res.status, res.text.slice(0, 300)).toBe(200);
    expect(res.body).toMatchObject({ id: second.id, type: "exception", subject: "Moved on", occurrenceId: second.occurrenceId });
    // A different originalStart or occurrenceId is a change, not an echo.
    expectGraphError(await t.request("PATCH", `/beta/me/events/${second.id}`, { token, body: { originalStart: "2027-01-13T09:00:00Z" } }), 400, "ErrorInvalidPropertySet");
    expectGraphError(await t.request("PATCH", `/beta/me/events/${second.id}`, { token, body: { occurrenceId: `OID.${series.id}.2027-01-13` } }), 400, "ErrorInvalidPropertySet");
  });

  it("a changed read-only property is 400 ErrorInvalidPropertySet and nothing changes", async () => {
    const { token } = await freshUser(t);
    const e = await postEvent(t, token, hourOn("2027-01-05", 9, "Fixed"), "/beta/me/events");
    const changes: Array<[string, unknown]> = [
      ["id", "AAAA"], ["changeKey", "other"], ["createdDateTime", "2020-01-01T00:00:00Z"], ["lastModifiedDateTime", "2020-01-01T00:00:00.0000000Z"], ["occurrenceId", "OID.x.2027-01-05"], ["iCalUId", "040000008200E00074C5B7101A82E00800"],
      ["uid", "x"], ["isOrganizer", false], ["type", "seriesMaster"], ["webLink", "https://example.com"], ["bodyPreview", "nope"],
      ["responseStatus", { response: "accepted", time: "2027-01-01T00:00:00Z" }], ["isCancelled", true], ["hasAttachments", true],
      ["organizer", { emailAddress: { name: "Someone", address: "someone@contoso.com" } }], ["originalStartTimeZone", "Tokyo Standard Time"],
    ];
    for (const [name, value] of changes) {
      const res = await t.request("PATCH", `/beta/me/events/${e.id}`, { token, body: { subject: "Changed", [name]: value } });
      expectGraphError(res, 400, "ErrorInvalidPropertySet");
    }
    const got = (await t.request("GET", `/beta/me/events/${e.id}`, { token })).body;
    expect(got.subject).toBe("Fixed");
    expect(got.changeKey).toBe(e.changeKey);
  });

  it("an unknown property is 400 on POST and PATCH", async () => {
    const { token } = await freshUser(t);
    const res = await t.request("POST", "/v1.0/me/events", { token, body: { ...hourOn("2027-01-06", 9), colour: "red" } });
    expectBadInput(res, "POST colour");
    // A beta-only property is unknown on v1.0.
    const e = await postEvent(t, token, hourOn("2027-01-06", 11));
    expectBadInput(await t.request("PATCH", `/v1.0/me/events/${e.id}`, { token, body: { uid: e.iCalUId } }), "PATCH uid on v1.0");
    expectBadInput(await t.request("PATCH", `/v1.0/me/events/${e.id}`, { token, body: { subject: "x", nope: 1 } }), "PATCH nope");
    expect((await t.request("GET", `/v1.0/me/events/${e.id}`, { token })).body.changeKey).toBe(e.changeKey);
    expect((await t.request("GET", "/v1.0/me/events", { token })).body.value).toHaveLength(1);
  });

  it("a body that is not a JSON object is 400 BadRequest; a non-JSON content type is 415", async () => {
    const { token } = await freshUser(t);
    const e = await postEvent(t, token, hourOn("2027-01-07", 9));
    const json = { "content-type": "application/json" };
    for (const payload of ["{not json", "[]", '[{"subject":"x"}]', "42", '"text"', "null", "true"]) {
      expectGraphError(await t.request("POST", "/v1.0/me/events", { token, payload, headers: json }), 400, "BadRequest");
      expectGraphError(await t.request("PATCH", `/v1.0/me/events/${e.id}`, { token, payload, headers: json }), 400, "BadRequest");
    }
    expectGraphError(await t.request("POST", "/v1.0/me/events", { token, payload: "subject=x", headers: { "content-type": "text/plain" } }), 415, "BadRequest");
    expect((await t.request("GET", "/v1.0/me/events", { token })).body.value).toHaveLength(1);
  });
});

// Each row: a property and a value of the wrong type or shape. POST and PATCH must both answer
// 400 in Graph's format (never 500) and store nothing.
const WRONG: Array<[string, unknown]> = [
  ["subject", 42], ["subject", { text: "x" }],
  ["body", "hello"], ["body", { contentType: "markdown", content: "x" }], ["body", { contentType: "text", content: 5 }], ["body", { size: 1 }],
  ["start", "2027-01-08T09:00:00"], ["start", { dateTime: "not a date", timeZone: "UTC" }], ["start", { dateTime: "2027-01-08T09:00:00" }],
  ["start", { dateTime: 20270108, timeZone: "UTC" }], ["start", { dateTime: "2027-13-45T99:00:00", timeZone: "UTC" }], ["start", []],
  ["end", null], ["end", { dateTime: "2027-01-08T09:00:00", timeZone: 7 }],
  ["isAllDay", "true"], ["isAllDay", 1],
  ["location", "Room 1"], ["location", { displayName: 3 }], ["location", { displayName: "x", coordinates: { latitude: "north" } }],
  ["location", { displayName: "x", address: "1 Main St" }], ["location", { displayName: "x", locationType: "castle" }],
  ["locations", { displayName: "x" }], ["locations", ["Room"]], ["locations", [null]],
  ["attendees", "a@contoso.com"], ["attendees", [{ type: "vip", emailAddress: { address: "a@contoso.com" } }]],
  ["attendees", [{ emailAddress: "a@contoso.com" }]], ["attendees", [{ type: "required" }]], ["attendees", [{ emailAddress: { address: 5 } }]], ["attendees", [7]],
  ["showAs", "away"], ["showAs", 1], ["sensitivity", "secret"], ["importance", true],
  ["isReminderOn", "yes"], ["reminderMinutesBeforeStart", "15"], ["reminderMinutesBeforeStart", 1.5], ["reminderMinutesBeforeStart", -1],
  ["reminderMinutesBeforeStart", 2 ** 40],
  ["responseRequested", null], ["allowNewTimeProposals", "false"], ["hideAttendees", 0],
  ["categories", "Red"], ["categories", [1, 2]], ["categories", [null]],
  ["recurrence", "daily"], ["recurrence", { pattern: { type: "hourly", interval: 1 }, range: { type: "noEnd", startDate: "2027-01-08" } }],
  ["recurrence", { pattern: { type: "daily", interval: "1" }, range: { type: "noEnd", startDate: "2027-01-08" } }],
  ["recurrence", { pattern: { type: "daily", interval: 1 }, range: { type: "noEnd" } }],
  ["recurrence", { pattern: { type: "daily", interval: 1 }, range: { type: "sometimes", startDate: "2027-01-08" } }],
  ["recurrence", { pattern: { type: "weekly", interval: 1, daysOfWeek: ["funday"] }, range: { type: "noEnd", startDate: "2027-01-08" } }],
  ["recurrence", { pattern: { type: "daily", interval: 1 }, range: { type: "endDate", startDate: "2027-01-08", endDate: "soon" } }],
  ["isOnlineMeeting", "no"], ["onlineMeetingProvider", "zoom"],
];

describe("events: wrong types never answer 500", () => {
  const t = useTestServer();

  it(`${WRONG.length} malformed bodies answer 400 in Graph's error format on POST and PATCH, and write nothing`, async () => {
    const { token } = await freshUser(t);
    const e = await postEvent(t, token, hourOn("2027-01-08", 9, "Target"));
    for (const [name, value] of WRONG) {
      const label = `${name} = ${JSON.stringify(value)}`;
      expectBadInput(await t.request("POST", "/v1.0/me/events", { token, body: { ...hourOn("2027-01-08", 11), [name]: value } }), `POST ${label}`);
      expectBadInput(await t.request("PATCH", `/v1.0/me/events/${e.id}`, { token, body: { [name]: value } }), `PATCH ${label}`);
    }
    const list = (await t.request("GET", "/v1.0/me/events", { token })).body.value;
    expect(list.map((x: any) => x.id)).toEqual([e.id]);
    expect(list[0].changeKey).toBe(e.changeKey);
  });

  it("transactionId of the wrong type and start without end in another zone are handled", async () => {
    const { token } = await freshUser(t);
    expectBadInput(await t.request("POST", "/v1.0/me/events", { token, body: { transactionId: 12 } }), "transactionId 12");
    // Only start: the end is placed 30 minutes later in the same zone (spec silent).
    const res = await t.request("POST", "/v1.0/me/events", { token, body: { start: at("2027-01-09T09:00:00", "Pacific Standard Time") } });
    expect(res.status).toBe(201);
    expect(res.body.end).toEqual({ dateTime: "2027-01-09T17:30:00.0000000", timeZone: "UTC" });
    expect(res.body.originalEndTimeZone).toBe("Pacific Standard Time");
  });
});
