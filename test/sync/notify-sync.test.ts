import { rmSync } from "node:fs";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { NotifySync, openSqliteLocalStore, type LocalStore, type NotifySyncEvent } from "../../src/client/index.js";
import { DEMO_CLIENT_ID, DEMO_CLIENT_SECRET } from "../../src/server/index.js";
import { startTestServer, tempDataDir, type TestServer } from "../support/harness.js";
import { runCli, startCli } from "../support/run-cli.js";
import { spawnServer } from "../support/spawn-server.js";
import { ManualTimers } from "../support/manual-timers.js";
import { expectInStep, FROM, seedEvents, serverView, TO, writeBurst, type EventsMailbox } from "./events-sync-support.js";

// Notify then delta end to end (issue 12 point 6, spec §5): graphcal listening on loopback
// delivers change and lifecycle notifications to the sync client's receiver, and every round the
// client runs is one a notification asked for (no poll interval is set). The client's timers read
// and move the server's virtual clock, so renewals hours away happen without waiting.

let t: TestServer;
let origin = "";
const dir = tempDataDir();

beforeAll(async () => {
  t = await startTestServer();
  origin = (await t.server.listen()).http;
});
afterAll(async () => {
  await t?.close();
  rmSync(dir, { recursive: true, force: true });
});

let running: NotifySync | undefined;
const opened: LocalStore[] = [];
afterEach(async () => {
  await running?.stop().catch(() => undefined);
  running = undefined;
  for (const store of opened.splice(0)) await store.close();
});

/** Waits (real time: delivery is the server's, asynchronous) until `what` holds. */
async function until(what: () => boolean | Promise<boolean>, label: string, timeoutMs = 15_000, detail = () => ""): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await what())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${label}\n${detail()}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

interface Loop {
  m: EventsMailbox;
  notify: NotifySync;
  store: LocalStore;
  timers: ManualTimers;
  events: NotifySyncEvent[];
  url: string;
  subscriptionId: string;
  rounds: () => number;
  /** Waits for the store to equal the server's calendarView and the loop to be idle. */
  inStep: () => Promise<void>;
}

async function startLoop(): Promise<Loop> {
  const m = await seedEvents(t);
  const store = await openSqliteLocalStore(join(dir, `${m.mailbox.id}.db`));
  opened.push(store);
  const timers = new ManualTimers({ now: () => t.clock.now().getTime(), advance: (ms) => t.clock.advance(ms) }, { realBelowMs: 5000 });
  const events: NotifySyncEvent[] = [];
  const notify = new NotifySync({
    baseUrl: `${origin}/beta`, store, listenPort: 0, timers,
    // Minted on demand: the virtual clock moves by days, and a token minted before would expire.
    token: async () => t.userToken(m.mailbox),
    resource: { kind: "calendarView", start: FROM, end: new Date(TO) },
    onEvent: (e) => events.push(e),
  });
  running = notify;
  const started = await notify.start();
  const rounds = () => events.filter((e) => e.type === "round-end").length;
  const inStep = async () => {
    const view = async () => JSON.stringify((await serverView(t, m)).map((e) => e.id).sort()) ===
      JSON.stringify((await store.listEvents()).filter((e) => e.type !== "seriesMaster").map((e) => e.id).sort());
    await until(async () => (await view()) && events.at(-1)?.type !== "round-start", "the store to catch up");
    await notify.whenIdle();
    await expectInStep(t, m, store);
  };
  return { m, notify, store, timers, events, url: started.url, subscriptionId: started.subscriptionId, rounds, inStep };
}

const admin = async () => t.appToken(["Graphcal.Admin"]);
const at = (dateTime: string) => ({ dateTime, timeZone: "UTC" });

async function createEvent(l: Loop, subject: string): Promise<string> {
  const res = await t.request("POST", "/v1.0/me/events", { token: l.m.token, body: { subject, start: at("2026-03-21T09:00:00"), end: at("2026-03-21T10:00:00") } });
  expect(res.status, res.text).toBe(201);
  return res.body.id;
}

/** Every round after the first was asked for by a notification, a lifecycle event or a new subscription. */
function expectOnlyTriggeredRounds(events: NotifySyncEvent[]): void {
  let triggered = false;
  let first = true;
  for (const e of events) {
    if (e.type === "notification" || e.type === "lifecycle" || (e.type === "subscribed" && e.recreated)) triggered = true;
    if (e.type === "round-start" && e.reason !== "resync") {
      if (!first) expect(triggered, "a round nobody asked for").toBe(true);
      first = false;
      triggered = false;
    }
  }
}

describe("notify then delta (NotifySync against graphcal)", () => {
  it("notify: a write reaches the local store through the round its notification triggers", async () => {
    const l = await startLoop();
    expect(l.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/notify$/);
    const sub = await t.request("GET", `/beta/subscriptions/${l.subscriptionId}`, { token: l.m.token });
    expect(sub.status, sub.text).toBe(200);
    expect(sub.body).toMatchObject({ resource: "me/events", notificationUrl: l.url, changeType: "created,updated,deleted" });
    expect(l.rounds()).toBe(1);

    const id = await createEvent(l, "notified");
    await until(() => l.events.some((e) => e.type === "notification"), "a notification");
    await l.inStep();
    expect((await l.store.listEvents()).some((e) => e.id === id)).toBe(true);
    expect(l.rounds()).toBeGreaterThanOrEqual(2);
    expectOnlyTriggeredRounds(l.events);
  });

  it("notify: a burst of writes is coalesced into fewer rounds than writes; the store ends exact", async () => {
    const l = await startLoop();
    const before = l.rounds();
    const writes = 9; // writeBurst's creates, edits, moves and deletes
    await writeBurst(t, l.m, "b1");
    await l.inStep();
    const rounds = l.rounds() - before;
    expect(rounds).toBeGreaterThanOrEqual(1);
    expect(rounds).toBeLessThan(writes);
    expect(l.events.filter((e) => e.type === "notification").length).toBeGreaterThanOrEqual(rounds);
    expectOnlyTriggeredRounds(l.events);
  });

  it("renewal: the subscription is renewed before it expires (virtual clock) and notifications keep coming", async () => {
    const l = await startLoop();
    const get = async () => t.request("GET", `/beta/subscriptions/${l.subscriptionId}`, { token: await t.userToken(l.m.mailbox) });
    const firstExpiry = Date.parse((await get()).body.expirationDateTime);
    const lifetime = firstExpiry - t.clock.now().getTime();
    expect(lifetime).toBeGreaterThan(60 * 60_000);
    l.timers.advance(Math.floor(lifetime * 0.8) - 60_000);
    expect(l.events.some((e) => e.type === "renewed")).toBe(false);
    l.timers.advance(60_000);
    await until(() => l.events.some((e) => e.type === "renewed"), "the renewal");
    const renewed = Date.parse((await get()).body.expirationDateTime);
    expect(renewed).toBeGreaterThan(firstExpiry);
    // Past the first expiry the subscription still lives and still notifies.
    l.timers.advance(firstExpiry - t.clock.now().getTime() + 60_000);
    l.m.token = await t.userToken(l.m.mailbox); // the suite's own calls need a token of the new time
    expect((await get()).status).toBe(200);
    const id = await createEvent(l, "after renewal");
    await l.inStep();
    expect((await l.store.listEvents()).some((e) => e.id === id)).toBe(true);
  });

  it("lifecycle missed: a full resync that also drops what the local store has and the server does not", async () => {
    const l = await startLoop();
    const state = await l.store.readState("events");
    await l.store.commit({ resource: "events", upserts: [{ id: "ghost", type: "singleInstance", subject: "ghost", start: at("2026-03-05T09:00:00"), end: at("2026-03-05T10:00:00") }], removals: [], state: state! });
    const res = await t.request("POST", `/_graphcal/subscriptions/${l.subscriptionId}/lifecycle`, { token: await admin(), body: { lifecycleEvent: "missed" } });
    expect(res.status, res.text).toBeLessThan(300);
    await until(() => l.events.some((e) => e.type === "round-start" && e.reason === "requested"), "the full resync");
    await l.inStep();
    expect((await l.store.listEvents()).some((e) => e.id === "ghost")).toBe(false);
    expect(l.events.find((e) => e.type === "lifecycle")).toMatchObject({ lifecycleEvent: "missed", subscriptionId: l.subscriptionId });
  });

  it("lifecycle subscriptionRemoved: subscribes again, resyncs, and the new subscription notifies", async () => {
    const l = await startLoop();
    const res = await t.request("POST", `/_graphcal/subscriptions/${l.subscriptionId}/lifecycle`, { token: await admin(), body: { lifecycleEvent: "subscriptionRemoved" } });
    expect(res.status, res.text).toBeLessThan(300);
    await until(() => l.events.some((e) => e.type === "subscribed" && e.recreated), "the new subscription");
    const renewedId = l.notify.subscriptionId!;
    expect(renewedId).not.toBe(l.subscriptionId);
    await until(() => l.events.some((e) => e.type === "round-start" && e.reason === "requested"), "the resync");
    await l.inStep();
    const id = await createEvent(l, "after re-subscribe");
    await until(() => l.events.some((e) => e.type === "notification" && e.subscriptionId === renewedId), "a notification of the new subscription");
    await l.inStep();
    expect((await l.store.listEvents()).some((e) => e.id === id)).toBe(true);
  });

  it("lifecycle reauthorizationRequired: the subscription is renewed (PATCH), no resync", async () => {
    const l = await startLoop();
    const get = async () => t.request("GET", `/beta/subscriptions/${l.subscriptionId}`, { token: l.m.token });
    const before = Date.parse((await get()).body.expirationDateTime);
    l.timers.advance(60 * 60_000); // an hour on, so a renewal visibly moves the expiry
    l.m.token = await t.userToken(l.m.mailbox);
    const res = await t.request("POST", `/_graphcal/subscriptions/${l.subscriptionId}/lifecycle`, { token: await admin(), body: { lifecycleEvent: "reauthorizationRequired" } });
    expect(res.status, res.text).toBeLessThan(300);
    await until(() => l.events.some((e) => e.type === "renewed"), "the renewal");
    expect(Date.parse((await get()).body.expirationDateTime)).toBeGreaterThan(before);
    await l.notify.whenIdle();
    expect(l.events.some((e) => e.type === "round-start" && e.reason === "requested")).toBe(false);
  });

  it("clientState: a forged notification (wrong clientState) is ignored: no round", async () => {
    const l = await startLoop();
    await l.notify.whenIdle();
    const before = l.rounds();
    const forged = await fetch(l.url, {
      method: "POST", headers: { "content-type": "application/json" },
      body: JSON.stringify({ value: [{ subscriptionId: l.subscriptionId, changeType: "updated", resource: "Users/x/Events/y", clientState: "forged" }] }),
    });
    expect(forged.status).toBe(202);
    await until(() => l.events.some((e) => e.type === "notification-rejected"), "the rejection");
    await new Promise((r) => setTimeout(r, 400)); // longer than the settle delay: a round would have started
    expect(l.rounds()).toBe(before);
    expect(l.events.some((e) => e.type === "notification")).toBe(false);
  });

  it("stop: deletes the subscription and closes the receiver", async () => {
    const l = await startLoop();
    running = undefined;
    const totals = await l.notify.stop();
    expect(totals).toMatchObject({ rounds: 1, fullRounds: 1 });
    const gone = await t.request("GET", `/beta/subscriptions/${l.subscriptionId}`, { token: l.m.token });
    expect(gone.status).toBe(404);
    await expect(fetch(l.url, { method: "POST", body: "{}" })).rejects.toThrow();
  });
});

describe("graphcal sync --listen (CLI)", () => {
  it("cli: --listen 0 prints the bound URL, syncs on notifications, and on SIGTERM deletes its subscription and sums up", async () => {
    const server = await spawnServer({}, { args: ["--memory"] });
    try {
      const tokenRes = await fetch(`${server.origin}/contoso/oauth2/v2.0/token`, {
        method: "POST", body: new URLSearchParams({ grant_type: "client_credentials", client_id: DEMO_CLIENT_ID, client_secret: DEMO_CLIENT_SECRET }),
      });
      const token = ((await tokenRes.json()) as { access_token: string }).access_token;
      const user = "adelev@contoso.com";
      const events = `${server.origin}/v1.0/users/${user}/events`;
      const store = join(dir, "cli-listen.db");
      const run = startCli([
        "sync", "--base-url", `${server.origin}/beta`, "--user", user, "--store", store, "--token", token,
        "--events", "--from", "2030-05-01", "--to", "2030-07-01", "--listen", "0", "--json",
      ]);
      try {
        await until(() => /round 1: \+\d+ /.test(run.stderr()), "the first round", 20_000, run.stderr);
        const url = /listening for notifications on (http:\/\/127\.0\.0\.1:\d+\/notify)/.exec(run.stderr())?.[1];
        expect(url, run.stderr()).toBeDefined();
        const subscriptionId = /subscribed: ([^,\s]+),/.exec(run.stderr())?.[1];
        expect(subscriptionId, run.stderr()).toBeDefined();

        const created = await fetch(events, {
          method: "POST", headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
          body: JSON.stringify({ subject: "cli notified", start: at("2030-06-01T09:00:00"), end: at("2030-06-01T10:00:00") }),
        });
        expect(created.status).toBe(201);
        const { id } = (await created.json()) as { id: string };
        await until(() => /round ([2-9]|\d\d+): \+1 /.test(run.stderr()), "the notification's round", 20_000, () => `${run.stderr()}\n--- server:\n${server.stderr()}`);

        run.child.kill("SIGTERM");
        const { code } = await run.exited;
        expect(code, run.stderr()).toBe(0);
        expect(run.stderr()).toMatch(new RegExp(`subscription deleted: ${subscriptionId}`));
        // One line per round, then the totals.
        const lines = run.stdout().trim().split("\n").map((l) => JSON.parse(l) as Record<string, number>);
        const summary = lines[lines.length - 1] as Record<string, number>;
        expect(summary.totals).toBe(true);
        expect(lines.length - 1).toBe(summary.rounds);
        expect(summary.rounds).toBeGreaterThanOrEqual(2);
        expect(summary.notifications).toBeGreaterThanOrEqual(1);
        const gone = await fetch(`${server.origin}/beta/subscriptions/${subscriptionId}`, { headers: { authorization: `Bearer ${token}` } });
        expect(gone.status).toBe(404);
        const dump = await runCli(["local-store", "dump", "--store", store, "--events"]);
        expect(dump.stdout).toContain(id);
      } finally {
        if (run.child.exitCode === null) run.child.kill("SIGKILL");
      }
    } finally {
      await server.stop();
    }
  }, 60_000);

  it("cli: bad --listen values and --notification-url without --listen are usage errors (exit 2)", async () => {
    const base = ["sync", "--base-url", "http://127.0.0.1:9/beta", "--me", "--store", join(dir, "x.db"), "--token", "t"];
    for (const extra of [["--listen", "http"], ["--listen", "70000"], ["--notification-url", "https://x.example/notify"], ["--listen", "0", "--notification-url", "ftp://x"]]) {
      const res = await runCli([...base, ...extra]);
      expect(res.code, `${extra.join(" ")}: ${res.stderr}`).toBe(2);
      expect(res.stderr).toMatch(/--listen|--notification-url/);
    }
  });
});
