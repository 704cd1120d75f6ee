import { afterEach, describe, expect, it } from "vitest";
import { BASE, INITIAL, cal, delta, fakeGraph, page, type FakeResponse } from "../../test/support/fake-graph.js";
import { ManualTimers } from "../../test/support/manual-timers.js";
import { MemoryLocalStore } from "./memory-local-store.js";
import { NotifySync, type NotifySyncEvent } from "./notify-sync.js";

// The loop against a scripted Graph: the delta pages come from fake-graph, the subscription calls
// from a stand-in that does the validation handshake against the real receiver on loopback, and
// the test plays Graph's notification service by POSTing to the receiver. Time is manual.

const T0 = Date.parse("2026-03-01T10:00:00Z");
const SETTLE = 50;

interface SubscriptionCall {
  method: string;
  url: string;
  body: any;
}

let running: NotifySync | undefined;
afterEach(async () => {
  await running?.stop().catch(() => undefined);
  running = undefined;
});

async function setup(routes: Record<string, FakeResponse | FakeResponse[]>) {
  const graph = fakeGraph(routes);
  const timers = ManualTimers.at(T0);
  const subscriptionCalls: SubscriptionCall[] = [];
  const handshakes: string[] = [];
  const fetch = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const url = String(input);
    if (!url.startsWith(`${BASE}/subscriptions`)) return graph.fetch(input, init);
    const body = init?.body ? JSON.parse(String(init.body)) : undefined;
    subscriptionCalls.push({ method: init?.method ?? "GET", url, body });
    if (init?.method === "POST") {
      // Graph validates the URL before it answers (spec §4.3).
      const token = `check ${subscriptionCalls.length}+/`;
      const echo = await globalThis.fetch(`${body.notificationUrl}?validationToken=${encodeURIComponent(token)}`, { method: "POST" });
      handshakes.push(await echo.text());
      const sub = { id: `S${subscriptionCalls.length}`, expirationDateTime: body.expirationDateTime, clientState: body.clientState };
      return new Response(JSON.stringify(sub), { status: 201 });
    }
    if (init?.method === "PATCH") return new Response(JSON.stringify({ id: url.split("/").pop(), expirationDateTime: body.expirationDateTime }), { status: 200 });
    return new Response(null, { status: 204 });
  };
  const events: NotifySyncEvent[] = [];
  const store = new MemoryLocalStore();
  const notify = new NotifySync({
    baseUrl: BASE, store, token: "T", listenPort: 0, settleMs: SETTLE, timers, lifetimeMinutes: 60,
    fetch: fetch as typeof globalThis.fetch, now: () => T0, random: () => 0.5, sleep: async () => {},
    onEvent: (e) => events.push(e),
  });
  running = notify;
  const started = await notify.start();
  const clientState = subscriptionCalls[0]!.body.clientState as string;
  /** Plays Graph: POSTs notifications to the receiver and waits until they are handed on. */
  const deliver = async (entries: object[]) => {
    const before = events.length;
    const res = await globalThis.fetch(started.url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ value: entries }) });
    expect(res.status).toBe(202);
    for (let i = 0; i < 100 && events.slice(before).filter((e) => e.type === "notification" || e.type === "lifecycle" || e.type === "notification-rejected").length < entries.length; i++) {
      await new Promise((r) => setImmediate(r));
    }
  };
  const change = (over: object = {}) => ({ subscriptionId: notify.subscriptionId, changeType: "updated", resource: "Users/u/Events/e", clientState, ...over });
  /** Lets the settle delay pass and waits for the rounds to finish. */
  const settle = async () => {
    timers.advance(SETTLE);
    await notify.whenIdle();
  };
  const rounds = () => events.filter((e) => e.type === "round-end").length;
  return { notify, graph, timers, store, events, subscriptionCalls, handshakes, started, deliver, change, settle, rounds, clientState };
}

const ids = async (store: MemoryLocalStore) => (await store.listCalendars()).map((c) => c.id);

describe("NotifySync", () => {
  it("start: answers the handshake, subscribes to the mailbox's events with a clientState, then runs the first round", async () => {
    const f = await setup({ [INITIAL]: page([cal("A")], { deltaLink: delta(1) }) });
    expect(f.handshakes).toEqual(["check 1+/"]);
    expect(f.subscriptionCalls[0]).toMatchObject({
      method: "POST",
      body: {
        resource: "me/events", changeType: "created,updated,deleted", notificationUrl: f.started.url, lifecycleNotificationUrl: f.started.url,
        expirationDateTime: "2026-03-01T11:00:00.000Z", clientState: expect.stringMatching(/^[0-9a-f-]{36}$/),
      },
    });
    expect(f.started).toMatchObject({ subscriptionId: "S1", initial: { full: true, added: 1 } });
    expect(f.events.map((e) => e.type).slice(0, 3)).toEqual(["listening", "subscribed", "round-start"]);
    expect(await ids(f.store)).toEqual(["A"]);
  });

  it("notifications: each burst becomes one round from the deltaLink; nothing runs without a notification", async () => {
    const f = await setup({
      [INITIAL]: page([cal("A")], { deltaLink: delta(1) }),
      [delta(1)]: page([cal("B")], { deltaLink: delta(2) }),
      [delta(2)]: page([cal("C")], { deltaLink: delta(3) }),
    });
    f.timers.advance(10 * 60_000); // time alone triggers nothing (no poll interval set)
    await f.notify.whenIdle();
    expect(f.graph.urls()).toEqual([INITIAL]);
    await f.deliver([f.change({ changeType: "created" }), f.change()]); // Graph's created+updated pair
    await f.deliver(Array.from({ length: 8 }, () => f.change()));
    await f.settle();
    expect(f.graph.urls()).toEqual([INITIAL, delta(1)]);
    expect(await ids(f.store)).toEqual(["A", "B"]);
    await f.deliver([f.change({ changeType: "deleted" })]);
    await f.settle();
    expect(f.graph.urls()).toEqual([INITIAL, delta(1), delta(2)]);
    expect(f.rounds()).toBe(3);
  });

  it("clientState: a forged notification is dropped and triggers no round", async () => {
    const f = await setup({ [INITIAL]: page([cal("A")], { deltaLink: delta(1) }) });
    await f.deliver([f.change({ clientState: "guess" }), f.change({ clientState: undefined })]);
    await f.settle();
    expect(f.graph.urls()).toEqual([INITIAL]);
    expect(f.events.filter((e) => e.type === "notification-rejected")).toHaveLength(2);
  });

  it("lifecycle missed: a full resync from the initial URL that drops what the server no longer has", async () => {
    const f = await setup({
      [INITIAL]: [page([cal("A"), cal("B")], { deltaLink: delta(1) }), page([cal("B")], { deltaLink: delta(2) })],
    });
    await f.deliver([{ subscriptionId: f.notify.subscriptionId, lifecycleEvent: "missed", clientState: f.clientState }]);
    await f.settle();
    expect(f.graph.urls()).toEqual([INITIAL, INITIAL]);
    expect(await ids(f.store)).toEqual(["B"]);
    expect(f.events.filter((e) => e.type === "round-start").map((e) => e.type === "round-start" && e.reason)).toEqual(["initial", "requested"]);
  });

  it("lifecycle subscriptionRemoved: subscribes again (new handshake), then resyncs in full; a stale one for an old id is ignored", async () => {
    const f = await setup({
      [INITIAL]: [page([cal("A")], { deltaLink: delta(1) }), page([cal("A"), cal("Z")], { deltaLink: delta(2) })],
    });
    await f.deliver([{ subscriptionId: "S1", lifecycleEvent: "subscriptionRemoved", clientState: f.clientState }]);
    for (let i = 0; i < 100 && f.notify.subscriptionId === "S1"; i++) await new Promise((r) => setImmediate(r));
    await f.settle();
    expect(f.subscriptionCalls.map((c) => c.method)).toEqual(["POST", "POST"]);
    expect(f.handshakes).toHaveLength(2);
    expect(f.notify.subscriptionId).toBe("S2");
    expect(f.graph.urls()).toEqual([INITIAL, INITIAL]);
    expect(await ids(f.store)).toEqual(["A", "Z"]);
    await f.deliver([{ subscriptionId: "S1", lifecycleEvent: "subscriptionRemoved", clientState: f.clientState }]);
    await f.settle();
    expect(f.subscriptionCalls).toHaveLength(2);
  });

  it("lifecycle reauthorizationRequired and the renewal timer: PATCH the subscription; stop DELETEs it", async () => {
    const f = await setup({ [INITIAL]: page([cal("A")], { deltaLink: delta(1) }) });
    await f.deliver([{ subscriptionId: "S1", lifecycleEvent: "reauthorizationRequired", clientState: f.clientState }]);
    for (let i = 0; i < 100 && f.subscriptionCalls.length < 2; i++) await new Promise((r) => setImmediate(r));
    expect(f.subscriptionCalls[1]).toMatchObject({ method: "PATCH", url: `${BASE}/subscriptions/S1` });
    f.timers.advance(48 * 60_000); // 80 % of the 60 minutes granted
    for (let i = 0; i < 100 && f.subscriptionCalls.length < 3; i++) await new Promise((r) => setImmediate(r));
    expect(f.subscriptionCalls.map((c) => c.method)).toEqual(["POST", "PATCH", "PATCH"]);
    const totals = await f.notify.stop();
    expect(f.subscriptionCalls.at(-1)).toMatchObject({ method: "DELETE", url: `${BASE}/subscriptions/S1` });
    expect(totals).toMatchObject({ rounds: 1, fullRounds: 1, notifications: 0, total: 1 });
    await expect(fetch(f.started.url, { method: "POST", body: "{}" })).rejects.toThrow(); // the receiver is closed
  });

  it("start: a subscription Graph refuses fails start and closes the receiver", async () => {
    const graph = fakeGraph({});
    let url = "";
    const notify = new NotifySync({
      baseUrl: BASE, store: new MemoryLocalStore(), token: "T", listenPort: 0, timers: ManualTimers.at(T0), retry: { maxRetries: 0 },
      onEvent: (e) => e.type === "listening" && (url = e.url),
      fetch: (async (input: string | URL | Request, init?: RequestInit) => (String(input).endsWith("/subscriptions")
        ? new Response(JSON.stringify({ error: { code: "ValidationError", message: "Subscription validation request failed." } }), { status: 400 })
        : graph.fetch(input, init))) as typeof globalThis.fetch,
    });
    await expect(notify.start()).rejects.toMatchObject({ status: 400, code: "ValidationError" });
    await expect(fetch(url, { method: "POST", body: "{}" })).rejects.toThrow();
  });
});
