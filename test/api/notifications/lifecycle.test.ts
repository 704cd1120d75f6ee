import { describe, expect, it } from "vitest";
import { randomUUID } from "node:crypto";
import type { Receiver } from "./receiver.js";
import { eventBody, inMinutes, lifecycleSuite, subscriptionBody } from "./notify-support.js";

// Receivers that fail (spec §4.5) and lifecycle notifications (spec §4.7), on the virtual clock:
// retries with backoff, `missed` after 4 hours or when history was pruned, expiry,
// reauthorizationRequired before it, removal by a reset, and each event on request.

describe("notifications: failing receivers and lifecycle events", () => {
  const suite = lifecycleSuite();
  const admin = () => suite.admin();
  const advance = (duration: string) => suite.advance(duration);
  const quiet = () => new Promise((r) => setTimeout(r, 120));
  const events = (r: Receiver, name: string) => r.notifications().filter((n) => n.lifecycleEvent === name);

  async function subscribe(token: string, overrides: Record<string, unknown> = {}): Promise<string> {
    const res = await suite.t.request("POST", "/v1.0/subscriptions", {
      token, body: subscriptionBody(suite.t, { notificationUrl: suite.hook.url, lifecycleNotificationUrl: suite.lifecycle.url, expirationDateTime: inMinutes(suite.t, 10_000), ...overrides }),
    });
    expect(res.status, res.text).toBe(201);
    return res.body.id as string;
  }

  it("a failing receiver is retried with backoff on the virtual clock, then after 4 hours its notifications are dropped and `missed` sent", async () => {
    const user = await suite.t.newMailbox();
    const fresh = () => suite.t.userToken(user);
    const id = await subscribe(await fresh());
    suite.hook.mode = "fail";
    const lost = await suite.t.request("POST", "/v1.0/me/events", { token: await fresh(), body: eventBody("Lost") });
    await suite.hook.waitFor(() => suite.hook.posts.length === 1);
    await quiet();
    expect(suite.hook.posts).toHaveLength(1); // frozen clock: the retry waits for virtual time
    await advance("PT10S");
    await suite.hook.waitFor(() => suite.hook.posts.length === 2);
    expect(suite.hook.posts.every((p) => p.value[0].resourceData.id === lost.body.id)).toBe(true);
    const retrying = await suite.t.request("GET", `/_graphcal/subscriptions/${id}/deliveries`, { token: await admin() });
    expect(retrying.body.value.filter((a: { kind: string }) => a.kind === "notification").map((a: { outcome: string; status: number }) => [a.outcome, a.status]))
      .toEqual([["retrying", 500], ["retrying", 500]]);
    const state = await suite.t.request("GET", `/_graphcal/subscriptions/${id}`, { token: await admin() });
    expect(state.body.delivery).toMatchObject({ failedAttempts: 2, failingSince: "2026-11-25T12:00:00.000Z" });

    await advance("PT4H");
    const missed = await suite.lifecycle.waitFor(() => events(suite.lifecycle, "missed")[0]);
    expect(missed).toEqual({
      subscriptionId: id, subscriptionExpirationDateTime: expect.stringMatching(/\.0000000Z$/), tenantId: expect.any(String),
      clientState: "secret", lifecycleEvent: "missed",
    });
    const attempts = (await suite.t.request("GET", `/_graphcal/subscriptions/${id}/deliveries`, { token: await admin() })).body.value;
    expect(attempts.at(-2)).toMatchObject({ kind: "notification", outcome: "discarded" });
    expect(attempts.at(-1)).toMatchObject({ kind: "lifecycle", lifecycleEvent: "missed", outcome: "delivered" });

    // The receiver is back: new changes arrive; the dropped one does not come again.
    suite.hook.mode = "ok";
    const kept = await suite.t.request("POST", "/v1.0/me/events", { token: await fresh(), body: eventBody("Kept") });
    await suite.hook.waitFor(() => suite.hook.notifications().length === 1);
    await quiet();
    expect(suite.hook.notifications().map((n) => n.resourceData.id)).toEqual([kept.body.id]);
  });

  it("a receiver that does not answer within the delivery timeout counts as failed", async () => {
    const user = await suite.t.newMailbox();
    const fresh = () => suite.t.userToken(user);
    const id = await subscribe(await fresh());
    suite.hook.mode = "hang";
    await suite.t.request("POST", "/v1.0/me/events", { token: await fresh(), body: eventBody("Slow") });
    const attempt = await suite.t.server.notifications.idle().then(() => suite.hook.waitFor(() => {
      const log = suite.t.server.services.subscriptions.deliveries(id).filter((a) => a.kind === "notification");
      return log[0];
    }));
    expect(attempt).toMatchObject({ outcome: "retrying", status: null, error: "timeout" });
  });

  it("history pruned under a cursor (expire-tokens --mailbox) is reported as `missed`", async () => {
    const me = await suite.t.newMailbox();
    const fresh = () => suite.t.userToken(me);
    await subscribe(await fresh());
    suite.hook.mode = "fail";
    await suite.t.request("POST", "/v1.0/me/events", { token: await fresh(), body: eventBody("Pruned") });
    await suite.hook.waitFor(() => suite.hook.posts.length === 1);
    const expired = await suite.t.request("POST", "/_graphcal/delta-tokens/expire", { token: await admin(), body: { mailbox: me.id } });
    expect(expired.status, expired.text).toBe(200);
    suite.hook.mode = "ok";
    await advance("PT10S");
    await suite.lifecycle.waitFor(() => events(suite.lifecycle, "missed").length === 1);
    await quiet();
    expect(suite.hook.notifications()).toEqual([]);
  });

  it("reauthorizationRequired goes out 15 minutes before expiry, once; at expiry the subscription is deleted", async () => {
    const user = await suite.t.newMailbox();
    const fresh = () => suite.t.userToken(user);
    const id = await subscribe(await fresh(), { expirationDateTime: inMinutes(suite.t, 45) });
    await advance("PT29M");
    await quiet();
    expect(events(suite.lifecycle, "reauthorizationRequired")).toEqual([]);
    await advance("PT1M");
    const reminder = await suite.lifecycle.waitFor(() => events(suite.lifecycle, "reauthorizationRequired")[0]);
    expect(reminder.subscriptionId).toBe(id);
    await advance("PT1M");
    await quiet();
    expect(events(suite.lifecycle, "reauthorizationRequired")).toHaveLength(1);
    expect((await suite.t.request("GET", `/v1.0/subscriptions/${id}`, { token: await fresh() })).status).toBe(200);
    await advance("PT15M");
    await suite.t.server.notifications.idle();
    await quiet();
    expect((await suite.t.request("GET", `/v1.0/subscriptions/${id}`, { token: await fresh() })).status).toBe(404);
    await suite.t.request("POST", "/v1.0/me/events", { token: await fresh(), body: eventBody("After expiry") });
    await quiet();
    expect(suite.hook.notifications()).toEqual([]);
  });

  it("renewing moves the reminder to the new expiry", async () => {
    const user = await suite.t.newMailbox();
    const fresh = () => suite.t.userToken(user);
    const id = await subscribe(await fresh(), { expirationDateTime: inMinutes(suite.t, 45) });
    await advance("PT31M");
    await suite.lifecycle.waitFor(() => events(suite.lifecycle, "reauthorizationRequired").length === 1);
    const renewed = await suite.t.request("PATCH", `/v1.0/subscriptions/${id}`, { token: await fresh(), body: { expirationDateTime: inMinutes(suite.t, 60) } });
    expect(renewed.status).toBe(200);
    // The new expiry is 60 minutes out: its reminder is due 45 minutes from now, not sooner.
    await advance("PT44M");
    await quiet();
    expect(events(suite.lifecycle, "reauthorizationRequired")).toHaveLength(1);
    await advance("PT1M");
    await suite.lifecycle.waitFor(() => events(suite.lifecycle, "reauthorizationRequired").length === 2);
    expect((await suite.t.request("GET", `/v1.0/subscriptions/${id}`, { token: await fresh() })).status).toBe(200);
  });

  it("POST /_graphcal/subscriptions/{id}/lifecycle sends each event on request; subscriptionRemoved removes it", async () => {
    const user = await suite.t.newMailbox();
    const fresh = () => suite.t.userToken(user);
    const id = await subscribe(await fresh());
    for (const lifecycleEvent of ["reauthorizationRequired", "missed"]) {
      const res = await suite.t.request("POST", `/_graphcal/subscriptions/${id}/lifecycle`, { token: await admin(), body: { lifecycleEvent } });
      expect(res.status, res.text).toBe(200);
      expect(res.body).toEqual({ subscriptionId: id, lifecycleEvent, notified: true, removed: false });
      await suite.lifecycle.waitFor(() => events(suite.lifecycle, lifecycleEvent).length === 1);
    }
    expect((await suite.t.request("GET", `/v1.0/subscriptions/${id}`, { token: await fresh() })).status).toBe(200);
    const removed = await suite.t.request("POST", `/_graphcal/subscriptions/${id}/lifecycle`, { token: await admin(), body: { lifecycleEvent: "subscriptionRemoved" } });
    expect(removed.body).toEqual({ subscriptionId: id, lifecycleEvent: "subscriptionRemoved", notified: true, removed: true });
    await suite.lifecycle.waitFor(() => events(suite.lifecycle, "subscriptionRemoved").length === 1);
    expect((await suite.t.request("GET", `/v1.0/subscriptions/${id}`, { token: await fresh() })).status).toBe(404);

    const bad = await suite.t.request("POST", `/_graphcal/subscriptions/${randomUUID()}/lifecycle`, { token: await admin(), body: { lifecycleEvent: "missed" } });
    expect([bad.status, bad.body.error.code]).toEqual([404, "ResourceNotFound"]);
    const other = await subscribe(await fresh(), { lifecycleNotificationUrl: undefined });
    for (const body of [{ lifecycleEvent: "exploded" }, {}, { lifecycleEvent: "missed", extra: 1 }, { lifecycleEvent: "missed" }]) {
      const res = await suite.t.request("POST", `/_graphcal/subscriptions/${other}/lifecycle`, { token: await admin(), body });
      expect(res.status, JSON.stringify(body)).toBe(400);
    }
    expect((await suite.t.request("POST", `/_graphcal/subscriptions/${other}/lifecycle`, { token: await fresh(), body: { lifecycleEvent: "missed" } })).status).toBe(403);
    expect((await suite.t.request("GET", "/_graphcal/subscriptions", { token: await fresh() })).status).toBe(403);
  });

  it("a mailbox reset removes its subscriptions, each told subscriptionRemoved; other mailboxes keep theirs", async () => {
    const me = await suite.t.newMailbox();
    const fresh = () => suite.t.userToken(me);
    const otherToken = await suite.t.userToken(await suite.t.newMailbox());
    const id = await subscribe(await fresh());
    const kept = await subscribe(otherToken);
    const reset = await suite.t.request("POST", `/_graphcal/mailboxes/${me.id}/reset`, { token: await admin() });
    expect(reset.status, reset.text).toBe(200);
    const removed = await suite.lifecycle.waitFor(() => events(suite.lifecycle, "subscriptionRemoved")[0]);
    expect(removed.subscriptionId).toBe(id);
    expect((await suite.t.request("GET", `/v1.0/subscriptions/${id}`, { token: await fresh() })).status).toBe(404);
    expect((await suite.t.request("GET", `/v1.0/subscriptions/${kept}`, { token: otherToken })).status).toBe(200);
    const listed = await suite.t.request("GET", `/_graphcal/subscriptions?mailbox=${me.userPrincipalName}`, { token: await admin() });
    expect(listed.body.value).toEqual([]);
  });

  it("a whole-store reset removes every subscription, each told subscriptionRemoved", async () => {
    const me = await suite.t.newMailbox();
    const fresh = () => suite.t.userToken(me);
    const id = await subscribe(await fresh());
    const reset = await suite.t.request("POST", "/_graphcal/reset", { token: await admin() });
    expect(reset.status, reset.text).toBe(200);
    const removed = await suite.lifecycle.waitFor(() => events(suite.lifecycle, "subscriptionRemoved").find((n) => n.subscriptionId === id));
    expect(removed.lifecycleEvent).toBe("subscriptionRemoved");
    expect((await suite.t.request("GET", "/_graphcal/subscriptions", { token: await admin() })).body.value).toEqual([]);
  });
});
