import { describe, expect, it } from "vitest";
import { inMinutes, lifecycleSuite, subscriptionBody } from "./notify-support.js";

// A lifecycle notification (spec §4.7) whose receiver fails is retried like a change notification
// (ADR 0010, "Lifecycle notifications"): backoff of 10 s doubling on the virtual clock, delivered
// once the receiver answers 2xx, dropped once it has failed for 4 hours. The notices sit in an
// outbox of their own, so this is a path apart from the change notifications' retries
// (lifecycle.test.ts). Attempts are read from the deliveries log, whose times are virtual.

describe("notifications: lifecycle notifications to a failing receiver", () => {
  const suite = lifecycleSuite();
  const admin = () => suite.admin();
  // Moving the clock runs the poll at once; idle waits for it and the POSTs it made.
  const advance = (duration: string) => suite.advance(duration, { idle: true });
  /** A few wall-clock polls (NOTIFY_POLL_MS is 20): on a frozen clock nothing new may come due. */
  const quiet = () => new Promise((r) => setTimeout(r, 120));
  const lifecycleAttempts = async (id: string) => {
    const res = await suite.t.request("GET", `/_graphcal/subscriptions/${id}/deliveries`, { token: await admin() });
    expect(res.status, res.text).toBe(200);
    return (res.body.value as { kind: string; at: string; outcome: string; status: number | null; lifecycleEvent?: string }[])
      .filter((a) => a.kind === "lifecycle").map((a) => ({ at: a.at, outcome: a.outcome, status: a.status, lifecycleEvent: a.lifecycleEvent }));
  };
  const shifted = (from: number, seconds: number) => new Date(from + seconds * 1000).toISOString();

  /** A subscription whose lifecycle receiver answered the handshake and fails from now on; `missed` queued for it. */
  async function missedToFailingReceiver(): Promise<{ id: string; sentMs: number }> {
    const user = await suite.t.newMailbox();
    const res = await suite.t.request("POST", "/v1.0/subscriptions", {
      token: await suite.t.userToken(user),
      body: subscriptionBody(suite.t, { notificationUrl: suite.hook.url, lifecycleNotificationUrl: suite.lifecycle.url, expirationDateTime: inMinutes(suite.t, 10_000) }),
    });
    expect(res.status, res.text).toBe(201);
    const id = res.body.id as string;
    suite.lifecycle.mode = "fail";
    const sentMs = suite.t.clock.now().getTime();
    const queued = await suite.t.request("POST", `/_graphcal/subscriptions/${id}/lifecycle`, { token: await admin(), body: { lifecycleEvent: "missed" } });
    expect(queued.body).toEqual({ subscriptionId: id, lifecycleEvent: "missed", notified: true, removed: false });
    await suite.lifecycle.waitFor(() => suite.lifecycle.posts.length === 1);
    return { id, sentMs };
  }

  it("lifecycle: a failing receiver is retried with backoff on the virtual clock, and gets the notice once it recovers", async () => {
    const { id, sentMs } = await missedToFailingReceiver();
    await quiet();
    expect(suite.lifecycle.posts).toHaveLength(1); // frozen clock: the retry waits for virtual time
    await advance("PT9S");
    await quiet();
    expect(suite.lifecycle.posts).toHaveLength(1); // the first retry is 10 s after the failure, not sooner
    await advance("PT1S");
    await suite.lifecycle.waitFor(() => suite.lifecycle.posts.length === 2);
    await advance("PT19S");
    await quiet();
    expect(suite.lifecycle.posts).toHaveLength(2); // then 20 s
    await advance("PT1S");
    await suite.lifecycle.waitFor(() => suite.lifecycle.posts.length === 3);
    expect(await lifecycleAttempts(id)).toEqual([0, 10, 30].map((s) => ({ at: shifted(sentMs, s), outcome: "retrying", status: 500, lifecycleEvent: "missed" })));

    // The receiver is back: the next retry (40 s on) delivers the same notice, once.
    suite.lifecycle.mode = "ok";
    await advance("PT40S");
    const [delivered] = await suite.lifecycle.waitFor(() => suite.lifecycle.notifications().length === 1 && suite.lifecycle.notifications());
    expect(delivered).toMatchObject({ subscriptionId: id, lifecycleEvent: "missed", clientState: "secret" });
    expect(suite.lifecycle.posts.map((p) => p.value)).toEqual([[delivered], [delivered], [delivered], [delivered]]);
    expect((await lifecycleAttempts(id)).at(-1)).toEqual({ at: shifted(sentMs, 70), outcome: "delivered", status: 202, lifecycleEvent: "missed" });
    await advance("PT1H");
    await quiet();
    expect(suite.lifecycle.posts).toHaveLength(4);
    expect(suite.hook.posts).toEqual([]); // lifecycle notices never go to the notificationUrl
  });

  it("lifecycle: a receiver failing for more than 4 hours has the notice discarded", async () => {
    const { id, sentMs } = await missedToFailingReceiver();
    await advance("PT10S");
    await suite.lifecycle.waitFor(() => suite.lifecycle.posts.length === 2);
    // Just inside the 4 hours: still retried.
    await advance("PT3H59M49S");
    await suite.lifecycle.waitFor(() => suite.lifecycle.posts.length === 3);
    // The next retry, 40 s later, is past them: the last attempt, then the notice is dropped.
    await advance("PT40S");
    await suite.lifecycle.waitFor(() => suite.lifecycle.posts.length === 4);
    expect(await lifecycleAttempts(id)).toEqual([
      { at: shifted(sentMs, 0), outcome: "retrying", status: 500, lifecycleEvent: "missed" },
      { at: shifted(sentMs, 10), outcome: "retrying", status: 500, lifecycleEvent: "missed" },
      { at: shifted(sentMs, 4 * 3600 - 1), outcome: "retrying", status: 500, lifecycleEvent: "missed" },
      { at: shifted(sentMs, 4 * 3600 + 39), outcome: "discarded", status: 500, lifecycleEvent: "missed" },
    ]);

    // Gone for good: a recovered receiver is not sent it, however long the clock runs.
    suite.lifecycle.mode = "ok";
    await advance("PT1H");
    await quiet();
    expect(suite.lifecycle.posts).toHaveLength(4);
    expect(suite.lifecycle.notifications()).toEqual([]);
    expect((await lifecycleAttempts(id))).toHaveLength(4);
  });
});
