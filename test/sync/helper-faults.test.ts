import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { DeltaSync, MemoryLocalStore, type SyncEvent } from "../../src/client/index.js";
import { startGraphcal, type Graphcal } from "../../src/testing/index.js";
import { comparable } from "../support/calendar-fixtures.js";

// graphcal's sync client against a server driven by graphcal/testing alone: faults from the
// helper's rules (429 → wait → retry, 503, a connection dropped mid-page), 410 after the helper
// moves the clock past retention, and a resync after the helper expires the mailbox's tokens.
// Waits go through the client's injected sleeper, so they are asserted exactly and nobody sleeps.

const USER = "adelev@contoso.com";
let gc: Graphcal;

beforeAll(async () => {
  gc = await startGraphcal({ clock: "manual", startAt: "2026-11-25T12:00:00Z" });
});
afterAll(() => gc.close());
beforeEach(() => gc.reset());

async function graph(method: string, path: string, body?: unknown): Promise<any> {
  const res = await fetch(`${gc.betaUrl}${path}`, {
    method, headers: { authorization: `Bearer ${await gc.token({ app: true })}`, ...(body !== undefined && { "content-type": "application/json" }) },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  expect(res.status, `${method} ${path}`).toBeLessThan(300);
  return res.status === 204 ? undefined : res.json();
}

const createCalendars = async (n: number, tag: string) => {
  for (let i = 0; i < n; i++) await graph("POST", `/users/${USER}/calendars`, { name: `${tag}-${i}` });
};

function client() {
  const sleeps: number[] = [];
  const events: SyncEvent[] = [];
  const sync = new DeltaSync({
    baseUrl: gc.betaUrl, userId: USER, store: new MemoryLocalStore(), pageSize: 3,
    // Minted on the server's clock each time it is asked: still valid after the clock moves.
    token: () => gc.token({ app: true }),
    now: () => gc.clock.now().getTime(), random: () => 0.5,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    onEvent: (e) => events.push(e),
  });
  return { sync, sleeps, events };
}

async function expectInStep(sync: DeltaSync) {
  const server = (await graph("GET", `/users/${USER}/calendars?$top=1000`)).value;
  expect(await (await sync.store()).listCalendars()).toEqual(comparable(server));
}

describe("sync client against graphcal/testing", () => {
  it("helper faults: 429 waits Retry-After, 503 waits its Retry-After, a page cut mid-body is retried after backoff", async () => {
    await createCalendars(8, "c"); // 10 calendars with the defaults: 4 pages of 3
    const path = "/users/*/calendars/delta";
    // A rule counts only the requests that reach it (earlier rules did not fire), hence the nths.
    await gc.faults.add([
      { id: "throttle", path, status: 429, retryAfter: 3, nth: 1 },
      { id: "unavailable", path, status: 503, retryAfter: 0.5, nth: 2 },
      { id: "cut", path, drop: true, nth: 3 },
    ]);
    const { sync, sleeps, events } = client();
    expect(await sync.runRound()).toMatchObject({ added: 10, total: 10, pages: 4, resyncs: 0 });
    // Retry-After as sent (3 s, 0.5 s); the dropped page has none: backoff 1 s with jitter 0.5 → 750 ms.
    expect(sleeps).toEqual([3000, 500, 750]);
    expect(events.filter((e) => e.type === "retry").map((e) => (e as { reason: string }).reason)).toEqual(["429", "503", expect.stringMatching(/^network: /)]);
    expect((await gc.faults.list()).map((r) => [r.id, r.hits])).toEqual([["throttle", 1], ["unavailable", 1], ["cut", 1]]);
    const log = await gc.requests();
    expect(log.filter((r) => r.rule).map((r) => [r.rule, r.status])).toEqual([["throttle", 429], ["unavailable", 503], ["cut", 200]]);
    await expectInStep(sync);
  });

  it("helper clock: past retention the deltaLink answers 410 SyncStateNotFound; the client resyncs from the initial URL", async () => {
    await createCalendars(4, "c");
    const { sync, sleeps, events } = client();
    await sync.runRound();
    await createCalendars(2, "later");
    await graph("DELETE", `/users/${USER}/calendars/${(await (await sync.store()).listCalendars()).find((c) => c.name === "c-0")!.id}`);
    await gc.clock.advance("P31D");
    expect(await sync.runRound()).toMatchObject({ full: true, resyncs: 1, added: 2, removed: 1 });
    expect(events.filter((e) => e.type === "resync")).toMatchObject([{ code: "SyncStateNotFound" }]);
    expect(sleeps).toEqual([]);
    expect(gc.clock.now().toISOString()).toBe("2026-12-26T12:00:00.000Z");
    await expectInStep(sync);
    expect(await sync.runRound()).toMatchObject({ full: false, added: 0, updated: 0, removed: 0 });
  });

  it("helper token expiry: expiring the mailbox's links (or one deltaLink) makes the next round a full resync", async () => {
    await createCalendars(3, "c");
    const { sync, events } = client();
    const first = await sync.runRound();
    await createCalendars(1, "after");
    await gc.deltaTokens.expire({ mailbox: USER });
    expect(await sync.runRound()).toMatchObject({ full: true, resyncs: 1, added: 1 });
    await expectInStep(sync);

    const { deltaLink } = await sync.runRound();
    expect(deltaLink).not.toBe(first.deltaLink);
    await gc.deltaTokens.expire({ deltaLink });
    expect(await sync.runRound()).toMatchObject({ full: true, resyncs: 1, added: 0, removed: 0 });
    expect(events.filter((e) => e.type === "resync").map((e) => (e as { code: string }).code)).toEqual(["SyncStateNotFound", "SyncStateNotFound"]);
    await expectInStep(sync);
  });
});
