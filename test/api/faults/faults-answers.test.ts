import { afterEach, describe, expect, it } from "vitest";
import { DEMO_CLIENT_ID } from "../../../src/server/index.js";
import type { Mailbox } from "../../../src/domain/index.js";
import { useTestServer, type TestResponse } from "../../support/harness.js";
import { expectGraphError, GRAPH_CONTENT_TYPE, GUID } from "../../support/graph-assertions.js";

// What a fired rule answers, through the whole app: Graph's exact error bodies and headers for
// each failure, which requests a rule reaches (method, path, mailbox, app id; never /_graphcal),
// when it fires (nth, times, seeded probability), the one-off header, and the requests log.

describe("fault rules: answers and matching", () => {
  // GRAPH_EXTENSIONS: the 410's Location is a graphcal extension (graph-parity.test.ts: none in parity mode).
  const t = useTestServer({ env: { GRAPH_EXTENSIONS: "1" } });
  const admin = () => t.appToken(["Graphcal.Admin"]);
  const addRule = async (rule: unknown) => {
    const res = await t.request("POST", "/_graphcal/faults", { token: await admin(), body: rule });
    expect(res.status, res.text).toBe(201);
    return res.body;
  };
  afterEach(async () => {
    await t.request("DELETE", "/_graphcal/faults", { token: await admin() });
  });

  async function user(): Promise<{ mailbox: Mailbox; token: string }> {
    const mailbox = await t.newMailbox();
    return { mailbox, token: await t.userToken(mailbox) };
  }

  it("429 TooManyRequests: Graph's documented body (innerError repeats code and status), Retry-After, correlation ids; fires `times` times", async () => {
    const { token } = await user();
    const rule = await addRule({ method: "GET", path: "/me/calendars/delta", status: 429, retryAfter: 3, times: 1 });
    const res = await t.request("GET", "/beta/me/calendars/delta", { token, headers: { "client-request-id": "my-client-id" } });
    expect(res.status).toBe(429);
    expect(res.headers["retry-after"]).toBe("3");
    expect(res.headers["content-type"]).toBe(GRAPH_CONTENT_TYPE);
    expect(res.headers["request-id"]).toMatch(GUID);
    expect(res.headers["client-request-id"]).toBe("my-client-id");
    expect(res.body).toEqual({
      error: {
        code: "TooManyRequests", message: "Please retry again later.",
        innerError: {
          code: "429", message: "Please retry after", status: "429", date: "2026-11-25T12:00:00",
          "request-id": res.headers["request-id"], "client-request-id": "my-client-id",
        },
      },
    });
    expect((await t.request("GET", "/beta/me/calendars/delta", { token })).status, "times: 1 fired once").toBe(200);
    const listed = (await t.request("GET", "/_graphcal/faults", { token: await admin() })).body.value;
    expect(listed).toEqual([expect.objectContaining({ id: rule.id, matched: 2, hits: 1 })]);
  });

  it("each status answers with Graph's code, message and headers", async () => {
    const { token } = await user();
    const cases: [unknown, (res: TestResponse) => void][] = [
      [{ status: 429, code: "ApplicationThrottled" }, (res) => {
        expectGraphError(res, 429, "ApplicationThrottled", "Application is over its MailboxConcurrency limit.");
        expect(res.headers["retry-after"]).toBe("1");
      }],
      [{ status: 503, retryAfter: 2.5 }, (res) => {
        expectGraphError(res, 503, "ServiceUnavailable");
        expect(res.headers["retry-after"]).toBe("2.5");
      }],
      [{ status: 504 }, (res) => expectGraphError(res, 504, "GatewayTimeout")],
      [{ status: 500 }, (res) => expectGraphError(res, 500, "UnknownError")],
      [{ status: 410 }, (res) => {
        expectGraphError(res, 410, "SyncStateNotFound");
        expect(res.headers.location).toBeUndefined();
      }],
      [{ status: 401 }, (res) => {
        expectGraphError(res, 401, "InvalidAuthenticationToken");
        expect(res.headers["www-authenticate"]).toMatch(/^Bearer realm=""/);
      }],
    ];
    for (const [rule, check] of cases) {
      await addRule({ ...rule as object, path: "/me/calendars", times: 1 });
      check(await t.request("GET", "/v1.0/me/calendars", { token }));
    }
    expect((await t.request("GET", "/v1.0/me/calendars", { token })).status).toBe(200);
  });

  it("410 ResyncRequired: Location is the request's URL without its delta or skip token (other options kept)", async () => {
    const { token } = await user();
    const first = await t.request("GET", "/beta/me/calendars/delta", { token });
    const deltaLink = new URL(first.body["@odata.deltaLink"]);
    expect(deltaLink.searchParams.has("$deltatoken")).toBe(true);
    await addRule({ path: "/me/calendars/delta", status: 410, code: "ResyncRequired" });
    const res = await t.request("GET", deltaLink.pathname + deltaLink.search, { token });
    expectGraphError(res, 410, "ResyncRequired");
    const origin = (first.body["@odata.deltaLink"] as string).split("/beta/")[0];
    expect(res.headers.location).toBe(`${origin}/beta/me/calendars/delta`);
    const withSelect = await t.request("GET", "/beta/me/calendars/delta?$select=name", { token });
    expect(withSelect.headers.location).toBe(`${origin}/beta/me/calendars/delta?%24select=name`);
  });

  it("mailbox: a rule naming a UPN fires for /me of that user and for /users/{id}, not for another mailbox", async () => {
    const target = await user();
    const other = await user();
    await addRule({ path: "/**", mailbox: target.mailbox.userPrincipalName.toUpperCase(), status: 503 });
    expect((await t.request("GET", "/v1.0/me/calendars", { token: target.token })).status).toBe(503);
    const app = await t.appToken(["Calendars.Read"]);
    expect((await t.request("GET", `/v1.0/users/${target.mailbox.id}/calendars`, { token: app })).status).toBe(503);
    expect((await t.request("GET", `/v1.0/users/${other.mailbox.id}/calendars`, { token: app })).status).toBe(200);
    expect((await t.request("GET", "/v1.0/me/calendars", { token: other.token })).status).toBe(200);
  });

  it("appId and method: a rule for another app or method leaves the request alone", async () => {
    const { token } = await user();
    await addRule({ appId: "00000000-0000-0000-0000-00000000beef", status: 500 });
    await addRule({ method: "POST", status: 500 });
    expect((await t.request("GET", "/v1.0/me/calendars", { token })).status).toBe(200);
    await addRule({ appId: DEMO_CLIENT_ID.toUpperCase(), method: "GET", status: 500 });
    expect((await t.request("GET", "/v1.0/me/calendars", { token })).status).toBe(500);
  });

  it("nth: fires on the nth matching request only", async () => {
    const { token } = await user();
    await addRule({ path: "/me/calendars", nth: 3, status: 503 });
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await t.request("GET", "/v1.0/me/calendars", { token })).status);
    expect(statuses).toEqual([200, 200, 503, 200, 200]);
  });

  it("probability + seed: the same seed fails the same requests again; another seed differs", async () => {
    const { token } = await user();
    const run = async (seed: number) => {
      await t.request("DELETE", "/_graphcal/faults", { token: await admin() });
      await addRule({ path: "/me/calendars", probability: 0.5, seed, status: 503 });
      const statuses: number[] = [];
      for (let i = 0; i < 24; i++) statuses.push((await t.request("GET", "/v1.0/me/calendars", { token })).status);
      return statuses;
    };
    const first = await run(7);
    expect(first).toContain(503);
    expect(first).toContain(200);
    expect(await run(7)).toEqual(first);
    expect(await run(8)).not.toEqual(first);
  });

  it("never touches /_graphcal; the token endpoint only when the rule's path names it", async () => {
    await addRule({ status: 503 });
    expect((await t.request("GET", "/_graphcal/faults", { token: await admin() })).status).toBe(200);
    const form = "grant_type=client_credentials&client_id=c0ffee00-cafe-4bad-a55e-000000000001&client_secret=graphcal-demo-secret&scope=https://graph.microsoft.com/.default";
    const token = () => t.request("POST", "/contoso/oauth2/v2.0/token", { payload: form, headers: { "content-type": "application/x-www-form-urlencoded" } });
    expect((await token()).status).toBe(200);
    await addRule({ path: "/*/oauth2/v2.0/token", status: 503, times: 1 });
    expect((await token()).status).toBe(503);
  });

  it("X-Graphcal-Fault: a one-off fault on one request; a bad value is a 400 naming the header", async () => {
    const { token } = await user();
    const res = await t.request("GET", "/v1.0/me/calendars", { token, headers: { "x-graphcal-fault": "429" } });
    expect(res.status).toBe(429);
    expect(res.body.error.code).toBe("TooManyRequests");
    expectGraphError(await t.request("GET", "/v1.0/me/calendars", { token, headers: { "x-graphcal-fault": "410 ResyncRequired" } }), 410, "ResyncRequired");
    expectGraphError(await t.request("GET", "/v1.0/me/calendars", { token, headers: { "x-graphcal-fault": "teapot" } }), 400, "BadRequest", /^X-Graphcal-Fault: /);
    expect((await t.request("GET", "/v1.0/me/calendars", { token })).status).toBe(200);
  });

  it("latencyMs: the normal answer, later", async () => {
    const { token } = await user();
    await addRule({ path: "/me/calendars", latencyMs: 120, times: 1 });
    const started = performance.now();
    const res = await t.request("GET", "/v1.0/me/calendars", { token });
    expect(res.status).toBe(200);
    expect(res.body.value.length).toBeGreaterThan(0);
    expect(performance.now() - started).toBeGreaterThanOrEqual(110);
  });

  it("GET /_graphcal/requests: the recent requests with status, time and the rule that fired", async () => {
    const { token } = await user();
    const adminToken = await admin();
    await t.request("DELETE", "/_graphcal/requests", { token: adminToken });
    const rule = await addRule({ id: "break-groups", path: "/me/calendarGroups", status: 503, times: 1 });
    await t.request("GET", "/v1.0/me/calendars?$top=1", { token });
    await t.request("GET", "/v1.0/me/calendarGroups", { token });
    const log = (await t.request("GET", "/_graphcal/requests", { token: adminToken })).body.value;
    expect(log).toEqual([
      { time: "2026-11-25T12:00:00.000Z", method: "GET", path: "/v1.0/me/calendars", status: 200, requestId: expect.stringMatching(GUID) },
      {
        time: "2026-11-25T12:00:00.000Z", method: "GET", path: "/v1.0/me/calendarGroups", status: 503, requestId: expect.stringMatching(GUID),
        rule: rule.id, fault: "status 503",
      },
    ]);
    expect((await t.request("GET", "/_graphcal/requests?limit=1", { token: adminToken })).body.value.map((e: any) => e.rule)).toEqual(["break-groups"]);
  });
});
