import { describe, expect, it } from "vitest";
import { ManualTimers } from "../../test/support/manual-timers.js";
import { renewalDelay, renewalRetryDelay, SubscriptionKeeper, type SubscriptionEvent } from "./subscription-keeper.js";

const BASE = "https://graph.example/v1.0";
const T0 = Date.parse("2026-03-01T10:00:00Z");
const MIN = 60_000;

interface Call {
  method: string;
  url: string;
  body: any;
}

/** A scripted /subscriptions: `answer` decides each reply; every call is recorded. */
function setup(answer: (call: Call, n: number) => { status: number; body?: unknown }, lifetimeMinutes = 100) {
  const timers = ManualTimers.at(T0);
  const calls: Call[] = [];
  const events: SubscriptionEvent[] = [];
  const fetch = async (input: string | URL | Request, init?: RequestInit) => {
    const call = { method: init?.method ?? "GET", url: String(input), body: init?.body ? JSON.parse(String(init.body)) : undefined };
    calls.push(call);
    const { status, body } = answer(call, calls.length - 1);
    return new Response(body === undefined ? null : JSON.stringify(body), { status, headers: { "content-type": "application/json" } });
  };
  const keeper = new SubscriptionKeeper({
    baseUrl: `${BASE}/`, userId: "adele@contoso.com", token: "T", notificationUrl: "https://hook.example/notify", clientState: "cs",
    lifetimeMinutes, timers, fetch: fetch as typeof globalThis.fetch, retry: { maxRetries: 0 }, onEvent: (e) => events.push(e),
  });
  const flush = () => new Promise((r) => setImmediate(r));
  return { timers, calls, events, keeper, flush };
}

/** Graph grants what was asked (its clock is the timers' clock). */
const granted = (id: string) => (call: Call) => ({ status: call.method === "POST" ? 201 : 200, body: { id, resource: "users/x/events", expirationDateTime: call.body.expirationDateTime } });

describe("SubscriptionKeeper", () => {
  it("renewalDelay / renewalRetryDelay: 80 % of the time left; retries between 1 s and a minute", () => {
    expect(renewalDelay({ now: 0, expiresAt: 100 * MIN, fraction: 0.8 })).toBe(80 * MIN);
    expect(renewalDelay({ now: 50, expiresAt: 10, fraction: 0.8 })).toBe(0);
    expect(renewalRetryDelay({ now: 0, expiresAt: 100 * MIN })).toBe(MIN);
    expect(renewalRetryDelay({ now: 0, expiresAt: 10_000 })).toBe(5000);
    expect(renewalRetryDelay({ now: 10, expiresAt: 0 })).toBe(1000);
  });

  it("start: POSTs the subscription Graph's way, then renews with PATCH at 80 % of the lifetime, again and again", async () => {
    const { timers, calls, events, keeper, flush } = setup(granted("S1"));
    expect(keeper.resource).toBe("users/adele@contoso.com/events");
    expect(await keeper.start()).toEqual({ id: "S1", expiresAt: T0 + 100 * MIN });
    expect(calls).toEqual([{
      method: "POST", url: `${BASE}/subscriptions`,
      body: {
        changeType: "created,updated,deleted", notificationUrl: "https://hook.example/notify", lifecycleNotificationUrl: "https://hook.example/notify",
        resource: "users/adele@contoso.com/events", expirationDateTime: "2026-03-01T11:40:00.000Z", clientState: "cs",
      },
    }]);
    expect(timers.pending).toEqual([80 * MIN]);
    timers.advance(80 * MIN - 1);
    expect(calls).toHaveLength(1);
    timers.advance(1);
    await flush();
    expect(calls[1]).toEqual({ method: "PATCH", url: `${BASE}/subscriptions/S1`, body: { expirationDateTime: "2026-03-01T13:00:00.000Z" } });
    expect(keeper.subscription).toEqual({ id: "S1", expiresAt: T0 + 180 * MIN });
    timers.advance(80 * MIN);
    await flush();
    expect(calls.map((c) => c.method)).toEqual(["POST", "PATCH", "PATCH"]);
    expect(events.map((e) => e.type)).toEqual(["subscribed", "renewed", "renewed"]);
  });

  it("renewal: a shorter grant than asked renews earlier (80 % of what was granted)", async () => {
    const { timers, keeper } = setup(() => ({ status: 201, body: { id: "S", expirationDateTime: new Date(T0 + 45 * MIN).toISOString() } }), 5000);
    await keeper.start();
    expect(timers.pending).toEqual([36 * MIN]);
  });

  it("renewal: a subscription Graph no longer knows (404) is created anew and reported as recreated", async () => {
    const { timers, calls, events, keeper, flush } = setup((call) =>
      call.method === "PATCH" ? { status: 404, body: { error: { code: "ResourceNotFound", message: "gone" } } } : granted(`S${calls.length}`)(call));
    await keeper.start();
    timers.advance(80 * MIN);
    await flush();
    expect(calls.map((c) => c.method)).toEqual(["POST", "PATCH", "POST"]);
    expect(events).toEqual([
      expect.objectContaining({ type: "subscribed", id: "S1", recreated: false }),
      expect.objectContaining({ type: "subscribed", id: "S3", recreated: true }),
    ]);
    expect(keeper.subscription?.id).toBe("S3");
  });

  it("renewal: a failed PATCH is retried (half the time left, at most a minute) until it works", async () => {
    const { timers, calls, events, keeper, flush } = setup((call, n) =>
      call.method === "PATCH" && n < 3 ? { status: 500, body: { error: { code: "InternalServerError", message: "boom" } } } : granted("S")(call));
    await keeper.start();
    timers.advance(80 * MIN);
    await flush();
    expect(events[1]).toMatchObject({ type: "renewal-failed", id: "S", retryInMs: MIN });
    timers.advance(MIN);
    await flush();
    timers.advance(MIN);
    await flush();
    expect(calls.map((c) => c.method)).toEqual(["POST", "PATCH", "PATCH", "PATCH"]);
    expect(events.map((e) => e.type)).toEqual(["subscribed", "renewal-failed", "renewal-failed", "renewed"]);
  });

  it("stop: DELETEs the subscription (404 is fine) and renews no more", async () => {
    const { timers, calls, events, keeper, flush } = setup((call) => (call.method === "DELETE" ? { status: 404 } : granted("S")(call)));
    await keeper.start();
    await keeper.stop();
    expect(calls.at(-1)).toMatchObject({ method: "DELETE", url: `${BASE}/subscriptions/S` });
    timers.advance(1000 * MIN);
    await flush();
    expect(calls).toHaveLength(2);
    expect(events.at(-1)).toEqual({ type: "unsubscribed", id: "S" });
    expect(keeper.subscription).toBeUndefined();
  });

  it("start: a refused subscription (400 validation) rejects with Graph's code; a bad answer is a protocol error", async () => {
    const refused = setup(() => ({ status: 400, body: { error: { code: "ValidationError", message: "Subscription validation request failed." } } }));
    await expect(refused.keeper.start()).rejects.toMatchObject({ status: 400, code: "ValidationError" });
    const odd = setup(() => ({ status: 201, body: { id: "S" } }));
    await expect(odd.keeper.start()).rejects.toThrow(/without id or expirationDateTime/);
    expect(() => new SubscriptionKeeper({ baseUrl: BASE, token: "T", notificationUrl: "u", clientState: "x".repeat(129) })).toThrow(/128/);
  });
});
