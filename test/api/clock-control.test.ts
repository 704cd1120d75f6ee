import { describe, expect, it } from "vitest";
import { ControlledClock, DEMO_CLIENT_ID } from "../../src/server/index.js";
import { pollReplayOf } from "../../src/http/index.js";
import { useTestServer, type TestResponse } from "../support/harness.js";
import { socketGetJson, useListeningServer } from "../support/socket-get.js";
import { pathOf } from "./delta-support.js";

// The virtual clock through HTTP (issue 11 §3): GET/POST /_graphcal/clock, and what follows it —
// lastModifiedDateTime, JWT expiry, delta token retention, and the no-change poll replay.

const DAY = 86400_000;
const T0 = Date.UTC(2026, 10, 25, 12, 0, 0);

function expectBadRequest(res: TestResponse, message: RegExp): void {
  expect(res.status, res.text).toBe(400);
  expect(res.body.error.code).toBe("BadRequest");
  expect(res.body.error.message).toMatch(message);
  expect(res.body.error.innerError["request-id"]).toEqual(expect.any(String));
}

describe("virtual clock (HTTP)", () => {
  // The wall clock is given, so "back to real time" is deterministic: a day after T0.
  const t = useTestServer({ clock: new ControlledClock({ mode: "manual", at: T0, wall: () => T0 + DAY }) });
  const admin = () => t.appToken(["Graphcal.Admin"]);
  const setClock = async (body: unknown) => t.request("POST", "/_graphcal/clock", { token: await admin(), body });

  it("clock: GET shows the virtual time and the mode", async () => {
    t.clock.set(T0);
    const res = await t.request("GET", "/_graphcal/clock", { token: await admin() });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ now: "2026-11-25T12:00:00.000Z", mode: "manual" });
  });

  it("clock: advance takes an ISO 8601 duration, set an instant, mode real the wall clock", async () => {
    t.clock.set(T0);
    expect((await setClock({ advance: "P31D" })).body).toEqual({ now: "2026-12-26T12:00:00.000Z", mode: "manual" });
    expect((await setClock({ advance: "PT1H30M" })).body.now).toBe("2026-12-26T13:30:00.000Z");
    // Months are calendar months: Dec 26 + P1M is Jan 26.
    expect((await setClock({ advance: "P1M" })).body.now).toBe("2027-01-26T13:30:00.000Z");
    expect((await setClock({ set: "2027-02-01T01:00:00+01:00" })).body).toEqual({ now: "2027-02-01T00:00:00.000Z", mode: "manual" });
    // The wall clock (T0 + 1 day) is behind the virtual time now: returning to it is a move back.
    expectBadRequest(await setClock({ mode: "real" }), /allowBackwards/);
    expect((await setClock({ mode: "real", allowBackwards: true })).body).toEqual({ now: "2026-11-26T12:00:00.000Z", mode: "real" });
    expect((await setClock({ mode: "manual" })).body).toEqual({ now: "2026-11-26T12:00:00.000Z", mode: "manual" });
  });

  it("clock: moving backwards is refused unless allowBackwards is sent", async () => {
    t.clock.set(T0);
    expectBadRequest(await setClock({ set: "2026-01-01T00:00:00Z" }), /backwards.*allowBackwards/);
    expectBadRequest(await setClock({ advance: "-P1D" }), /backwards/);
    expect(t.clock.now().getTime()).toBe(T0);
    expect((await setClock({ advance: "-P1D", allowBackwards: true })).body.now).toBe("2026-11-24T12:00:00.000Z");
  });

  it("clock: bad bodies are Graph-format 400s naming the problem", async () => {
    t.clock.set(T0);
    expectBadRequest(await setClock({ advance: "31 days" }), /ISO 8601 duration/);
    expectBadRequest(await setClock({ set: "2027-01-01T00:00:00" }), /offset/);
    expectBadRequest(await setClock({ set: "yesterday" }), /ISO 8601 date-time/);
    expectBadRequest(await setClock({}), /exactly one of 'advance', 'set', 'mode'/);
    expectBadRequest(await setClock({ advance: "P1D", set: "2027-01-01T00:00:00Z" }), /exactly one/);
    expectBadRequest(await setClock({ mode: "sideways" }), /'real' or 'manual'/);
    expectBadRequest(await setClock({ advance: 5 }), /non-empty string/);
    expectBadRequest(await setClock({ advance: "P1D", allowBackwards: "yes" }), /true or false/);
    expectBadRequest(await setClock({ speed: 2 }), /Unknown property 'speed'/);
    expectBadRequest(await setClock([1]), /JSON object/);
    expectBadRequest(await setClock({ advance: "P999999Y" }), /out of range|ISO 8601/);
    expect(t.clock.now().getTime(), "no bad request moved the clock").toBe(T0);
  });

  it("clock: a created event carries the virtual lastModifiedDateTime and createdDateTime", async () => {
    t.clock.set(T0);
    await setClock({ set: "2027-03-04T05:06:07Z" });
    const mailbox = await t.newMailbox();
    const token = await t.userToken(mailbox);
    const res = await t.request("POST", "/v1.0/me/events", {
      token, body: { subject: "Then", start: { dateTime: "2027-03-10T10:00:00", timeZone: "UTC" }, end: { dateTime: "2027-03-10T11:00:00", timeZone: "UTC" } },
    });
    expect(res.status, res.text).toBe(201);
    expect(Date.parse(res.body.lastModifiedDateTime)).toBe(Date.UTC(2027, 2, 4, 5, 6, 7));
    expect(Date.parse(res.body.createdDateTime)).toBe(Date.UTC(2027, 2, 4, 5, 6, 7));
  });

  it("clock: a JWT graphcal issued expires when the virtual clock passes its exp", async () => {
    t.clock.set(T0);
    const mailbox = await t.newMailbox();
    const token = await t.userToken(mailbox); // one hour
    expect((await t.request("GET", "/v1.0/me/calendars", { token })).status).toBe(200);
    await setClock({ advance: "PT59M" });
    expect((await t.request("GET", "/v1.0/me/calendars", { token })).status, "within its hour (and the cached principal)").toBe(200);
    await setClock({ advance: "PT3M" }); // past exp plus jose's 60 s tolerance
    const res = await t.request("GET", "/v1.0/me/calendars", { token });
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe("InvalidAuthenticationToken");
    expect(res.body.error.message).toMatch(/expired/);
  });

  it("clock: advancing past delta retention makes an old deltaLink 410 SyncStateNotFound", async () => {
    t.clock.set(T0);
    const mailbox = await t.newMailbox();
    const long = { mailbox, scopes: ["Calendars.Read"], clientId: DEMO_CLIENT_ID, lifetimeSeconds: 40 * 86400 };
    const { token } = await t.server.issuer.mintDelegated(long);
    const first = await t.request("GET", "/beta/me/calendars/delta", { token });
    const link = pathOf(first.body["@odata.deltaLink"]);
    expect((await t.request("GET", link, { token })).status).toBe(200);
    await setClock({ advance: "P31D" }); // DELTA_RETENTION_DAYS is 30
    const gone = await t.request("GET", link, { token });
    expect(gone.status, gone.text).toBe(410);
    expect(gone.body.error.code).toBe("SyncStateNotFound");
    expect(gone.body.error.message).toMatch(/^The sync state generation is not found; generation=\d+;\[highest=\d+\]\.$/);
    expect(Object.keys(gone.body.error.innerError).sort()).toEqual(["client-request-id", "date", "request-id"]);
    expect(gone.body.error.innerError.date).toBe("2026-12-26T12:00:00");
  });
});

describe("virtual clock and the admin token", () => {
  // A server on the wall clock, as `graphcal serve` runs.
  const t = useTestServer({ clock: new ControlledClock() });

  it("clock: an admin token valid by the wall clock keeps working after the virtual clock passed its exp; Graph calls refuse it", async () => {
    const admin = await t.appToken(["Graphcal.Admin", "User.Read.All"]);
    const moved = await t.request("POST", "/_graphcal/clock", { token: admin, body: { advance: "P31D" } });
    expect(moved.status).toBe(200);
    expect((await t.request("GET", "/_graphcal/clock", { token: admin })).status).toBe(200);
    const graph = await t.request("GET", "/v1.0/users", { token: admin });
    expect(graph.status, "Graph judges the token by the virtual clock").toBe(401);
    const back = await t.request("POST", "/_graphcal/clock", { token: admin, body: { mode: "real", allowBackwards: true } });
    expect(back.body.mode).toBe("real");
    expect((await t.request("GET", "/v1.0/users", { token: admin })).status).toBe(200);
  });
});

describe("virtual clock and the poll replay (real socket)", () => {
  const s = useListeningServer();

  it("clock: a replayed no-change poll is not replayed past retention: the next poll is 410", async () => {
    const mailbox = await s.t.newMailbox();
    const { token } = await s.t.server.issuer.mintDelegated({ mailbox, scopes: ["Calendars.Read"], clientId: DEMO_CLIENT_ID, lifetimeSeconds: 40 * 86400 });
    const first = await socketGetJson(`${s.origin}/beta/me/calendars/delta`, token);
    const link = `${s.origin}${pathOf(first.body["@odata.deltaLink"])}`;
    const replay = pollReplayOf(s.t.server.app)!;
    await socketGetJson(link, token);
    const before = replay.replayed;
    const again = await socketGetJson(link, token);
    expect(again.status).toBe(200);
    expect(replay.replayed, "the second poll was served from the replay").toBe(before + 1);

    const admin = await s.t.appToken(["Graphcal.Admin"]);
    const moved = await fetch(`${s.origin}/_graphcal/clock`, {
      method: "POST", headers: { authorization: `Bearer ${admin}`, "content-type": "application/json" }, body: JSON.stringify({ advance: "P31D" }),
    });
    expect(moved.status).toBe(200);
    const gone = await socketGetJson(link, token);
    expect(gone.status).toBe(410);
    expect(gone.body.error.code).toBe("SyncStateNotFound");
    expect(replay.replayed, "not replayed").toBe(before + 1);
  });
});
