import { describe, expect, it } from "vitest";
import { useTestServer } from "../../support/harness.js";
import { entityOf, expectGraphError } from "../../support/graph-assertions.js";
import { FRESH_EVENT_FLAGS } from "../../support/event-defaults.js";
import { at, freshUser, hourOn, postEvent, UTC_TICKS } from "../../support/event-fixtures.js";

// What a fresh POST returns (spec §1.2 table), the body formats, a round trip of every writable
// property, location/locations, attendees and categories, and transactionId (§1.5).

const NO_RESPONSE = { response: "none", time: "0001-01-01T00:00:00Z" };
const WRAPPED = (inner: string) =>
  `<html>\r\n<head>\r\n<meta http-equiv="Content-Type" content="text/html; charset=utf-8">\r\n</head>\r\n<body>\r\n${inner}\r\n</body>\r\n</html>\r\n`;

describe("events: properties of a fresh POST", () => {
  const t = useTestServer();

  for (const version of ["v1.0", "beta"] as const) {
    it(`${version}: every property of a fresh POST has the spec's default`, async () => {
      const { mailbox, token } = await freshUser(t, "Adele Vance");
      const res = await t.request("POST", `/${version}/me/events`, {
        token, body: { subject: "Defaults", start: at("2026-12-10T09:00:00"), end: at("2026-12-10T09:30:00") },
      });
      expect(res.status).toBe(201);
      const e = res.body;
      const expected: Record<string, unknown> = {
        "@odata.context": `http://localhost:80/${version}/$metadata#me/events/$entity`,
        "@odata.etag": `W/"${e.changeKey}"`,
        id: expect.stringMatching(/^[A-Za-z0-9_-]{40}$/),
        createdDateTime: expect.stringMatching(UTC_TICKS),
        lastModifiedDateTime: e.createdDateTime,
        changeKey: expect.any(String),
        originalStartTimeZone: "UTC",
        originalEndTimeZone: "UTC",
        iCalUId: expect.stringMatching(/^040000008200E00074C5B7101A82E008[0-9A-F]+$/),
        subject: "Defaults",
        bodyPreview: "",
        body: { contentType: "html", content: "" },
        start: { dateTime: "2026-12-10T09:00:00.0000000", timeZone: "UTC" },
        end: { dateTime: "2026-12-10T09:30:00.0000000", timeZone: "UTC" },
        webLink: `https://outlook.office365.com/owa/?itemid=${encodeURIComponent(e.id)}&exvsurl=1&path=/calendar/item`,
        responseStatus: { response: "organizer", time: "0001-01-01T00:00:00Z" },
        organizer: { emailAddress: { name: "Adele Vance", address: mailbox.userPrincipalName } },
        attendees: [],
        location: { displayName: "", locationType: "default", uniqueIdType: "unknown", address: {}, coordinates: {} },
        locations: [],
        ...FRESH_EVENT_FLAGS,
      };
      if (version === "beta") {
        expected.uid = e.iCalUId;
        expected.occurrenceId = null;
      }
      expect(e).toEqual(expected);
      // Absent, not null: no originalStart on a single instance, no transactionId unless set; v1.0 has no beta members.
      expect(Object.keys(e)).not.toContain("originalStart");
      expect(Object.keys(e)).not.toContain("transactionId");
      if (version === "v1.0") {
        expect(Object.keys(e)).not.toContain("uid");
        expect(Object.keys(e)).not.toContain("occurrenceId");
      }
      expect(res.headers["preference-applied"]).toBeUndefined();
    });
  }

  it("iCalUId is hex and unique per event; beta's uid equals it for a single instance", async () => {
    const { token } = await freshUser(t);
    const uids = new Set<string>();
    for (let i = 0; i < 5; i++) {
      const e = await postEvent(t, token, hourOn("2026-12-11", 8 + i), "/beta/me/events");
      expect(e.iCalUId).toMatch(/^[0-9A-F]+$/);
      expect(e.uid).toBe(e.iCalUId);
      uids.add(e.iCalUId);
    }
    expect(uids.size).toBe(5);
  });

  it("body: html by default with bodyPreview; a text body is stored as html; Prefer text returns text with Preference-Applied", async () => {
    const { token } = await freshUser(t);
    const html = await postEvent(t, token, { ...hourOn("2026-12-12", 9), body: { contentType: "HTML", content: "<p>Hello <b>there</b> &amp; you</p>" } });
    expect(html.body).toEqual({ contentType: "html", content: WRAPPED("<p>Hello <b>there</b> &amp; you</p>") });
    expect(html.bodyPreview).toBe("Hello there & you");

    const text = await postEvent(t, token, { ...hourOn("2026-12-12", 11), body: { contentType: "text", content: "a < b\nsecond line" } });
    expect(text.body).toEqual({ contentType: "html", content: WRAPPED("a &lt; b<br>\r\nsecond line") });
    expect(text.bodyPreview).toBe("a < b second line");

    const prefer = { prefer: 'outlook.body-content-type="text"' };
    const got = await t.request("GET", `/v1.0/me/events/${text.id}`, { token, headers: prefer });
    expect(got.body.body).toEqual({ contentType: "text", content: "a < b\r\nsecond line" });
    expect(got.headers["preference-applied"]).toBe('outlook.body-content-type="text"');
    const posted = await t.request("POST", "/v1.0/me/events", { token, headers: prefer, body: { ...hourOn("2026-12-12", 13), body: { contentType: "html", content: "<div>x</div><div>y</div>" } } });
    expect(posted.body.body).toEqual({ contentType: "text", content: "x\r\ny" });
    expect(posted.headers["preference-applied"]).toBe('outlook.body-content-type="text"');
    // Prefer html is the default form, and changes nothing.
    const asHtml = await t.request("GET", `/v1.0/me/events/${text.id}`, { token, headers: { prefer: 'outlook.body-content-type="html"' } });
    expect(asHtml.body.body).toEqual(text.body);
  });
});

// Every writable property, with non-default values.
const ALL_WRITABLE = {
  subject: "Everything",
  body: { contentType: "html", content: "<html><body><p>All of it</p></body></html>" },
  start: at("2026-12-14T10:00:00", "Europe/Paris"),
  end: at("2026-12-14T11:30:00", "Europe/Paris"),
  isAllDay: false,
  location: {
    displayName: "Conf Room 1", locationType: "conferenceRoom", uniqueId: "room-1", uniqueIdType: "directory",
    locationUri: "room1@contoso.com", address: { street: "1 Main St", city: "Paris", countryOrRegion: "FR", postalCode: "75001" },
    coordinates: { latitude: 48.86, longitude: 2.35 },
  },
  attendees: [
    { type: "required", emailAddress: { name: "Alex", address: "alex@contoso.com" } },
    { type: "optional", emailAddress: { name: "Bea", address: "bea@contoso.com" } },
    { type: "resource", emailAddress: { name: "Projector", address: "projector@contoso.com" } },
  ],
  showAs: "tentative",
  sensitivity: "private",
  importance: "high",
  isReminderOn: false,
  reminderMinutesBeforeStart: 45,
  responseRequested: false,
  allowNewTimeProposals: false,
  hideAttendees: true,
  categories: ["Red category", "Project X"],
  isOnlineMeeting: true,
  onlineMeetingProvider: "teamsForBusiness",
  transactionId: "round-trip-1",
};

describe("events: writable properties round-trip", () => {
  const t = useTestServer();

  it("POST with every writable property: the response and a later GET return them", async () => {
    const { token } = await freshUser(t);
    const e = await postEvent(t, token, ALL_WRITABLE);
    const expectedEcho = {
      subject: "Everything",
      body: { contentType: "html", content: ALL_WRITABLE.body.content },
      bodyPreview: "All of it",
      start: { dateTime: "2026-12-14T09:00:00.0000000", timeZone: "UTC" },
      end: { dateTime: "2026-12-14T10:30:00.0000000", timeZone: "UTC" },
      originalStartTimeZone: "Europe/Paris",
      originalEndTimeZone: "Europe/Paris",
      isAllDay: false,
      location: { ...ALL_WRITABLE.location },
      locations: [{ ...ALL_WRITABLE.location, uniqueIdType: "directory" }],
      attendees: ALL_WRITABLE.attendees.map((a) => ({ ...a, status: NO_RESPONSE })),
      showAs: "tentative", sensitivity: "private", importance: "high", isReminderOn: false, reminderMinutesBeforeStart: 45,
      responseRequested: false, allowNewTimeProposals: false, hideAttendees: true, categories: ["Red category", "Project X"],
      isOnlineMeeting: true, onlineMeetingProvider: "teamsForBusiness", transactionId: "round-trip-1",
    };
    expect(e).toMatchObject(expectedEcho);
    const got = await t.request("GET", `/v1.0/me/events/${e.id}`, { token });
    expect(entityOf(got.body)).toEqual(entityOf(e));
  });

  it("PATCH of each writable property alone changes it (GET agrees) and leaves the others", async () => {
    const { token } = await freshUser(t);
    const e = await postEvent(t, token, hourOn("2026-12-15", 9, "Patch me"));
    const url = `/v1.0/me/events/${e.id}`;
    const cases: Array<[string, unknown, unknown]> = [
      ["subject", "Renamed", "Renamed"],
      ["body", { contentType: "text", content: "plain" }, { contentType: "html", content: WRAPPED("plain") }],
      ["end", at("2026-12-15T09:00:00", "Pacific Standard Time"), { dateTime: "2026-12-15T17:00:00.0000000", timeZone: "UTC" }],
      ["start", at("2026-12-15T08:00:00", "Pacific Standard Time"), { dateTime: "2026-12-15T16:00:00.0000000", timeZone: "UTC" }],
      ["showAs", "oof", "oof"],
      ["showAs", "WorkingElsewhere", "workingElsewhere"],
      ["sensitivity", "confidential", "confidential"],
      ["importance", "low", "low"],
      ["isReminderOn", false, false],
      ["reminderMinutesBeforeStart", 0, 0],
      ["responseRequested", false, false],
      ["allowNewTimeProposals", false, false],
      ["hideAttendees", true, true],
      ["categories", ["Green category"], ["Green category"]],
      ["categories", [], []],
      ["isOnlineMeeting", true, true],
      ["onlineMeetingProvider", "skypeForBusiness", "skypeForBusiness"],
      ["attendees", [{ type: "Optional", emailAddress: { name: "Cy", address: "cy@contoso.com" } }],
        [{ type: "optional", status: NO_RESPONSE, emailAddress: { name: "Cy", address: "cy@contoso.com" } }]],
      ["isAllDay", false, false],
    ];
    let before = (await t.request("GET", url, { token })).body;
    for (const [name, value, expected] of cases) {
      t.clock.advance(10);
      const res = await t.request("PATCH", url, { token, body: { [name]: value } });
      expect(res.status, `${name}: ${res.text.slice(0, 200)}`).toBe(200);
      expect(res.body[name], name).toEqual(expected);
      const got = (await t.request("GET", url, { token })).body;
      expect(entityOf(got)).toEqual(entityOf(res.body));
      // Only the property, its derived values and the bookkeeping changed.
      const derived: Record<string, string[]> = { body: ["bodyPreview"], start: ["originalStartTimeZone"], end: ["originalEndTimeZone"] };
      const changing = new Set([name, ...(derived[name] ?? []), "changeKey", "@odata.etag", "lastModifiedDateTime"]);
      for (const key of Object.keys(before)) if (!changing.has(key)) expect(got[key], `${name} changed ${key}`).toEqual(before[key]);
      before = got;
    }
    expect(before.originalStartTimeZone).toBe("Pacific Standard Time");
    expect(before.bodyPreview).toBe("plain");
  });

  it("location and locations stay consistent: location replaces locations, locations set location", async () => {
    const { token } = await freshUser(t);
    const one = await postEvent(t, token, { ...hourOn("2026-12-16", 9), location: { displayName: "Harry's Bar" } });
    expect(one.location).toEqual({ displayName: "Harry's Bar", locationType: "default", uniqueId: "Harry's Bar", uniqueIdType: "private" });
    expect(one.locations).toEqual([{ displayName: "Harry's Bar", locationType: "default", uniqueIdType: "unknown" }]);

    const url = `/v1.0/me/events/${one.id}`;
    const two = await t.request("PATCH", url, { token, body: { locations: [{ displayName: "Room A" }, { displayName: "Room B" }] } });
    expect(two.body.locations.map((l: any) => l.displayName)).toEqual(["Room A", "Room B"]);
    expect(two.body.location.displayName).toBe("Room A; Room B");

    const replaced = await t.request("PATCH", url, { token, body: { location: { displayName: "Cafe" } } });
    expect(replaced.body.location).toMatchObject({ displayName: "Cafe", uniqueId: "Cafe", uniqueIdType: "private" });
    expect(replaced.body.locations).toEqual([{ displayName: "Cafe", locationType: "default", uniqueIdType: "unknown" }]);

    const single = await t.request("PATCH", url, { token, body: { locations: [{ displayName: "Lobby", locationType: "hotel" }] } });
    expect(single.body.location).toMatchObject({ displayName: "Lobby", locationType: "hotel", uniqueId: "Lobby", uniqueIdType: "private" });

    const cleared = await t.request("PATCH", url, { token, body: { location: null } });
    expect(cleared.status).toBe(200);
    expect(cleared.body.location.displayName).toBe("");
    expect(cleared.body.locations).toEqual([]);
  });

  it("attendees are normalised (type casing, status none); 500 are accepted, 501 are 400", async () => {
    const { token } = await freshUser(t);
    const e = await postEvent(t, token, {
      ...hourOn("2026-12-17", 9),
      attendees: [
        { type: "Required", emailAddress: { name: "Alex", address: "alex@contoso.com" } },
        // A client's status is not the organizer's to set: ignored.
        { type: "OPTIONAL", emailAddress: { address: "noname@contoso.com" }, status: { response: "accepted", time: "2026-01-01T00:00:00Z" } },
        { emailAddress: { name: "Untyped", address: "untyped@contoso.com" } },
      ],
    });
    expect(e.attendees).toEqual([
      { type: "required", status: NO_RESPONSE, emailAddress: { name: "Alex", address: "alex@contoso.com" } },
      { type: "optional", status: NO_RESPONSE, emailAddress: { name: "noname@contoso.com", address: "noname@contoso.com" } },
      { type: "required", status: NO_RESPONSE, emailAddress: { name: "Untyped", address: "untyped@contoso.com" } },
    ]);
    const many = (n: number) => Array.from({ length: n }, (_, i) => ({ type: "required", emailAddress: { address: `a${i}@contoso.com` } }));
    const ok = await t.request("POST", "/v1.0/me/events", { token, body: { ...hourOn("2026-12-17", 11), attendees: many(500) } });
    expect(ok.status).toBe(201);
    expect(ok.body.attendees).toHaveLength(500);
    const before = (await t.request("GET", "/v1.0/me/events?$count=true&$top=1", { token })).body["@odata.count"];
    expectGraphError(await t.request("POST", "/v1.0/me/events", { token, body: { ...hourOn("2026-12-17", 13), attendees: many(501) } }), 400, "ErrorInvalidRequest");
    expectGraphError(await t.request("PATCH", `/v1.0/me/events/${e.id}`, { token, body: { attendees: many(501) } }), 400, "ErrorInvalidRequest");
    expect((await t.request("GET", "/v1.0/me/events?$count=true&$top=1", { token })).body["@odata.count"]).toBe(before);
    expect((await t.request("GET", `/v1.0/me/events/${e.id}`, { token })).body.attendees).toHaveLength(3);
  });

  it("categories are kept in order, duplicates and all, and can be cleared", async () => {
    const { token } = await freshUser(t);
    const e = await postEvent(t, token, { ...hourOn("2026-12-18", 9), categories: ["Blue category", "Orange category"] });
    expect(e.categories).toEqual(["Blue category", "Orange category"]);
    const cleared = await t.request("PATCH", `/v1.0/me/events/${e.id}`, { token, body: { categories: [] } });
    expect(cleared.body.categories).toEqual([]);
  });
});

describe("events: transactionId", () => {
  const t = useTestServer();

  it("a retried POST with the same transactionId returns the same event (201) and creates nothing", async () => {
    const { token } = await freshUser(t);
    const body = { ...hourOn("2026-12-19", 9, "Once"), transactionId: "tx-7f3a" };
    const first = await postEvent(t, token, body);
    expect(first.transactionId).toBe("tx-7f3a");
    t.clock.advance(5000);
    const retry = await t.request("POST", "/v1.0/me/events", { token, body });
    expect(retry.status).toBe(201);
    expect(entityOf(retry.body)).toEqual(entityOf(first));
    // Even a changed body: the key says it is the same request.
    const changed = await t.request("POST", "/v1.0/me/calendar/events", { token, body: { ...body, subject: "Twice?" } });
    expect(changed.body.id).toBe(first.id);
    expect(changed.body.subject).toBe("Once");
    const list = (await t.request("GET", "/v1.0/me/events", { token })).body.value;
    expect(list.map((e: any) => e.id)).toEqual([first.id]);
    // Another key is another event.
    const second = await postEvent(t, token, { ...body, transactionId: "tx-other" });
    expect(second.id).not.toBe(first.id);
  });

  it("PATCH transactionId is 400 ErrorInvalidPropertySet and changes nothing", async () => {
    const { token } = await freshUser(t);
    const e = await postEvent(t, token, { ...hourOn("2026-12-20", 9), transactionId: "tx-fixed" });
    for (const value of ["tx-new", "tx-fixed"]) {
      expectGraphError(await t.request("PATCH", `/v1.0/me/events/${e.id}`, { token, body: { transactionId: value, subject: "x" } }), 400, "ErrorInvalidPropertySet");
    }
    const got = (await t.request("GET", `/v1.0/me/events/${e.id}`, { token })).body;
    expect(got.transactionId).toBe("tx-fixed");
    expect(got.changeKey).toBe(e.changeKey);
  });
});
