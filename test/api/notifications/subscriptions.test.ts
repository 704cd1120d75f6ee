import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { randomUUID } from "node:crypto";
import type { TestServer } from "../../support/harness.js";
import { startReceiver, type Receiver } from "./receiver.js";
import { inMinutes, startNotifyServer, subscriptionBody } from "./notify-support.js";

// /subscriptions (spec §4.2, §4.6): create, list, get, renew, delete, reauthorize, on both API
// versions, against a real receiver on loopback; every field rule and the permissions of §4.1.

describe("subscriptions: CRUD and field rules", () => {
  let t: TestServer;
  let receiver: Receiver;
  beforeAll(async () => {
    t = await startNotifyServer();
    receiver = await startReceiver();
  });
  afterAll(async () => {
    await t?.close();
    await receiver?.close();
  });

  it("POST /subscriptions: 201 with Graph's shape after the handshake; GET, list, PATCH, DELETE", async () => {
    const me = await t.newMailbox();
    const token = await t.userToken(me);
    const lifecycle = `${receiver.url}?kind=lifecycle`;
    const created = await t.request("POST", "/v1.0/subscriptions", {
      token, body: subscriptionBody(t, { notificationUrl: receiver.url, lifecycleNotificationUrl: lifecycle, expirationDateTime: inMinutes(t, 120) }),
    });
    expect(created.status, created.text).toBe(201);
    expect(created.body).toMatchObject({
      "@odata.context": expect.stringMatching(/\/v1\.0\/\$metadata#subscriptions\/\$entity$/),
      resource: "me/events", changeType: "created,updated,deleted", clientState: "secret",
      notificationUrl: receiver.url, lifecycleNotificationUrl: lifecycle, expirationDateTime: "2026-11-25T14:00:00Z",
      creatorId: me.id, latestSupportedTlsVersion: "v1_2", includeResourceData: null, encryptionCertificate: null,
    });
    expect(created.body.id).toMatch(/^[0-9a-f-]{36}$/);
    // One handshake per URL, with a token the receiver had to URL-decode.
    expect(receiver.tokens.slice(-2).every((tk) => tk.startsWith("Validation: Testing client application reachability"))).toBe(true);

    const id = created.body.id as string;
    const got = await t.request("GET", `/beta/subscriptions/${id}`, { token });
    expect(got.status).toBe(200);
    expect(got.body).toMatchObject({ id, resource: "me/events", "@odata.context": expect.stringContaining("/beta/$metadata#subscriptions/$entity") });
    const listed = await t.request("GET", "/v1.0/subscriptions", { token });
    expect(listed.body.value.map((s: { id: string }) => s.id)).toContain(id);

    const renewed = await t.request("PATCH", `/v1.0/subscriptions/${id}`, { token, body: { expirationDateTime: inMinutes(t, 600) } });
    expect(renewed.status, renewed.text).toBe(200);
    expect(renewed.body.expirationDateTime).toBe("2026-11-25T22:00:00Z");
    expect((await t.request("POST", `/v1.0/subscriptions/${id}/reauthorize`, { token })).status).toBe(204);

    expect((await t.request("DELETE", `/v1.0/subscriptions/${id}`, { token })).status).toBe(204);
    const gone = await t.request("GET", `/v1.0/subscriptions/${id}`, { token });
    expect(gone.status).toBe(404);
    expect(gone.body.error).toMatchObject({ code: "ResourceNotFound", message: "The object was not found." });
    expect((await t.request("DELETE", `/v1.0/subscriptions/${id}`, { token })).status).toBe(404);
  });

  it("POST /subscriptions: an expiry under 45 minutes is raised to 45; over 10,080 minutes is a 400 ExtensionError", async () => {
    const token = await t.userToken(await t.newMailbox());
    const soon = await t.request("POST", "/v1.0/subscriptions", { token, body: subscriptionBody(t, { notificationUrl: receiver.url, expirationDateTime: inMinutes(t, 5) }) });
    expect(soon.status).toBe(201);
    expect(soon.body.expirationDateTime).toBe("2026-11-25T12:45:00Z");
    const past = await t.request("POST", "/v1.0/subscriptions", { token, body: subscriptionBody(t, { notificationUrl: receiver.url, expirationDateTime: "2020-01-01T00:00:00Z" }) });
    expect(past.body.expirationDateTime).toBe("2026-11-25T12:45:00Z");
    const max = await t.request("POST", "/v1.0/subscriptions", { token, body: subscriptionBody(t, { notificationUrl: receiver.url, expirationDateTime: inMinutes(t, 10_080) }) });
    expect(max.status).toBe(201);
    const over = await t.request("POST", "/v1.0/subscriptions", { token, body: subscriptionBody(t, { notificationUrl: receiver.url, expirationDateTime: inMinutes(t, 10_081) }) });
    expect(over.status).toBe(400);
    expect(over.body.error).toMatchObject({ code: "ExtensionError", message: "Subscription expiration can only be 10080 minutes in the future." });
    const renewTooFar = await t.request("PATCH", `/v1.0/subscriptions/${soon.body.id}`, { token, body: { expirationDateTime: inMinutes(t, 20_000) } });
    expect(renewTooFar.body.error.code).toBe("ExtensionError");
    // Graph's 7-digit fractions are read; no offset counts as UTC.
    const fraction = await t.request("POST", "/v1.0/subscriptions", {
      token, body: subscriptionBody(t, { notificationUrl: receiver.url, expirationDateTime: "2026-11-26T11:00:00.0000000" }),
    });
    expect(fraction.body.expirationDateTime).toBe("2026-11-26T11:00:00Z");
  });

  it("POST /subscriptions: each bad field is a 400 in the subscription service's words, never a 500", async () => {
    const token = await t.userToken(await t.newMailbox());
    const cases: [Record<string, unknown>, number, string, RegExp][] = [
      [{ changeType: undefined }, 400, "InvalidRequest", /'changeType' property is required/],
      [{ changeType: "created,moved" }, 400, "InvalidRequest", /'moved' is not a valid changeType/],
      [{ changeType: 5 }, 400, "InvalidRequest", /must be a string/],
      [{ resource: undefined }, 400, "InvalidRequest", /'resource' property is required/],
      [{ resource: "me/calendarView" }, 400, "InvalidRequest", /not supported/],
      [{ resource: "me/messages" }, 400, "InvalidRequest", /not supported/],
      [{ resource: "https://graph.microsoft.com/v1.0/me/events" }, 400, "InvalidRequest", /without the base URL/],
      [{ resource: "me/calendars" }, 400, "InvalidRequest", /not supported/],
      [{ resource: "me/calendars/nope/events" }, 404, "ErrorItemNotFound", /not found/],
      [{ expirationDateTime: "tomorrow" }, 400, "InvalidRequest", /ISO 8601/],
      [{ expirationDateTime: undefined }, 400, "InvalidRequest", /'expirationDateTime' property is required/],
      [{ notificationUrl: undefined }, 400, "InvalidRequest", /'notificationUrl' property is required/],
      [{ notificationUrl: "not a url" }, 400, "InvalidRequest", /absolute URL/],
      [{ notificationUrl: "http://example.com/hook" }, 400, "InvalidRequest", /https URL/],
      [{ lifecycleNotificationUrl: "ftp://127.0.0.1/x" }, 400, "InvalidRequest", /https URL/],
      [{ clientState: "x".repeat(129) }, 400, "InvalidRequest", /at most 128 characters/],
      [{ latestSupportedTlsVersion: "v2_0" }, 400, "InvalidRequest", /latestSupportedTlsVersion/],
      [{ includeResourceData: true }, 400, "InvalidRequest", /includeResourceData/],
      [{ colour: "red" }, 400, "BadRequest", /does not exist on type 'microsoft.graph.subscription'/],
      [{ id: "mine" }, 400, "ErrorInvalidPropertySet", /read-only/],
    ];
    for (const [patch, status, code, message] of cases) {
      const body = { ...subscriptionBody(t, { notificationUrl: receiver.url }), ...patch };
      for (const key of Object.keys(patch)) if (patch[key] === undefined) delete body[key];
      const res = await t.request("POST", "/v1.0/subscriptions", { token, body });
      expect([res.status, res.body?.error?.code], JSON.stringify(patch)).toEqual([status, code]);
      expect(res.body.error.message, JSON.stringify(patch)).toMatch(message);
    }
    const array = await t.request("POST", "/v1.0/subscriptions", { token, body: [] });
    expect(array.status).toBe(400);
    expect((await t.request("POST", "/v1.0/subscriptions", { token, payload: "{", headers: { "content-type": "application/json" } })).status).toBe(400);
    // Exactly 128 characters, and https anywhere, pass the field rules (the latter then fails its handshake).
    const ok = await t.request("POST", "/v1.0/subscriptions", { token, body: subscriptionBody(t, { notificationUrl: receiver.url, clientState: "y".repeat(128) }) });
    expect(ok.status).toBe(201);
    const https = await t.request("POST", "/v1.0/subscriptions", { token, body: subscriptionBody(t, { notificationUrl: "https://127.0.0.1:1/hook" }) });
    expect(https.body.error.code).toBe("ValidationError");
  });

  it("POST /subscriptions: me/calendar/events, calendars/{id}/events and users/{id}/events resolve; names match case-insensitively", async () => {
    const me = await t.newMailbox();
    const token = await t.userToken(me);
    for (const resource of ["me/calendar/events", "/Me/Events", `users/${me.id}/events`, `users/${me.userPrincipalName}/calendar/events`]) {
      const res = await t.request("POST", "/v1.0/subscriptions", { token, body: subscriptionBody(t, { notificationUrl: receiver.url, resource }) });
      expect(res.status, `${resource}: ${res.text}`).toBe(201);
      expect(res.body.resource).toBe(resource);
    }
    const calendar = await t.request("POST", "/v1.0/me/calendars", { token, body: { name: "Side" } });
    const scoped = await t.request("POST", "/v1.0/subscriptions", {
      token, body: subscriptionBody(t, { notificationUrl: receiver.url, resource: `me/calendars/${calendar.body.id}/events` }),
    });
    expect(scoped.status).toBe(201);
  });

  it("PATCH /subscriptions/{id}: a new notificationUrl is validated; a lifecycle URL cannot be added; neither field is a 400", async () => {
    const token = await t.userToken(await t.newMailbox());
    const created = await t.request("POST", "/v1.0/subscriptions", { token, body: subscriptionBody(t, { notificationUrl: receiver.url }) });
    const id = created.body.id as string;
    const before = receiver.tokens.length;
    const moved = await t.request("PATCH", `/v1.0/subscriptions/${id}`, { token, body: { notificationUrl: `${receiver.url}?v=2` } });
    expect(moved.status, moved.text).toBe(200);
    expect(moved.body.notificationUrl).toBe(`${receiver.url}?v=2`);
    expect(receiver.tokens.length).toBe(before + 1);
    const dead = await t.request("PATCH", `/v1.0/subscriptions/${id}`, { token, body: { notificationUrl: "https://127.0.0.1:1/x" } });
    expect(dead.body.error.code).toBe("ValidationError");
    expect((await t.request("GET", `/v1.0/subscriptions/${id}`, { token })).body.notificationUrl).toBe(`${receiver.url}?v=2`);
    const addLifecycle = await t.request("PATCH", `/v1.0/subscriptions/${id}`, {
      token, body: { expirationDateTime: inMinutes(t, 100), lifecycleNotificationUrl: receiver.url },
    });
    expect(addLifecycle.status).toBe(400);
    expect(addLifecycle.body.error.message).toMatch(/cannot be added/);
    const empty = await t.request("PATCH", `/v1.0/subscriptions/${id}`, { token, body: {} });
    expect(empty.body.error).toMatchObject({
      code: "InvalidRequest", message: "Subscription must contain either the 'expirationDateTime' or 'notificationUrl' property and its value.",
    });
    const changeResource = await t.request("PATCH", `/v1.0/subscriptions/${id}`, { token, body: { expirationDateTime: inMinutes(t, 100), resource: "me/calendar/events" } });
    expect(changeResource.body.error.code).toBe("ErrorInvalidPropertySet");
    const echo = await t.request("PATCH", `/v1.0/subscriptions/${id}`, { token, body: { expirationDateTime: inMinutes(t, 100), resource: "me/events" } });
    expect(echo.status).toBe(200);
    expect((await t.request("PATCH", `/v1.0/subscriptions/${randomUUID()}`, { token, body: { expirationDateTime: inMinutes(t, 100) } })).status).toBe(404);
    expect((await t.request("PUT", `/v1.0/subscriptions/${id}`, { token, body: {} })).status).toBe(405);
  });

  it("permissions: delegated only for one's own mailbox, Calendars.Read or more; an app for any mailbox of its tenant; each app sees its own", async () => {
    const alice = await t.newMailbox("Alice");
    const bob = await t.newMailbox("Bob");
    const aliceToken = await t.userToken(alice);
    const body = (resource: string) => subscriptionBody(t, { notificationUrl: receiver.url, resource });
    const other = await t.request("POST", "/v1.0/subscriptions", { token: aliceToken, body: body(`users/${bob.id}/events`) });
    expect(other.status).toBe(403);
    expect(other.body.error.code).toBe("ErrorAccessDenied");
    const shared = await t.request("POST", "/v1.0/subscriptions", {
      token: await t.userToken(alice, ["Calendars.ReadWrite.Shared"]), body: body(`users/${bob.id}/events`),
    });
    expect(shared.status).toBe(403);
    for (const scopes of [["Calendars.ReadBasic"], ["User.Read"], ["Calendars.Read.Shared"]]) {
      const res = await t.request("POST", "/v1.0/subscriptions", { token: await t.userToken(alice, scopes), body: body("me/events") });
      expect(res.status, scopes.join()).toBe(403);
    }
    const readOnly = await t.request("POST", "/v1.0/subscriptions", { token: await t.userToken(alice, ["Calendars.Read"]), body: body("me/events") });
    expect(readOnly.status).toBe(201);

    const app = await t.appToken(["Calendars.Read"]);
    const forBob = await t.request("POST", "/v1.0/subscriptions", { token: app, body: body(`users/${bob.userPrincipalName}/events`) });
    expect(forBob.status, forBob.text).toBe(201);
    expect((await t.request("POST", "/v1.0/subscriptions", { token: app, body: body("me/events") })).body.error.code).toBe("BadRequest");
    const weakApp = await t.request("POST", "/v1.0/subscriptions", { token: await t.appToken(["Calendars.ReadBasic.All"]), body: body(`users/${bob.id}/events`) });
    expect(weakApp.status).toBe(403);
    const nobody = await t.request("POST", "/v1.0/subscriptions", { token: app, body: body(`users/${randomUUID()}/events`) });
    expect(nobody.status).toBe(404);
    expect((await t.request("POST", "/v1.0/subscriptions", { body: body("me/events") })).status).toBe(401);

    // The app sees its subscription for Bob; Alice's delegated ones are hers (same app, another creator).
    const appList = await t.request("GET", "/v1.0/subscriptions", { token: app });
    expect(appList.body.value.map((s: { id: string }) => s.id)).toContain(forBob.body.id);
    const aliceList = await t.request("GET", "/v1.0/subscriptions", { token: aliceToken });
    expect(aliceList.body.value.map((s: { id: string }) => s.id)).toEqual([readOnly.body.id]);
    expect((await t.request("GET", `/v1.0/subscriptions/${forBob.body.id}`, { token: aliceToken })).status).toBe(404);
    expect((await t.request("DELETE", `/v1.0/subscriptions/${forBob.body.id}`, { token: await t.userToken(bob) })).status).toBe(404);
  });

  it("quota: the 1,001st subscription of a mailbox is a 403 ExtensionError", async () => {
    const me = await t.newMailbox();
    const token = await t.userToken(me);
    const first = await t.request("POST", "/v1.0/subscriptions", { token, body: subscriptionBody(t, { notificationUrl: receiver.url }) });
    const stored = await t.server.store.notifications.getSubscription(first.body.id);
    // 999 more straight into the store: the quota counts rows, not how they got there.
    for (let i = 0; i < 999; i++) await t.server.store.notifications.insertSubscription({ ...stored!, id: randomUUID() });
    const over = await t.request("POST", "/v1.0/subscriptions", { token, body: subscriptionBody(t, { notificationUrl: receiver.url }) });
    expect(over.status).toBe(403);
    expect(over.body.error).toMatchObject({ code: "ExtensionError", message: expect.stringContaining("Maximum number of subscriptions has been reached") });
  });
});

describe("subscriptions: the validation handshake (spec §4.3)", () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startNotifyServer();
  });
  afterAll(async () => t?.close());

  const cases: [mode: "fail" | "wrong-token" | "not-200" | "hang", code: string, message: string][] = [
    ["fail", "ValidationError", "Subscription validation request failed. Notification endpoint must respond with 200 OK to validation request."],
    ["not-200", "ValidationError", "Subscription validation request failed. Notification endpoint must respond with 200 OK to validation request."],
    ["wrong-token", "ValidationError", "Subscription validation request failed. Response must exactly match validationToken query parameter."],
    // The 10 s timeout is NOTIFY_VALIDATION_TIMEOUT_MS here (300 ms), so the test waits no 10 s.
    ["hang", "InvalidRequest", "Subscription validation request timed out."],
  ];
  for (const [mode, code, message] of cases) {
    it(`handshake: a receiver that answers '${mode}' fails the create with 400 ${code}, and nothing is stored`, async () => {
      const receiver = await startReceiver(mode);
      try {
        const token = await t.userToken(await t.newMailbox());
        const res = await t.request("POST", "/v1.0/subscriptions", { token, body: subscriptionBody(t, { notificationUrl: receiver.url }) });
        expect(res.status).toBe(400);
        expect(res.body.error).toMatchObject({ code, message });
        expect((await t.request("GET", "/v1.0/subscriptions", { token })).body.value).toEqual([]);
      } finally {
        await receiver.close();
      }
    });
  }

  it("handshake: the lifecycle URL is validated too; a dead one fails the create", async () => {
    const good = await startReceiver();
    const bad = await startReceiver("wrong-token");
    try {
      const token = await t.userToken(await t.newMailbox());
      const res = await t.request("POST", "/v1.0/subscriptions", {
        token, body: subscriptionBody(t, { notificationUrl: good.url, lifecycleNotificationUrl: bad.url }),
      });
      expect(res.body.error.code).toBe("ValidationError");
      expect(bad.tokens.length).toBe(1);
    } finally {
      await good.close();
      await bad.close();
    }
  });

  it("handshake: the token arrives URL-encoded in the query of a URL that already has one, as text/plain", async () => {
    const receiver = await startReceiver();
    try {
      const token = await t.userToken(await t.newMailbox());
      const res = await t.request("POST", "/v1.0/subscriptions", { token, body: subscriptionBody(t, { notificationUrl: `${receiver.url}?tenant=a` }) });
      expect(res.status).toBe(201);
      expect(receiver.tokens).toHaveLength(1);
      expect(receiver.tokens[0]).toMatch(/^Validation: Testing client application reachability for subscription Request-Id: [0-9a-f-]{36}$/);
    } finally {
      await receiver.close();
    }
  });
});
