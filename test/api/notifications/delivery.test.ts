import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TestServer } from "../../support/harness.js";
import { startReceiver, type Receiver } from "./receiver.js";
import { adminToken, drainDelta, eventBody, startNotifyServer, subscriptionBody } from "./notify-support.js";

// Delivery from the change log (spec §4.4, §5; ADR 0010): after commit, so a delta call made on
// receipt sees the change; Outlook's payload; several per POST; in order; filtered by changeType
// and calendar; the created-and-updated quirk; the calendar list with Graph extensions on.

describe("notifications: delivery", () => {
  let t: TestServer;
  let receiver: Receiver;
  beforeAll(async () => {
    t = await startNotifyServer();
    receiver = await startReceiver();
  });
  afterAll(async () => {
    await t?.close();
    await receiver?.close();
  });

  async function subscribe(token: string, overrides: Record<string, unknown> = {}): Promise<string> {
    const res = await t.request("POST", "/v1.0/subscriptions", { token, body: subscriptionBody(t, { notificationUrl: receiver.url, ...overrides }) });
    expect(res.status, res.text).toBe(201);
    return res.body.id as string;
  }
  const of = (id: string) => () => {
    const mine = receiver.notifications().filter((n) => n.subscriptionId === id);
    return mine.length > 0 ? mine : undefined;
  };

  it("create → notification → a delta call made inside the receiver's handler returns the change", async () => {
    const me = await t.newMailbox();
    const token = await t.userToken(me);
    const { deltaLink } = await drainDelta(t, token, "/beta/me/events/delta");
    const id = await subscribe(token);
    let seenByDelta: string[] | undefined;
    receiver.onPost = async (post) => {
      if (!post.value.some((n) => n.subscriptionId === id)) return;
      // Before answering: the change is committed, so delta already has it.
      const round = await drainDelta(t, token, deltaLink);
      seenByDelta = round.items.map((e) => e.id as string);
    };
    try {
      const created = await t.request("POST", "/v1.0/me/events", { token, body: eventBody("Notified") });
      expect(created.status).toBe(201);
      const [n] = await receiver.waitFor(of(id));
      expect(n).toEqual({
        subscriptionId: id,
        subscriptionExpirationDateTime: expect.stringMatching(/^2026-11-25T13:00:00\+00:00$/),
        changeType: "created",
        resource: `Users/${me.id}/Events/${created.body.id}`,
        resourceData: {
          "@odata.type": "#Microsoft.Graph.Event", "@odata.id": `Users/${me.id}/Events/${created.body.id}`,
          "@odata.etag": created.body["@odata.etag"], id: created.body.id,
        },
        clientState: "secret",
        tenantId: me.tenantId,
      });
      expect(await receiver.waitFor(() => seenByDelta)).toContain(created.body.id);
    } finally {
      receiver.onPost = undefined;
    }
    const post = receiver.posts.find((p) => p.value.some((x) => x.subscriptionId === id));
    expect(post?.contentType).toMatch(/^application\/json/);
  });

  it("several changes go in one POST, in the order they were made; updated and deleted follow", async () => {
    const token = await t.userToken(await t.newMailbox());
    const id = await subscribe(token);
    // Hold the first POST open so that the next writes queue up behind it.
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => { release = resolve; });
    let first = true;
    receiver.onPost = async (post) => {
      if (first && post.value.some((n) => n.subscriptionId === id)) {
        first = false;
        await held;
      }
    };
    try {
      const a = await t.request("POST", "/v1.0/me/events", { token, body: eventBody("A") });
      await receiver.waitFor(() => receiver.posts.some((p) => p.value.some((n) => n.subscriptionId === id)));
      const b = await t.request("POST", "/v1.0/me/events", { token, body: eventBody("B") });
      await t.request("PATCH", `/v1.0/me/events/${a.body.id}`, { token, body: { subject: "A2" } });
      await t.request("DELETE", `/v1.0/me/events/${b.body.id}`, { token });
      release();
      const all = await receiver.waitFor(() => { const m = of(id)(); return m && m.length >= 4 ? m : undefined; });
      expect(all.map((n) => [n.changeType, n.resourceData.id])).toEqual([
        ["created", a.body.id], ["created", b.body.id], ["updated", a.body.id], ["deleted", b.body.id],
      ]);
      expect(all[3].resourceData["@odata.etag"]).toBeUndefined();
      const posts = receiver.posts.filter((p) => p.value.some((n) => n.subscriptionId === id));
      expect(posts.map((p) => p.value.length)).toEqual([1, 3]);
    } finally {
      receiver.onPost = undefined;
    }
  });

  it("a subscription gets only the changeTypes and the calendar it asked for", async () => {
    const token = await t.userToken(await t.newMailbox());
    const side = await t.request("POST", "/v1.0/me/calendars", { token, body: { name: "Side" } });
    const deletions = await subscribe(token, { changeType: "deleted" });
    const sideOnly = await subscribe(token, { resource: `me/calendars/${side.body.id}/events` });
    const defaultOnly = await subscribe(token, { resource: "me/calendar/events", changeType: "created" });
    const inDefault = await t.request("POST", "/v1.0/me/events", { token, body: eventBody("Default") });
    const inSide = await t.request("POST", `/v1.0/me/calendars/${side.body.id}/events`, { token, body: eventBody("Side") });
    await t.request("DELETE", `/v1.0/me/events/${inDefault.body.id}`, { token });
    await t.request("DELETE", `/v1.0/me/events/${inSide.body.id}`, { token });
    const gone = await receiver.waitFor(() => { const m = of(deletions)(); return m && m.length >= 2 ? m : undefined; });
    expect(gone.map((n) => [n.changeType, n.resourceData.id])).toEqual([["deleted", inDefault.body.id], ["deleted", inSide.body.id]]);
    const side2 = await receiver.waitFor(() => { const m = of(sideOnly)(); return m && m.length >= 2 ? m : undefined; });
    expect(side2.map((n) => [n.changeType, n.resourceData.id])).toEqual([["created", inSide.body.id], ["deleted", inSide.body.id]]);
    const def = await receiver.waitFor(of(defaultOnly));
    expect(def.map((n) => [n.changeType, n.resourceData.id])).toEqual([["created", inDefault.body.id]]);
    // Nothing more arrives for them later (the poll runs every 20 ms here).
    await new Promise((r) => setTimeout(r, 150));
    expect(of(defaultOnly)()).toHaveLength(1);
    expect(of(deletions)()).toHaveLength(2);
  });

  it("an app's subscription to a user's events is notified of that user's changes only", async () => {
    const ann = await t.newMailbox();
    const ben = await t.newMailbox();
    const app = await t.appToken(["Calendars.Read"]);
    const id = await subscribe(app, { resource: `users/${ann.id}/events` });
    await t.request("POST", "/v1.0/me/events", { token: await t.userToken(ben), body: eventBody("Ben's") });
    const annEvent = await t.request("POST", "/v1.0/me/events", { token: await t.userToken(ann), body: eventBody("Ann's") });
    const got = await receiver.waitFor(of(id));
    expect(got.map((n) => n.resourceData.id)).toEqual([annEvent.body.id]);
  });

  it("quirk created-and-updated: a new event is notified as created, then updated (as real Graph does)", async () => {
    const me = await t.newMailbox();
    const token = await t.userToken(me);
    const id = await subscribe(token);
    const quirk = await t.request("POST", "/_graphcal/quirks", { token: await adminToken(t), body: { mailbox: me.id, quirks: ["created-and-updated"] } });
    expect(quirk.status, quirk.text).toBe(200);
    const created = await t.request("POST", "/v1.0/me/events", { token, body: eventBody("Twice") });
    const got = await receiver.waitFor(() => { const m = of(id)(); return m && m.length >= 2 ? m : undefined; });
    expect(got.map((n) => [n.changeType, n.resourceData.id])).toEqual([["created", created.body.id], ["updated", created.body.id]]);
  });
});

describe("notifications: me/calendars with Graph extensions on", () => {
  let t: TestServer;
  let receiver: Receiver;
  beforeAll(async () => {
    t = await startNotifyServer({ env: { GRAPH_EXTENSIONS: "true" } });
    receiver = await startReceiver();
  });
  afterAll(async () => {
    await t?.close();
    await receiver?.close();
  });

  it("calendar-list changes are notified as Users/{id}/Calendars/{id}", async () => {
    const me = await t.newMailbox();
    const token = await t.userToken(me);
    const res = await t.request("POST", "/v1.0/subscriptions", { token, body: subscriptionBody(t, { notificationUrl: receiver.url, resource: "me/calendars" }) });
    expect(res.status, res.text).toBe(201);
    const calendar = await t.request("POST", "/v1.0/me/calendars", { token, body: { name: "Project" } });
    await t.request("PATCH", `/v1.0/me/calendars/${calendar.body.id}`, { token, body: { name: "Project X" } });
    await t.request("DELETE", `/v1.0/me/calendars/${calendar.body.id}`, { token });
    // An event change is not a calendar-list change.
    await t.request("POST", "/v1.0/me/events", { token, body: eventBody("Not a calendar") });
    const got = await receiver.waitFor(() => receiver.notifications().length >= 3 ? receiver.notifications() : undefined);
    expect(got.map((n) => [n.changeType, n.resource, n.resourceData["@odata.type"]])).toEqual([
      ["created", `Users/${me.id}/Calendars/${calendar.body.id}`, "#Microsoft.Graph.Calendar"],
      ["updated", `Users/${me.id}/Calendars/${calendar.body.id}`, "#Microsoft.Graph.Calendar"],
      ["deleted", `Users/${me.id}/Calendars/${calendar.body.id}`, "#Microsoft.Graph.Calendar"],
    ]);
    await new Promise((r) => setTimeout(r, 100));
    expect(receiver.notifications()).toHaveLength(3);
  });
});
