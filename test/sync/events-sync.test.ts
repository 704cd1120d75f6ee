import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { DeltaSync, hydrateEvents, openSqliteLocalStore, type LocalStore, type SyncEvent } from "../../src/client/index.js";
import { graphErrorBody, type Fault, type FaultProxy, type ProxiedRequest } from "../support/fault-proxy.js";
import { tempDataDir, type TestServer } from "../support/harness.js";
import { useProxiedServer } from "../support/proxied-server.js";
import { editPattern, expectInStep, FROM, seedEvents, TO, writeBurst, type EventsMailbox } from "./events-sync-support.js";

// The sync library in events mode (calendarView/delta of a window) against the real server over
// real sockets, through the fault proxy: after every round the local store, read as a calendar
// view (occurrences hydrated from their master), equals the server's calendarView.

const NOW = Date.parse("2026-11-25T12:00:00Z");

let t: TestServer;
let proxy: FaultProxy;
let appToken: string;
const dir = tempDataDir();

useProxiedServer(dir, (s) => ({ t, proxy, token: appToken } = s));

interface Fixture {
  m: EventsMailbox;
  store: LocalStore;
  sync: DeltaSync;
  sleeps: number[];
  events: SyncEvent[];
  deltaRequests: () => ProxiedRequest[];
}

async function fixture(pageSize: number): Promise<Fixture> {
  const m = await seedEvents(t);
  const store = await openSqliteLocalStore(join(dir, `${m.mailbox.id}.db`));
  const sleeps: number[] = [];
  const events: SyncEvent[] = [];
  const sync = new DeltaSync({
    baseUrl: `${proxy.origin}/beta`, userId: m.mailbox.userPrincipalName, store, token: appToken, pageSize,
    resource: { kind: "calendarView", start: FROM, end: new Date(TO) },
    now: () => NOW, random: () => 0.5,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    onEvent: (e) => events.push(e),
  });
  const mine = (r: ProxiedRequest) => r.url.includes(encodeURIComponent(m.mailbox.userPrincipalName)) && r.url.includes("/calendarView/delta");
  return { m, store, sync, sleeps, events, deltaRequests: () => proxy.requests.filter(mine) };
}

function planFor(f: Fixture, faults: Record<number, Fault>) {
  const start = f.deltaRequests().length;
  proxy.setPlan((r) => {
    if (!r.url.includes(encodeURIComponent(f.m.mailbox.userPrincipalName))) return undefined;
    return faults[f.deltaRequests().length - 1 - start];
  });
}

describe("events sync", () => {
  it("events: the initial URL is the window's calendarView/delta, of a calendar when given", () => {
    const base = { baseUrl: "https://graph.microsoft.com/beta", store: "x.db", token: "t" };
    expect(new DeltaSync({ ...base, resource: { kind: "calendarView", start: new Date(FROM), end: TO } }).initialUrl)
      .toBe("https://graph.microsoft.com/beta/me/calendarView/delta?startDateTime=2026-03-01T00%3A00%3A00Z&endDateTime=2026-04-01T00%3A00%3A00Z");
    expect(new DeltaSync({ ...base, userId: "a@b.c", resource: { kind: "calendarView", start: FROM, end: TO, calendarId: "AA/=" } }).initialUrl)
      .toMatch(/\/beta\/users\/a%40b\.c\/calendars\/AA%2F%3D\/calendarView\/delta\?startDateTime=/);
    expect(() => new DeltaSync({ ...base, resource: { kind: "calendarView", start: TO, end: FROM } })).toThrow(/before/);
    expect(() => new DeltaSync({ ...base, resource: { kind: "calendarView", start: "soon", end: TO } })).toThrow(/not a date/);
  });

  it("events: rounds with writes in between (creates, edits, moves in and out, deletes, pattern edits) each end equal to calendarView", async () => {
    const f = await fixture(4);
    const first = await f.sync.runRound();
    expect(first).toMatchObject({ full: true, removed: 0 });
    expect(first.pages).toBeGreaterThan(1);
    await expectInStep(t, f.m, f.store);
    // Occurrences are stored as skeletons and the master in full, once.
    const stored = await f.store.listEvents();
    const skeleton = stored.find((e) => e.id === f.m.ids["occ-03-13"]);
    expect(Object.keys(skeleton!).sort()).toEqual(["end", "id", "seriesMasterId", "start", "type"]);
    expect(stored.find((e) => e.id === f.m.ids.master)).toMatchObject({ type: "seriesMaster", subject: "Standup" });
    expect(stored.some((e) => e.id === f.m.ids["occ-03-12"])).toBe(false); // the cancellation

    await writeBurst(t, f.m, "r2");
    expect(await f.sync.runRound()).toMatchObject({ full: false });
    await expectInStep(t, f.m, f.store);

    await editPattern(t, f.m, "Daily sync", 8); // 2 more occurrences, a subject they all inherit
    await writeBurst(t, f.m, "r3");
    const third = await f.sync.runRound();
    expect(third.added).toBeGreaterThanOrEqual(3);
    await expectInStep(t, f.m, f.store);

    await editPattern(t, f.m, "Short series", 3); // occurrences vanish
    const fourth = await f.sync.runRound();
    expect(fourth.removed).toBeGreaterThanOrEqual(1);
    await expectInStep(t, f.m, f.store);

    // The exception moves out of the window, then the whole series goes: its occurrences with it.
    const patch = (id: string, body: unknown) => t.request("PATCH", `/v1.0/me/events/${id}`, { token: f.m.token, body });
    expect((await patch(f.m.ids["occ-03-11"]!, { start: { dateTime: "2026-04-11T10:00:00", timeZone: "UTC" }, end: { dateTime: "2026-04-11T11:00:00", timeZone: "UTC" } })).status).toBe(200);
    await f.sync.runRound();
    await expectInStep(t, f.m, f.store);
    expect((await t.request("DELETE", `/v1.0/me/events/${f.m.ids.master}`, { token: f.m.token })).status).toBe(204);
    await f.sync.runRound();
    await expectInStep(t, f.m, f.store);
    expect((await f.store.listEvents()).filter((e) => e.seriesMasterId === f.m.ids.master || e.id === f.m.ids.master)).toEqual([]);

    // Nothing changed: nothing to do. The calendars state of the same file is untouched.
    expect(await f.sync.runRound()).toMatchObject({ added: 0, updated: 0, removed: 0 });
    expect(await f.store.readState()).toBeUndefined();
    expect((await f.store.readState("events"))?.source).toContain("/calendarView/delta?startDateTime=");
    await f.store.close();
  });

  it("events: 429, 503, dropped connections mid-round — ends equal, waits as told", async () => {
    const f = await fixture(3);
    planFor(f, {
      0: { kind: "status", status: 429, headers: { "retry-after": "2" }, body: graphErrorBody("TooManyRequests") },
      2: { kind: "status", status: 503, body: graphErrorBody("ServiceUnavailable") },
      3: { kind: "drop" },
      5: { kind: "drop-mid-body" },
    });
    await f.sync.runRound();
    expect(f.sleeps).toEqual([2000, 750, 1500, 750]);
    await expectInStep(t, f.m, f.store);

    await writeBurst(t, f.m, "f2");
    await editPattern(t, f.m, "Renamed", 7);
    planFor(f, { 0: { kind: "drop" }, 1: { kind: "status", status: 503, headers: { "retry-after": "1" } }, 2: { kind: "drop-mid-body" } });
    f.sleeps.length = 0;
    await f.sync.runRound();
    // All three on the first page: backoff 1 s step (750), Retry-After, then the third retry's 4 s step (3000).
    expect(f.sleeps).toEqual([750, 1000, 3000]);
    await expectInStep(t, f.m, f.store);
    expect(new Set(f.deltaRequests().map((r) => r.headers.prefer))).toEqual(new Set(["odata.maxpagesize=3"]));
    proxy.setPlan(undefined);
    await f.store.close();
  });

  it("events: 410 mid-round — a full round from the initial URL reconciles what the server deleted", async () => {
    const f = await fixture(3);
    await f.sync.runRound();
    await writeBurst(t, f.m, "g2");
    planFor(f, { 1: { kind: "status", status: 410, body: graphErrorBody("SyncStateNotFound", "The sync state generation is not found.") } });
    const summary = await f.sync.runRound();
    expect(summary).toMatchObject({ full: true, resyncs: 1 });
    expect(summary.removed).toBeGreaterThanOrEqual(2); // s2 moved out, s3 deleted: found by reconciliation
    const urls = f.deltaRequests().slice(-summary.pages - 2).map((r) => new URL(r.url, proxy.origin));
    expect(urls[0]!.searchParams.has("$deltatoken")).toBe(true);
    expect(urls[2]!.searchParams.get("startDateTime")).toBe(FROM); // back to the initial URL
    expect(f.events.filter((e) => e.type === "resync")).toMatchObject([{ code: "SyncStateNotFound" }]);
    await expectInStep(t, f.m, f.store);
    proxy.setPlan(undefined);
    expect(await f.sync.runRound()).toMatchObject({ full: false, added: 0, updated: 0, removed: 0 });
    await f.store.close();
  });

  it("events: the server's own resetSync mid-round (a real 410) — the client starts over and converges", async () => {
    const f = await fixture(3);
    await f.sync.runRound();
    await writeBurst(t, f.m, "h2");
    const admin = await t.appToken(["Graphcal.Admin"]);
    proxy.setPlan(async (r) => {
      if (r.url.includes(encodeURIComponent(f.m.mailbox.userPrincipalName)) && r.url.includes("$skiptoken") && !f.events.some((e) => e.type === "resync")) {
        const res = await t.request("POST", `/_graphcal/mailboxes/${f.m.mailbox.id}/resetSync`, { token: admin });
        expect(res.status).toBeLessThan(300);
      }
      return undefined;
    });
    const summary = await f.sync.runRound();
    proxy.setPlan(undefined);
    expect(summary).toMatchObject({ full: true, resyncs: 1 });
    const resync = f.events.find((e) => e.type === "resync") as { code: string; location: string | undefined };
    expect(resync.code).toBe("ResyncRequired");
    // Graph parity mode: no Location (a graphcal extension); the client restarts its own window.
    expect(resync.location).toBeUndefined();
    await expectInStep(t, f.m, f.store);
    await f.store.close();
  });

  it("events: duplicates within pages and replays of earlier pages — the last occurrence wins", async () => {
    const f = await fixture(3);
    await f.sync.runRound();
    await writeBurst(t, f.m, "d2");
    await editPattern(t, f.m, "Replayed", 7);
    // Every page repeats the page before it and carries each of its events twice, an outdated
    // copy first (full items get another subject, skeletons another start).
    let previous: unknown[] = [];
    proxy.setPlan((r) => (!r.url.includes(encodeURIComponent(f.m.mailbox.userPrincipalName)) ? undefined : {
      kind: "rewrite",
      rewrite: (body) => {
        const outdated = body.value.map((e: any) => (e["@removed"] ? e : e.type === "occurrence"
          ? { ...e, start: { dateTime: "2026-03-31T00:00:00.0000000", timeZone: "UTC" } }
          : { ...e, subject: "outdated", extra: true }));
        const value = [...previous, ...outdated, ...body.value];
        previous = body.value;
        return { ...body, value };
      },
    }));
    const summary = await f.sync.runRound();
    proxy.setPlan(undefined);
    expect(summary.items).toBeGreaterThan(2 * (summary.added + summary.updated + summary.removed));
    await expectInStep(t, f.m, f.store);
    expect((await f.store.listEvents()).some((e) => e.extra !== undefined)).toBe(false); // replaced, not merged
    await f.store.close();
  });

  it("events: another window on the same store is a full round that replaces the local events; calendars stay", async () => {
    const f = await fixture(5);
    await f.sync.runRound();
    await f.store.commit({ upserts: [{ id: "cal", name: "kept" }], removals: [], state: { deltaLink: "https://x/beta/me/calendars/delta?$deltatoken=1", source: "https://x/beta/me/calendars/delta" } });
    const events: SyncEvent[] = [];
    const narrow = new DeltaSync({
      baseUrl: `${proxy.origin}/beta`, userId: f.m.mailbox.userPrincipalName, store: f.store, token: appToken, pageSize: 5,
      resource: { kind: "calendarView", start: "2026-03-10T00:00:00Z", end: "2026-03-14T00:00:00Z" }, onEvent: (e) => events.push(e),
    });
    const summary = await narrow.runRound();
    expect(events[0]).toMatchObject({ type: "round-start", full: true, reason: "source-changed" });
    expect(summary.removed).toBeGreaterThanOrEqual(4); // the singles of 03-02…03-05
    const res = await t.request("GET", "/v1.0/me/calendarView?startDateTime=2026-03-10T00:00:00Z&endDateTime=2026-03-14T00:00:00Z", { token: f.m.token });
    expect(hydrateEvents(await f.store.listEvents()).map((e) => e.id).sort()).toEqual(res.body.value.map((e: any) => e.id).sort());
    expect(await f.store.listCalendars()).toEqual([{ id: "cal", name: "kept" }]);
    await f.store.close();
  });

  it("events: a 401 mid-round makes the client ask for a fresh token once", async () => {
    const f = await fixture(3);
    const asked: boolean[] = [];
    const sync = new DeltaSync({
      baseUrl: `${proxy.origin}/beta`, userId: f.m.mailbox.userPrincipalName, store: f.store, pageSize: 3,
      resource: { kind: "calendarView", start: FROM, end: TO }, sleep: async () => {},
      token: ({ forceRefresh }) => {
        asked.push(forceRefresh);
        return appToken;
      },
    });
    planFor(f, { 1: { kind: "status", status: 401, body: graphErrorBody("InvalidAuthenticationToken") } });
    await sync.runRound();
    expect(asked.filter(Boolean)).toHaveLength(1);
    await expectInStep(t, f.m, f.store);
    proxy.setPlan(undefined);
    await f.store.close();
  });
});
