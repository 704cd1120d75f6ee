import { describe, expect, it } from "vitest";
import { useTestServer } from "../../support/harness.js";
import { expectGraphError } from "../../support/graph-assertions.js";
import { at, freshUser, postEvent } from "../../support/event-fixtures.js";

// Time zones of start/end (spec §1.2, §1.4): Windows and IANA names in, UTC out unless
// Prefer: outlook.timezone, the original zones kept, unknown zones and bad all-day spans refused.

const PACIFIC = "Pacific Standard Time";

describe("events: time zones", () => {
  const t = useTestServer();

  it("09:00 Pacific renders as 17:00Z in January and 16:00Z in July (DST), for Windows and IANA names", async () => {
    const { token } = await freshUser(t);
    for (const zone of [PACIFIC, "America/Los_Angeles"]) {
      const winter = await postEvent(t, token, { start: at("2027-01-15T09:00:00", zone), end: at("2027-01-15T10:00:00", zone) });
      expect(winter.start).toEqual({ dateTime: "2027-01-15T17:00:00.0000000", timeZone: "UTC" });
      expect(winter.end).toEqual({ dateTime: "2027-01-15T18:00:00.0000000", timeZone: "UTC" });
      const summer = await postEvent(t, token, { start: at("2027-07-15T09:00:00", zone), end: at("2027-07-15T10:00:00", zone) });
      expect(summer.start).toEqual({ dateTime: "2027-07-15T16:00:00.0000000", timeZone: "UTC" });
      // The zone as the client named it.
      expect(summer.originalStartTimeZone).toBe(zone);
      expect(summer.originalEndTimeZone).toBe(zone);
    }
  });

  it("start and end may be in different zones; each is kept as given", async () => {
    const { token } = await freshUser(t);
    const e = await postEvent(t, token, { start: at("2027-02-01T09:00:00", PACIFIC), end: at("2027-02-01T13:00:00", "Eastern Standard Time") });
    expect(e.originalStartTimeZone).toBe(PACIFIC);
    expect(e.originalEndTimeZone).toBe("Eastern Standard Time");
    expect(e.start.dateTime).toBe("2027-02-01T17:00:00.0000000");
    expect(e.end.dateTime).toBe("2027-02-01T18:00:00.0000000");
    // Fractional seconds given by the client survive, still with seven digits.
    const f = await postEvent(t, token, { start: at("2027-02-02T09:00:00.5"), end: at("2027-02-02T10:00:00.1234567") });
    expect(f.start.dateTime).toBe("2027-02-02T09:00:00.5000000");
    expect(f.end.dateTime).toMatch(/^2027-02-02T10:00:00\.123\d{4}$/);
  });

  it("Prefer: outlook.timezone (Windows or IANA) renders start/end in that zone on POST, GET, PATCH and lists, with Preference-Applied", async () => {
    const { token } = await freshUser(t);
    const body = { subject: "tz", start: at("2027-01-20T09:00:00", PACIFIC), end: at("2027-01-20T10:00:00", PACIFIC) };
    const cases = [
      { zone: PACIFIC, start: "2027-01-20T09:00:00.0000000" },
      { zone: "Europe/Berlin", start: "2027-01-20T18:00:00.0000000" },
      { zone: "Tokyo Standard Time", start: "2027-01-21T02:00:00.0000000" },
    ];
    const created = await postEvent(t, token, body);
    for (const { zone, start } of cases) {
      const headers = { prefer: `outlook.timezone="${zone}"` };
      const check = (res: { status: number; headers: Record<string, unknown>; body: any }, e: any) => {
        expect(e.start, zone).toEqual({ dateTime: start, timeZone: zone });
        expect(res.headers["preference-applied"], zone).toBe(`outlook.timezone="${zone}"`);
        // The audit times stay in UTC whatever the preference.
        expect(e.createdDateTime).toMatch(/Z$/);
      };
      const posted = await t.request("POST", "/v1.0/me/events", { token, body, headers });
      check(posted, posted.body);
      const got = await t.request("GET", `/v1.0/me/events/${created.id}`, { token, headers });
      check(got, got.body);
      const patched = await t.request("PATCH", `/beta/me/events/${created.id}`, { token, body: { subject: zone }, headers });
      check(patched, patched.body);
      const list = await t.request("GET", `/v1.0/me/events?$filter=subject eq '${encodeURIComponent(zone)}'`, { token, headers });
      expect(list.body.value).toHaveLength(1);
      check(list, list.body.value[0]);
    }
    // Without the header: UTC and no Preference-Applied.
    const plain = await t.request("GET", `/v1.0/me/events/${created.id}`, { token });
    expect(plain.body.start).toEqual({ dateTime: "2027-01-20T17:00:00.0000000", timeZone: "UTC" });
    expect(plain.headers["preference-applied"]).toBeUndefined();
  });

  it("an unknown zone is 400 ErrorPropertyValidationFailure on POST and PATCH, and nothing changes", async () => {
    const { token } = await freshUser(t);
    const bad = [
      { start: at("2027-03-01T09:00:00", "Mars Standard Time"), end: at("2027-03-01T10:00:00") },
      { start: at("2027-03-01T09:00:00"), end: at("2027-03-01T10:00:00", "Nowhere/City") },
    ];
    for (const body of bad) {
      expectGraphError(await t.request("POST", "/v1.0/me/events", { token, body }), 400, "ErrorPropertyValidationFailure", "At least one property failed validation.");
    }
    const e = await postEvent(t, token, { start: at("2027-03-01T09:00:00"), end: at("2027-03-01T10:00:00") });
    expectGraphError(
      await t.request("PATCH", `/v1.0/me/events/${e.id}`, { token, body: { start: at("2027-03-01T09:00:00", "Atlantis") } }),
      400, "ErrorPropertyValidationFailure", "At least one property failed validation.",
    );
    expect((await t.request("GET", `/v1.0/me/events/${e.id}`, { token })).body.changeKey).toBe(e.changeKey);
    expect((await t.request("GET", "/v1.0/me/events", { token })).body.value).toHaveLength(1);
  });

  it("all-day events run midnight to midnight in one zone; anything else is 400", async () => {
    const { token } = await freshUser(t);
    const ok = await postEvent(t, token, { isAllDay: true, start: at("2027-04-01T00:00:00", PACIFIC), end: at("2027-04-03T00:00:00", PACIFIC) });
    expect(ok.isAllDay).toBe(true);
    expect(ok.start).toEqual({ dateTime: "2027-04-01T07:00:00.0000000", timeZone: "UTC" });
    const inZone = await t.request("GET", `/v1.0/me/events/${ok.id}`, { token, headers: { prefer: `outlook.timezone="${PACIFIC}"` } });
    expect(inZone.body.start.dateTime).toBe("2027-04-01T00:00:00.0000000");
    expect(inZone.body.end.dateTime).toBe("2027-04-03T00:00:00.0000000");

    const refused = [
      { isAllDay: true, start: at("2027-04-01T09:00:00"), end: at("2027-04-02T00:00:00") },
      { isAllDay: true, start: at("2027-04-01T00:00:00"), end: at("2027-04-01T23:00:00") },
      { isAllDay: true, start: at("2027-04-01T00:00:00", PACIFIC), end: at("2027-04-02T00:00:00", "Eastern Standard Time") },
      { isAllDay: true, start: at("2027-04-02T00:00:00"), end: at("2027-04-01T00:00:00") },
      { isAllDay: true, start: at("2027-04-01T00:00:00"), end: at("2027-04-01T00:00:00") },
    ];
    for (const body of refused) {
      const res = await t.request("POST", "/v1.0/me/events", { token, body });
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.error.code).toMatch(/^Error/);
    }
    // A PATCH that would break the rule on the merged event is refused too.
    const timed = await postEvent(t, token, { start: at("2027-04-05T09:00:00"), end: at("2027-04-05T10:00:00") });
    expect((await t.request("PATCH", `/v1.0/me/events/${timed.id}`, { token, body: { isAllDay: true } })).status).toBe(400);
    expect((await t.request("PATCH", `/v1.0/me/events/${ok.id}`, { token, body: { start: at("2027-04-01T08:00:00", PACIFIC) } })).status).toBe(400);
    // Turning a midnight-to-midnight event into an all-day one is fine.
    const midnight = await postEvent(t, token, { start: at("2027-04-07T00:00:00"), end: at("2027-04-08T00:00:00") });
    const flipped = await t.request("PATCH", `/v1.0/me/events/${midnight.id}`, { token, body: { isAllDay: true } });
    expect(flipped.status).toBe(200);
    expect(flipped.body.isAllDay).toBe(true);
    expect((await t.request("GET", "/v1.0/me/events?$count=true", { token })).body["@odata.count"]).toBe(3);
  });
});
