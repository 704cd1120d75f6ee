import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { DeltaSync, openSqliteLocalStore, type SyncEvent, type LocalStore, type AccessTokenInput } from "../../src/client/index.js";
import type { Mailbox } from "../../src/domain/index.js";
import { createCalendars, mutate, serverCalendars } from "../support/calendar-fixtures.js";
import { graphErrorBody, type Fault, type FaultProxy, type ProxiedRequest } from "../support/fault-proxy.js";
import { tempDataDir, type TestServer } from "../support/harness.js";
import { useProxiedServer } from "../support/proxied-server.js";

// The sync library against the real server over real sockets, through a proxy that throttles,
// fails and drops connections, and loses the sync state in the middle of a round. Whatever
// happens, the local store ends equal to the server, and the client waits as it was told.

const NOW = Date.parse("2026-11-25T12:00:00Z"); // a whole second: HTTP dates have no fractions

let t: TestServer;
let proxy: FaultProxy;
let token: string;
const dir = tempDataDir();

useProxiedServer(dir, (s) => ({ t, proxy, token } = s));

interface Fixture {
  mailbox: Mailbox;
  ids: string[];
  store: LocalStore;
  sync: DeltaSync;
  sleeps: number[];
  events: SyncEvent[];
  /** Delta requests this mailbox sent through the proxy. */
  deltaRequests: () => ProxiedRequest[];
}

async function fixture(calendars: number, pageSize: number, tokenSource: AccessTokenInput = token): Promise<Fixture> {
  const mailbox = await t.newMailbox();
  const ids = await createCalendars(t, mailbox, calendars, "start");
  const store = await openSqliteLocalStore(join(dir, `${mailbox.id}.db`));
  const sleeps: number[] = [];
  const events: SyncEvent[] = [];
  const sync = new DeltaSync({
    baseUrl: `${proxy.origin}/beta`, userId: mailbox.userPrincipalName, store, token: tokenSource, pageSize,
    now: () => NOW, random: () => 0.5,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    onEvent: (e) => events.push(e),
  });
  const mine = (r: ProxiedRequest) => r.url.includes(encodeURIComponent(mailbox.userPrincipalName)) && r.url.includes("/calendars/delta");
  return { mailbox, ids, store, sync, sleeps, events, deltaRequests: () => proxy.requests.filter(mine) };
}

/** Injects `faults[n]` into the n-th delta request of `f` from now on. */
function planFor(f: Fixture, faults: Record<number, Fault>) {
  const start = f.deltaRequests().length;
  proxy.setPlan((r) => {
    if (!r.url.includes(encodeURIComponent(f.mailbox.userPrincipalName))) return undefined;
    return faults[f.deltaRequests().length - 1 - start];
  });
}

async function expectInStep(f: Fixture) {
  expect(await f.store.listCalendars()).toEqual(await serverCalendars(t, f.mailbox, token));
}

describe("sync through faults", () => {
  it("faults: 429 with Retry-After, 503 and dropped connections — ends equal, waits as told", async () => {
    const f = await fixture(25, 4);
    const retryDate = new Date(NOW + 4000).toUTCString();
    planFor(f, {
      0: { kind: "status", status: 429, headers: { "retry-after": "3" }, body: graphErrorBody("TooManyRequests", "Please retry again later.") },
      2: { kind: "status", status: 503, headers: { "retry-after": "0.5" }, body: graphErrorBody("ServiceUnavailable") },
      4: { kind: "drop" },
      6: { kind: "drop-mid-body" },
      8: { kind: "status", status: 429, headers: { "retry-after": retryDate }, body: graphErrorBody("ApplicationThrottled", "Application is over its MailboxConcurrency limit.") },
      9: { kind: "status", status: 504, body: graphErrorBody("GatewayTimeout") },
    });
    const first = await f.sync.runRound();
    // Retry-After as given (seconds, fraction, date); without one, backoff with jitter 0.5: a
    // first retry waits 750 ms (1 s step), the 504 is the second retry of its page (2 s → 1500).
    expect(f.sleeps).toEqual([3000, 500, 750, 750, 4000, 1500]);
    expect(first).toMatchObject({ added: 27, removed: 0, total: 27, resyncs: 0 });
    await expectInStep(f);

    await mutate(t, f.mailbox, { ids: f.ids, update: 5, remove: 6, create: 7, tag: "b1" });
    planFor(f, { 0: { kind: "drop" }, 1: { kind: "status", status: 429, headers: { "retry-after": "1.25" } }, 3: { kind: "drop-mid-body" } });
    f.sleeps.length = 0;
    expect(await f.sync.runRound()).toMatchObject({ added: 7, updated: 5, removed: 6, total: 28 });
    expect(f.sleeps).toEqual([750, 1250, 750]);
    await expectInStep(f);
    // Every page asked for the page size again (Graph does not remember it).
    expect(new Set(f.deltaRequests().map((r) => r.headers.prefer))).toEqual(new Set(["odata.maxpagesize=4"]));
    proxy.setPlan(undefined);
    await f.store.close();
  });

  it("faults: a 401 mid-round makes the client ask for a fresh token once, then carry on", async () => {
    const asked: boolean[] = [];
    const f = await fixture(8, 3, ({ forceRefresh }) => {
      asked.push(forceRefresh);
      return token;
    });
    planFor(f, { 1: { kind: "status", status: 401, body: graphErrorBody("InvalidAuthenticationToken", "Lifetime validation failed, the token is expired.") } });
    expect(await f.sync.runRound()).toMatchObject({ added: 10, total: 10 });
    expect(asked.filter(Boolean)).toHaveLength(1);
    await expectInStep(f);
    proxy.setPlan(undefined);
    await f.store.close();
  });

  it("faults: 410 SyncStateNotFound mid-round — full resync from the initial URL removes what the server deleted", async () => {
    const f = await fixture(12, 3);
    await f.sync.runRound();
    const kept = await mutate(t, f.mailbox, { ids: f.ids, update: 4, remove: 5, create: 3, tag: "b2" });
    planFor(f, { 1: { kind: "status", status: 410, body: graphErrorBody("SyncStateNotFound", "The sync state generation is not found; generation=3;") } });
    const summary = await f.sync.runRound();
    // The fresh round carries no @removed: the 5 deletions are found by reconciliation.
    expect(summary).toMatchObject({ full: true, resyncs: 1, added: 3, updated: 4, removed: 5, total: kept.length + 2 });
    const urls = f.deltaRequests().slice(-summary.pages - 2).map((r) => new URL(r.url, proxy.origin));
    expect(urls[0]!.searchParams.has("$deltatoken")).toBe(true);
    expect(urls[1]!.searchParams.has("$skiptoken")).toBe(true);
    expect(urls[2]!.search).toBe(""); // back to the initial URL
    expect(f.events.filter((e) => e.type === "resync")).toMatchObject([{ code: "SyncStateNotFound", location: undefined }]);
    await expectInStep(f);
    proxy.setPlan(undefined);
    expect(await f.sync.runRound()).toMatchObject({ full: false, added: 0, updated: 0, removed: 0 });
    await f.store.close();
  });

  it("faults: 410 ResyncRequired with Location mid-round — the client starts over where it is told", async () => {
    const f = await fixture(10, 3);
    await f.sync.runRound();
    await mutate(t, f.mailbox, { ids: f.ids, update: 3, remove: 4, create: 2, tag: "b3" });
    const location = `${proxy.origin}/beta/users/${encodeURIComponent(f.mailbox.userPrincipalName)}/calendars/delta?from=location`;
    planFor(f, { 1: { kind: "status", status: 410, headers: { location }, body: graphErrorBody("ResyncRequired") } });
    expect(await f.sync.runRound()).toMatchObject({ full: true, resyncs: 1, removed: 4 });
    expect(f.deltaRequests().some((r) => r.url.endsWith("?from=location"))).toBe(true);
    expect(f.events.filter((e) => e.type === "resync")).toMatchObject([{ code: "ResyncRequired", location }]);
    await expectInStep(f);
    proxy.setPlan(undefined);
    await f.store.close();
  });

  it("faults: the server's own resetSync mid-round (real 410 ResyncRequired, no Location as on Graph) — the client starts over from its own initial URL", async () => {
    const f = await fixture(10, 3);
    await f.sync.runRound();
    await mutate(t, f.mailbox, { ids: f.ids, update: 2, remove: 3, create: 4, tag: "b4" });
    const admin = await t.appToken(["Graphcal.Admin"]);
    proxy.setPlan(async (r) => {
      // Before the round's second page: the administrator resets the mailbox's sync state.
      if (r.url.includes(encodeURIComponent(f.mailbox.userPrincipalName)) && r.url.includes("$skiptoken") && !f.events.some((e) => e.type === "resync")) {
        const res = await t.request("POST", `/_graphcal/mailboxes/${f.mailbox.id}/resetSync`, { token: admin });
        expect(res.status).toBeLessThan(300);
      }
      return undefined;
    });
    expect(await f.sync.runRound()).toMatchObject({ full: true, resyncs: 1, removed: 3 });
    expect(f.events.filter((e) => e.type === "resync")).toMatchObject([{ code: "ResyncRequired" }]);
    // Graph parity mode: Outlook's 410 has no Location (a graphcal extension, test/api/graph-parity.test.ts).
    expect((f.events.find((e) => e.type === "resync") as { location: string | undefined }).location).toBeUndefined();
    await expectInStep(f);
    proxy.setPlan(undefined);
    await f.store.close();
  });

  it("faults: duplicates within pages and replays of earlier pages — the last occurrence wins", async () => {
    const f = await fixture(9, 3);
    await f.sync.runRound();
    await mutate(t, f.mailbox, { ids: f.ids, update: 6, remove: 2, create: 3, tag: "b5" });
    // Every page repeats the page before it (a replay, as Graph may send) and carries each of
    // its own calendars twice, an outdated copy first (a duplicate whose later copy is newer).
    let previous: unknown[] = [];
    proxy.setPlan((r) => (!r.url.includes(encodeURIComponent(f.mailbox.userPrincipalName)) ? undefined : {
      kind: "rewrite",
      rewrite: (body) => {
        const outdated = body.value.map((c: any) => (c["@removed"] ? c : { ...c, name: "outdated", color: "auto" }));
        const value = [...previous, ...outdated, ...body.value];
        previous = body.value;
        return { ...body, value };
      },
    }));
    const summary = await f.sync.runRound();
    proxy.setPlan(undefined);
    expect(summary).toMatchObject({ added: 3, updated: 6, removed: 2 });
    expect(summary.items).toBeGreaterThan(2 * 11);
    await expectInStep(f);
    await f.store.close();
  });
});
