import { describe, expect, it } from "vitest";
import { BASE, INITIAL, cal, delta, fakeGraph, graphError, page, removed, skip, type FakeResponse } from "../../test/support/fake-graph.js";
import { DeltaSync, type DeltaSyncOptions } from "./delta-sync.js";
import { MemoryLocalStore } from "./memory-local-store.js";
import { DeltaProtocolError, GraphRequestError } from "./sync-errors.js";
import type { SyncEvent } from "./sync-events.js";

const NOW = Date.parse("2026-03-01T10:00:00Z");

function setup(routes: Record<string, FakeResponse | FakeResponse[]>, options: Partial<DeltaSyncOptions> = {}) {
  const graph = fakeGraph(routes);
  const store = new MemoryLocalStore();
  const sleeps: number[] = [];
  const events: SyncEvent[] = [];
  const sync = new DeltaSync({
    baseUrl: BASE, store, token: "T", fetch: graph.fetch, now: () => NOW, random: () => 0.5,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    onEvent: (e) => events.push(e),
    ...options,
  });
  return { graph, store, sync, sleeps, events };
}

const ids = async (store: MemoryLocalStore) => (await store.listCalendars()).map((c) => c.id);

describe("DeltaSync", () => {
  it("initialUrl: a bare origin gets /beta for calendars (Graph's only calendars/delta) and /v1.0 for calendarView", () => {
    const store = new MemoryLocalStore();
    expect(new DeltaSync({ baseUrl: "http://127.0.0.1:8080/", store, token: "T" }).initialUrl).toBe("http://127.0.0.1:8080/beta/me/calendars/delta");
    expect(new DeltaSync({ baseUrl: "http://127.0.0.1:8080/v1.0", store, token: "T" }).initialUrl).toBe("http://127.0.0.1:8080/v1.0/me/calendars/delta");
    const view = new DeltaSync({ baseUrl: "https://graph.test", store, token: "T", resource: { kind: "calendarView", start: "2027-01-01T00:00:00Z", end: "2027-01-02T00:00:00Z" } });
    expect(view.initialUrl).toMatch(/^https:\/\/graph\.test\/v1\.0\/me\/calendarView\/delta\?/);
  });

  it("runRound: follows nextLinks (empty pages too) to the deltaLink, then resumes from it", async () => {
    const { graph, store, sync } = setup({
      [INITIAL]: page([cal("A"), cal("B")], { next: skip(1) }),
      [skip(1)]: page([], { next: skip(2) }),
      [skip(2)]: page([cal("C")], { deltaLink: delta(1) }),
      [delta(1)]: page([cal("B", { name: "renamed" }), removed("C")], { deltaLink: delta(2) }),
      [delta(2)]: page([], { deltaLink: delta(2) }),
    });
    const first = await sync.runRound();
    expect(first).toMatchObject({ round: 1, added: 3, updated: 0, removed: 0, total: 3, pages: 3, items: 3, full: true, deltaLink: delta(1) });
    const second = await sync.runRound();
    expect(second).toMatchObject({ round: 2, added: 0, updated: 1, removed: 1, total: 2, pages: 1, full: false, deltaLink: delta(2) });
    expect(await store.listCalendars()).toEqual([{ id: "A", name: "A" }, { id: "B", name: "renamed" }]);
    expect(await sync.runRound()).toMatchObject({ added: 0, updated: 0, removed: 0, total: 2 });
    expect(graph.urls()).toEqual([INITIAL, skip(1), skip(2), delta(1), delta(2)]);
  });

  it("runRound: resends Prefer on every page, sends $select only on the initial request", async () => {
    const initial = `${INITIAL}?$select=name,color`;
    const { graph, sync } = setup({
      [initial]: page([cal("A")], { next: skip(1) }),
      [skip(1)]: page([], { deltaLink: delta(1) }),
    }, { pageSize: 25, select: ["name", "color"] });
    await sync.runRound();
    expect(graph.requests.map((r) => [r.url, r.headers.prefer, r.headers.authorization])).toEqual([
      [initial, "odata.maxpagesize=25", "Bearer T"],
      [skip(1), "odata.maxpagesize=25", "Bearer T"],
    ]);
  });

  it("runRound: userId addresses /users/{id} with the id escaped", async () => {
    const url = `${BASE}/users/adele%40contoso.com/calendars/delta`;
    const { sync } = setup({ [url]: page([cal("A")], { deltaLink: `${url}?$deltatoken=1` }) }, { userId: "adele@contoso.com" });
    expect(await sync.runRound()).toMatchObject({ added: 1 });
  });

  it("runRound: a failure mid-round leaves the store at the previous round", async () => {
    const { store, sync } = setup({
      [INITIAL]: page([cal("A")], { deltaLink: delta(1) }),
      [delta(1)]: [page([removed("A"), cal("B")], { next: skip(1) }), page([removed("A"), cal("B")], { next: skip(2) })],
      [skip(1)]: graphError(403, "ErrorAccessDenied"),
      [skip(2)]: page([], { deltaLink: delta(2) }),
    });
    await sync.runRound();
    await expect(sync.runRound()).rejects.toMatchObject({ name: "GraphRequestError", status: 403, code: "ErrorAccessDenied" });
    expect(await ids(store)).toEqual(["A"]);
    expect((await store.readState())?.deltaLink).toBe(delta(1));
    // The next run starts again from the last committed deltaLink.
    expect(await sync.runRound()).toMatchObject({ added: 1, removed: 1, deltaLink: delta(2) });
    expect(await ids(store)).toEqual(["B"]);
  });

  it("runRound: duplicates and replays within a round — the last occurrence wins", async () => {
    const { store, sync } = setup({
      [INITIAL]: page([cal("A", { color: "auto" }), cal("B")], { next: skip(1) }),
      [skip(1)]: page([cal("A", { color: "lightRed" }), cal("B"), cal("A", { color: "lightBlue" })], { deltaLink: delta(1) }),
    });
    expect(await sync.runRound()).toMatchObject({ added: 2, items: 5, total: 2 });
    expect(await store.listCalendars()).toEqual([{ id: "A", name: "A", color: "lightBlue" }, { id: "B", name: "B" }]);
  });

  it("runRound: 410 SyncStateNotFound mid-round restarts from the initial URL and reconciles", async () => {
    const { store, sync, events } = setup({
      [INITIAL]: [page([cal("A"), cal("B"), cal("C")], { deltaLink: delta(1) }), page([cal("A"), cal("D")], { next: skip(9) })],
      [delta(1)]: page([cal("E")], { next: skip(1) }),
      [skip(1)]: graphError(410, "SyncStateNotFound"),
      [skip(9)]: page([cal("B", { name: "b2" })], { deltaLink: delta(2) }),
    });
    await sync.runRound();
    const summary = await sync.runRound();
    expect(summary).toMatchObject({ full: true, resyncs: 1, added: 1, updated: 1, removed: 1, total: 3, deltaLink: delta(2) });
    expect(await store.listCalendars()).toEqual([{ id: "A", name: "A" }, { id: "B", name: "b2" }, { id: "D", name: "D" }]);
    expect(events.filter((e) => e.type === "resync")).toEqual([{ type: "resync", round: 2, code: "SyncStateNotFound", location: undefined }]);
  });

  it("runRound: 410 ResyncRequired honours Location (relative or absolute)", async () => {
    const fresh = `${INITIAL}?fresh=1`;
    const { graph, store, sync } = setup({
      [INITIAL]: page([cal("A"), cal("B")], { deltaLink: delta(1) }),
      [delta(1)]: graphError(410, "resyncRequired", { location: "/beta/me/calendars/delta?fresh=1" }),
      [fresh]: page([cal("B")], { deltaLink: delta(2) }),
    });
    await sync.runRound();
    expect(await sync.runRound()).toMatchObject({ removed: 1, total: 1, resyncs: 1 });
    expect(graph.urls()).toEqual([INITIAL, delta(1), fresh]);
    expect(await ids(store)).toEqual(["B"]);
  });

  it("runRound: gives up after repeated resyncs", async () => {
    const { sync } = setup({ [INITIAL]: graphError(410, "SyncStateInvalid") }, { maxResyncs: 2 });
    await expect(sync.runRound()).rejects.toMatchObject({ name: "SyncStateLostError", code: "SyncStateInvalid" });
  });

  it("runRound: waits as told by Retry-After (seconds, fractions, HTTP date), else backs off", async () => {
    const { sleeps, sync, events } = setup({
      [INITIAL]: [
        graphError(429, "TooManyRequests", { "retry-after": "2" }),
        graphError(429, "TooManyRequests", { "retry-after": "0.25" }),
        graphError(503, "ServiceUnavailable", { "retry-after": new Date(NOW + 7000).toUTCString() }),
        graphError(504, "GatewayTimeout"),
        { drop: true },
        page([cal("A")], { deltaLink: delta(1) }),
      ],
    }, { retry: { baseDelayMs: 100 } });
    expect(await sync.runRound()).toMatchObject({ added: 1 });
    // attempt 4 (no Retry-After): step 800 ms, jitter 0.5 → 600; attempt 5: 1600 → 1200.
    expect(sleeps).toEqual([2000, 250, 7000, 600, 1200]);
    expect(events.filter((e) => e.type === "retry").map((e) => (e as { reason: string }).reason)).toEqual(["429", "429", "503", "504", "network: ECONNRESET"]);
  });

  it("runRound: a 429 that outlasts the retries fails the round with the server's error", async () => {
    const { sync, sleeps } = setup({ [INITIAL]: graphError(429, "ApplicationThrottled", { "retry-after": "1" }) }, { retry: { maxRetries: 2 } });
    await expect(sync.runRound()).rejects.toMatchObject({ status: 429, code: "ApplicationThrottled" });
    expect(sleeps).toEqual([1000, 1000]);
  });

  it("runRound: after a 401 asks the token source once more, forcing a refresh", async () => {
    const calls: boolean[] = [];
    const { graph, sync } = setup({
      [INITIAL]: [graphError(401, "InvalidAuthenticationToken"), page([cal("A")], { deltaLink: delta(1) })],
      [delta(1)]: graphError(401, "InvalidAuthenticationToken"),
    }, {
      token: ({ forceRefresh }) => {
        calls.push(forceRefresh);
        return `T${calls.length}`;
      },
    });
    expect(await sync.runRound()).toMatchObject({ added: 1 });
    expect(graph.requests.map((r) => r.headers.authorization)).toEqual(["Bearer T1", "Bearer T2"]);
    await expect(sync.runRound()).rejects.toBeInstanceOf(GraphRequestError);
    expect(calls).toEqual([false, true, false, true]);
  });

  it("runRound: refuses to follow a link to another origin (it would leak the token)", async () => {
    const { graph, sync } = setup({ [INITIAL]: page([cal("A")], { next: "https://evil.example/beta/me/calendars/delta?$skiptoken=x" }) });
    await expect(sync.runRound()).rejects.toBeInstanceOf(DeltaProtocolError);
    expect(graph.urls()).toEqual([INITIAL]);
  });

  it("runRound: rejects pages that are not delta pages", async () => {
    const { sync } = setup({ [INITIAL]: { body: { value: [] } } });
    await expect(sync.runRound()).rejects.toThrow(/neither @odata.nextLink nor @odata.deltaLink/);
  });

  it("runRound: a store synced from another mailbox starts over with a full round", async () => {
    const other = `${BASE}/users/x/calendars/delta`;
    const store = new MemoryLocalStore();
    await store.commit({ upserts: [{ id: "X" }], removals: [], state: { deltaLink: `${other}?$deltatoken=1`, source: other } });
    const { sync, events } = setup({ [INITIAL]: page([cal("A")], { deltaLink: delta(1) }) }, { store });
    expect(await sync.runRound()).toMatchObject({ full: true, added: 1, removed: 1, total: 1 });
    expect(events[0]).toMatchObject({ type: "round-start", reason: "source-changed" });
  });

  it("runRound: full restarts from the initial URL although a deltaLink is stored, and reconciles", async () => {
    const { graph, store, sync, events } = setup({
      [INITIAL]: [page([cal("A"), cal("B")], { deltaLink: delta(1) }), page([cal("B", { name: "kept" })], { deltaLink: delta(2) })],
    });
    await sync.runRound();
    const resync = await sync.runRound({ full: true });
    expect(resync).toMatchObject({ full: true, removed: 1, total: 1, deltaLink: delta(2) });
    expect(await store.listCalendars()).toEqual([{ id: "B", name: "kept" }]);
    expect(graph.urls()).toEqual([INITIAL, INITIAL]);
    expect(events.filter((e) => e.type === "round-start").map((e) => e.type === "round-start" && e.reason)).toEqual(["initial", "requested"]);
  });

  it("runRound: an aborted round commits nothing", async () => {
    const controller = new AbortController();
    const { store, sync } = setup({
      [INITIAL]: page([cal("A")], { next: skip(1) }),
      [skip(1)]: page([cal("B")], { deltaLink: delta(1) }),
    }, { onEvent: (e) => e.type === "page" && controller.abort(new Error("stop")) });
    await expect(sync.runRound({ signal: controller.signal })).rejects.toThrow("stop");
    expect(await store.readState()).toBeUndefined();
    expect(await store.count()).toBe(0);
  });

  it("watch: runs rounds until aborted, survives a failed round, and sums them up", async () => {
    const controller = new AbortController();
    let rounds = 0;
    const failed: unknown[] = [];
    const { sync } = setup({
      [INITIAL]: page([cal("A"), cal("B")], { deltaLink: delta(1) }),
      [delta(1)]: [graphError(503, "ServiceUnavailable"), page([removed("A")], { deltaLink: delta(2) })],
      [delta(2)]: page([cal("C")], { deltaLink: delta(3) }),
    }, {
      retry: { maxRetries: 0 },
      onEvent: (e) => {
        if (e.type === "round-failed") failed.push(e.error);
        if (e.type === "round-end" && ++rounds === 3) controller.abort();
      },
    });
    const totals = await sync.watch({ intervalMs: 10, signal: controller.signal });
    expect(totals).toEqual({ rounds: 3, added: 3, updated: 0, removed: 1, total: 2, deltaLink: delta(3) });
    expect(failed).toMatchObject([{ status: 503 }]);
  });

  it("watch: stops on a permanent error", async () => {
    const { sync } = setup({ [INITIAL]: graphError(403, "ErrorAccessDenied") });
    await expect(sync.watch({ intervalMs: 10, signal: new AbortController().signal })).rejects.toMatchObject({ status: 403 });
  });
});
