import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { openSqliteLocalStore } from "../../src/client/index.js";
import { type FaultProxy, type ProxiedRequest } from "../support/fault-proxy.js";
import { tempDataDir, type TestServer } from "../support/harness.js";
import { useProxiedServer } from "../support/proxied-server.js";
import { runCli, startCli } from "../support/run-cli.js";
import { expectInStep, seedEvents, serverView, writeBurst, type EventsMailbox } from "./events-sync-support.js";

// `graphcal sync --events` as users run it (the built CLI, real sockets, a real SQLite file):
// once, killed mid-round, and read back with `local-store dump --events` and the .ics export.

let t: TestServer;
let proxy: FaultProxy;
let token: string;
const dir = tempDataDir();

useProxiedServer(dir, (s) => ({ t, proxy, token } = s));

const syncArgs = (m: EventsMailbox, store: string, pageSize = 50) => [
  "sync", "--events", "--from", "2026-03-01", "--to", "2026-04-01", "--base-url", `${proxy.origin}/beta`,
  "--user", m.mailbox.id, "--store", store, "--token", token, "--page-size", String(pageSize), "--json",
];

async function snapshot(path: string) {
  const store = await openSqliteLocalStore(path, { mustExist: true });
  try {
    return { state: await store.readState("events"), events: await store.listEvents() };
  } finally {
    await store.close();
  }
}

async function expectStoreInStep(m: EventsMailbox, path: string) {
  const store = await openSqliteLocalStore(path, { mustExist: true });
  try {
    await expectInStep(t, m, store);
  } finally {
    await store.close();
  }
}

describe("graphcal sync --events", () => {
  it("cli: sync --events once; dump --events shows the calendar view; the .ics export holds one VEVENT per event", async () => {
    const m = await seedEvents(t);
    const store = join(dir, "once.db");
    const run = await runCli(syncArgs(m, store));
    expect(run.code, run.stderr).toBe(0);
    const view = await serverView(t, m);
    expect(JSON.parse(run.stdout)).toMatchObject({ rounds: 1, removed: 0, total: view.length + 1 }); // + the series master
    await expectStoreInStep(m, store);

    const dumped = await runCli(["local-store", "dump", "--events", "--store", store]);
    expect(dumped.code, dumped.stderr).toBe(0);
    const events = JSON.parse(dumped.stdout);
    expect(events.map((e: any) => e.id).sort()).toEqual(view.map((e) => e.id).sort());
    const occurrence = events.find((e: any) => e.id === m.ids["occ-03-13"]);
    expect(occurrence).toMatchObject({ type: "occurrence", subject: "Standup", location: { displayName: "Hall" }, seriesMasterId: m.ids.master });
    // Without --events, dump still prints the calendars (none were synced into this file).
    expect(JSON.parse((await runCli(["store", "dump", "--store", store])).stdout)).toEqual([]);

    const ics = join(dir, "once.ics");
    const exported = await runCli(["local-store", "dump", "--store", store, "--ics", ics]);
    expect(exported.code, exported.stderr).toBe(0);
    const text = readFileSync(ics, "utf8");
    expect(text.match(/^BEGIN:VEVENT\r?$/gm)).toHaveLength(view.length);
    expect(text).toMatch(/^DTSTART:20260313T080000Z\r?$/m); // a hydrated occurrence, in UTC
    expect(text).toMatch(/^DTSTART:20260311T100000Z\r?$/m); // the moved exception
    expect(text).not.toMatch(/DTSTART:20260312/); // the cancelled occurrence
    const single = view.find((e) => e.id === m.ids.s1)!;
    expect(text.replace(/\r?\n /g, "")).toContain(`UID:${single.iCalUId}`);
    expect(text).toMatch(/^LOCATION:Room 1\r?$/m);
    expect(text).toMatch(/^DESCRIPTION:about 1\r?$/m);

    const other = join(dir, "again.ics");
    expect((await runCli(["local-store", "ics", other, "--store", store])).code).toBe(0);
    expect(readFileSync(other, "utf8").match(/^BEGIN:VEVENT\r?$/gm)).toHaveLength(view.length);
  });

  it("cli: usage errors", async () => {
    const res = await runCli(["sync", "--base-url", "http://127.0.0.1:1/beta", "--me", "--store", join(dir, "u.db"), "--token", "x", "--from", "2026-01-01"]);
    expect(res.code).toBe(2);
    expect(res.stderr).toContain("--from, --to and --calendar go with --events");
    const backwards = await runCli(["sync", "--events", "--from", "2026-02-01", "--to", "2026-01-01", "--base-url", "http://127.0.0.1:1/beta", "--me", "--store", join(dir, "u.db"), "--token", "x"]);
    expect(backwards.code).toBe(2);
    expect(backwards.stderr).toContain("--from must be before --to");
  });

  it("crash: SIGKILL mid-round leaves the previous round; the next run converges", async () => {
    const m = await seedEvents(t, 6);
    const store = join(dir, "crash.db");
    expect((await runCli(syncArgs(m, store, 2))).code).toBe(0);
    const before = await snapshot(store);
    await expectStoreInStep(m, store);

    await writeBurst(t, m, "k");
    const mine = (r: ProxiedRequest) => r.url.includes(`/users/${m.mailbox.id}/calendarView/delta`);
    const seenBefore = proxy.requests.filter(mine).length;
    let release!: () => void;
    const thirdPage = new Promise<void>((resolve) => {
      release = resolve;
    });
    proxy.setPlan((r) => {
      if (!mine(r)) return undefined;
      if (proxy.requests.filter(mine).length - seenBefore >= 3) {
        release();
        return { kind: "delay", ms: 5000 };
      }
      return undefined;
    });
    const run = startCli(syncArgs(m, store, 2));
    await thirdPage;
    run.child.kill("SIGKILL");
    expect(await run.exited).toMatchObject({ signal: "SIGKILL" });
    proxy.setPlan(undefined);
    expect(await snapshot(store)).toEqual(before);

    const again = await runCli(syncArgs(m, store, 2));
    expect(again.code, again.stderr).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ rounds: 1 });
    await expectStoreInStep(m, store);
  });
});
