import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, useTestServer, type TestServer } from "../../support/harness.js";
import { expectGraphError } from "../../support/graph-assertions.js";
import { pathOf } from "../delta-support.js";

// The Outlook throttling profile (THROTTLE=outlook): per (app id, mailbox), a window of N
// requests measured on the injected clock, and at most M in flight, checked with real
// concurrent requests over sockets (held open by a latency fault).

describe("Outlook throttling: requests per window (in process, ManualClock)", () => {
  const t = useTestServer({ env: { THROTTLE: "outlook", THROTTLE_REQUESTS: "3", THROTTLE_WINDOW_SECONDS: "60" } });

  it("the request over the limit gets 429 TooManyRequests with the rest of the window in Retry-After; the next window admits again", async () => {
    const mailbox = await t.newMailbox();
    const token = await t.userToken(mailbox);
    for (let i = 0; i < 3; i++) {
      expect((await t.request("GET", "/v1.0/me/calendars", { token })).status).toBe(200);
      t.clock.advance(5_000);
    }
    const over = await t.request("GET", "/v1.0/me/calendars", { token });
    expect(over.status).toBe(429);
    expect(over.body.error).toMatchObject({ code: "TooManyRequests", message: "Please retry again later.", innerError: { code: "429", status: "429" } });
    expect(over.headers["retry-after"]).toBe("45");
    expect(over.body.error.innerError["request-id"]).toBe(over.headers["request-id"]);

    const other = await t.newMailbox();
    expect((await t.request("GET", "/v1.0/me/calendars", { token: await t.userToken(other) })).status, "another mailbox has its own budget").toBe(200);
    expect((await t.request("GET", "/_graphcal/requests", { token: await t.appToken(["Graphcal.Admin"]) })).status, "admin requests are never throttled").toBe(200);

    t.clock.advance(44_000);
    expect((await t.request("GET", "/v1.0/me/calendars", { token })).status, "1 s before the window ends").toBe(429);
    t.clock.advance(1_000);
    expect((await t.request("GET", "/v1.0/me/calendars", { token })).status, "a new window").toBe(200);

    const log = (await t.request("GET", "/_graphcal/requests?limit=3", { token: await t.appToken(["Graphcal.Admin"]) })).body.value;
    expect(log[1]).toMatchObject({ path: "/v1.0/me/calendars", status: 429, fault: "throttle requests" });
  });

  it("one budget per mailbox, whether the path names it by UPN or by id", async () => {
    const mailbox = await t.newMailbox();
    const app = await t.appToken(["Calendars.Read"]);
    expect((await t.request("GET", `/v1.0/users/${mailbox.userPrincipalName}/calendars`, { token: app })).status).toBe(200);
    expect((await t.request("GET", `/v1.0/users/${mailbox.id}/calendars`, { token: app })).status).toBe(200);
    expect((await t.request("GET", `/beta/users/${mailbox.userPrincipalName.toUpperCase()}/calendars`, { token: app })).status).toBe(200);
    const over = await t.request("GET", `/v1.0/users/${mailbox.id}/calendars`, { token: app });
    expect(over.status).toBe(429);
    expect(over.body.error.code).toBe("TooManyRequests");
  });

  it("an unauthenticated request is not counted: it gets its 401", async () => {
    expectGraphError(await t.request("GET", "/v1.0/me/calendars"), 401, "InvalidAuthenticationToken");
  });
});

describe("Outlook throttling: concurrency and the poll replay (real sockets)", () => {
  let t: TestServer;
  let origin = "";

  beforeAll(async () => {
    t = await startTestServer({ env: { THROTTLE: "outlook", THROTTLE_REQUESTS: "6" } });
    origin = (await t.server.listen()).http;
  });
  afterAll(async () => t.close());

  const get = (path: string, token: string) => fetch(`${origin}${path}`, { headers: { authorization: `Bearer ${token}` } });

  it("a 5th request while 4 are in flight for the same app and mailbox gets 429 ApplicationThrottled; other mailboxes and later requests pass", async () => {
    const busy = await t.newMailbox();
    const calm = await t.newMailbox();
    const busyToken = await t.userToken(busy);
    const admin = await t.appToken(["Graphcal.Admin"]);
    // Holds each of the busy mailbox's requests open for a while, so that they overlap.
    const rule = await fetch(`${origin}/_graphcal/faults`, {
      method: "POST", headers: { authorization: `Bearer ${admin}`, "content-type": "application/json" },
      body: JSON.stringify({ path: "/me/calendars", mailbox: busy.id, latencyMs: 400 }),
    });
    expect(rule.status).toBe(201);

    const held = Array.from({ length: 5 }, () => get("/v1.0/me/calendars", busyToken));
    // The refused one is answered at once; the four admitted ones are still held open.
    expect((await Promise.race(held)).status).toBe(429);
    const calmAnswer = await get("/v1.0/me/calendars", await t.userToken(calm));
    expect(calmAnswer.status, "another mailbox is not throttled").toBe(200);
    const answers = await Promise.all(held);
    const statuses = answers.map((r) => r.status).sort();
    expect(statuses).toEqual([200, 200, 200, 200, 429]);
    const throttled = answers.find((r) => r.status === 429)!;
    expect(throttled.headers.get("retry-after")).toBe("1");
    expect(await throttled.json()).toMatchObject({ error: { code: "ApplicationThrottled", message: "Application is over its MailboxConcurrency limit." } });

    await fetch(`${origin}/_graphcal/faults`, { method: "DELETE", headers: { authorization: `Bearer ${admin}` } });
    expect((await get("/v1.0/me/calendars", busyToken)).status, "slots are freed when answers finish").toBe(200);
  });

  it("no-change delta polls count against the window even though the replay could answer them", async () => {
    const mailbox = await t.newMailbox();
    const token = await t.userToken(mailbox);
    const first = await get("/beta/me/calendars/delta", token);
    const link = pathOf(((await first.json()) as Record<string, string>)["@odata.deltaLink"] as string);
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await get(link, token)).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);
  });
});
