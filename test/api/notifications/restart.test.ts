import { afterAll, describe, expect, it } from "vitest";
import { rmSync } from "node:fs";
import { tempDataDir, TEST_ENGINE } from "../../support/harness.js";
import { ManualClock } from "../../../src/server/index.js";
import { startReceiver } from "./receiver.js";
import { eventBody, inMinutes, startNotifyServer, subscriptionBody } from "./notify-support.js";

// Delivery survives a restart (ADR 0010): the cursor is in the store, so nothing acknowledged is
// sent again and nothing committed is lost; a POST the receiver never answered is sent again.
// Two instances over one store deliver each notification once (leases). Both run on the suite's
// engine (SQLite: two connections to one file; PostgreSQL in CI).

const created = (values: any[]) => values.filter((n) => n.changeType === "created").map((n) => n.resourceData.id as string);

describe(`notifications across restarts and instances (${TEST_ENGINE})`, () => {
  const dirs: string[] = [];
  afterAll(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it("restart mid-delivery: the unanswered POST is sent again, every change arrives, none acknowledged twice", async () => {
    const dataDir = tempDataDir();
    dirs.push(dataDir);
    const clock = new ManualClock(Date.UTC(2026, 10, 25, 12, 0, 0));
    const receiver = await startReceiver();
    const first = await startNotifyServer({ dataDir, clock });
    let second: Awaited<ReturnType<typeof startNotifyServer>> | undefined;
    try {
      const me = await first.newMailbox();
      const token = await first.userToken(me);
      const sub = await first.request("POST", "/v1.0/subscriptions", { token, body: subscriptionBody(first, { notificationUrl: receiver.url, expirationDateTime: inMinutes(first, 600) }) });
      expect(sub.status, sub.text).toBe(201);
      const a = await first.request("POST", "/v1.0/me/events", { token, body: eventBody("A") });
      await receiver.waitFor(() => receiver.notifications().length === 1);
      receiver.mode = "hang";
      const b = await first.request("POST", "/v1.0/me/events", { token, body: eventBody("B") });
      await receiver.waitFor(() => receiver.posts.some((p) => !p.acknowledged));
      const c = await first.request("POST", "/v1.0/me/events", { token, body: eventBody("C") });
      await first.close(); // aborts the hanging POST: B was never acknowledged, C never sent
      receiver.mode = "ok";

      second = await startNotifyServer({ dataDir, clock });
      const d = await second.request("POST", "/v1.0/me/events", { token, body: eventBody("D") });
      const ids = [a, b, c, d].map((r) => r.body.id as string);
      await receiver.waitFor(() => created(receiver.notifications()).length >= 4);
      await new Promise((r) => setTimeout(r, 150));
      expect(created(receiver.notifications())).toEqual(ids);
      // B went out twice: once unanswered before the restart, once acknowledged after.
      expect(receiver.posts.filter((p) => p.value.some((n) => n.resourceData.id === ids[1])).map((p) => p.acknowledged)).toEqual([false, true]);
    } finally {
      await second?.close();
      await receiver.close();
    }
  });

  it("two instances over one store: each notification is delivered once, in order, whichever instance took the write", async () => {
    const dataDir = tempDataDir();
    dirs.push(dataDir);
    const clock = new ManualClock(Date.UTC(2026, 10, 25, 12, 0, 0));
    const receiver = await startReceiver();
    const one = await startNotifyServer({ dataDir, clock });
    const two = await startNotifyServer({ dataDir, clock });
    try {
      const me = await one.newMailbox();
      const token = await one.userToken(me);
      const sub = await one.request("POST", "/v1.0/subscriptions", { token, body: subscriptionBody(one, { notificationUrl: receiver.url, expirationDateTime: inMinutes(one, 600) }) });
      expect(sub.status, sub.text).toBe(201);
      const ids: string[] = [];
      for (let i = 0; i < 20; i++) {
        const server = i % 2 === 0 ? one : two;
        const res = await server.request("POST", "/v1.0/me/events", { token, body: eventBody(`E${i}`, 1 + (i % 20)) });
        expect(res.status).toBe(201);
        ids.push(res.body.id as string);
      }
      // A burst from both at once as well.
      const burst = await Promise.all([0, 1, 2, 3, 4, 5].map((i) => (i % 2 ? one : two).request("POST", "/v1.0/me/events", { token, body: eventBody(`B${i}`) })));
      await receiver.waitFor(() => created(receiver.notifications()).length >= 26, 10_000);
      await new Promise((r) => setTimeout(r, 200));
      const got = created(receiver.notifications());
      expect(got).toHaveLength(26);
      expect(new Set(got).size).toBe(26);
      expect(got.slice(0, 20)).toEqual(ids);
      expect(new Set(got.slice(20))).toEqual(new Set(burst.map((r) => r.body.id as string)));
    } finally {
      await one.close();
      await two.close();
      await receiver.close();
    }
  });

  it("two instances with a lease shorter than the 1 s hold: an instance does not deliver from a hold its lease outlived", async () => {
    // Wall-clock waits on purpose: leases are wall-clock (instances share no virtual clock). With
    // NOTIFY_LEASE_MS=100, `one` delivers A and its lease runs out 100 ms later; `two` then
    // takes the mailbox and delivers B. A hold kept past its lease (it was a fixed 1 s) had
    // `one` deliver C from its stale cursor, B again with it, and `two` C again.
    const dataDir = tempDataDir();
    dirs.push(dataDir);
    const clock = new ManualClock(Date.UTC(2026, 10, 25, 12, 0, 0));
    const receiver = await startReceiver();
    const env = { NOTIFY_LEASE_MS: "100" };
    const one = await startNotifyServer({ dataDir, clock, env });
    const two = await startNotifyServer({ dataDir, clock, env });
    try {
      const me = await one.newMailbox();
      const token = await one.userToken(me);
      const sub = await one.request("POST", "/v1.0/subscriptions", { token, body: subscriptionBody(one, { notificationUrl: receiver.url, expirationDateTime: inMinutes(one, 600) }) });
      expect(sub.status, sub.text).toBe(201);
      await new Promise((r) => setTimeout(r, 100)); // both instances' polls know the subscribed mailbox
      const a = await one.request("POST", "/v1.0/me/events", { token, body: eventBody("A") });
      await receiver.waitFor(() => created(receiver.notifications()).length === 1);
      await new Promise((r) => setTimeout(r, 200)); // one's lease has run out
      const b = await two.request("POST", "/v1.0/me/events", { token, body: eventBody("B") });
      await receiver.waitFor(() => created(receiver.notifications()).length === 2);
      const c = await one.request("POST", "/v1.0/me/events", { token, body: eventBody("C") });
      await receiver.waitFor(() => created(receiver.notifications()).length >= 3);
      await new Promise((r) => setTimeout(r, 300));
      expect(created(receiver.notifications())).toEqual([a, b, c].map((r) => r.body.id as string));
      expect(receiver.posts.filter((p) => !p.acknowledged)).toEqual([]);
    } finally {
      await one.close();
      await two.close();
      await receiver.close();
    }
  });
});
