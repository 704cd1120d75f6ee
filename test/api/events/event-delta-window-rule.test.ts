import { describe, expect, it } from "vitest";
import { useTestServer } from "../../support/harness.js";
import {
  EventDeltaClient, calendarViewAll, create, deltaUrl, eventBody, newUser, patch, remove, type Json, type User,
} from "./event-delta-support.js";

// The window rule of spec §3.5, one rule per test: in a later round an item inside the window
// at the round's end is sent (upsert), anything else that changed is `@removed` — deleted,
// moved out, or created/edited/deleted outside the window.

const t = useTestServer();

const tombstone = (id: string) => ({ "@odata.type": "#microsoft.graph.event", id, "@removed": { reason: "deleted" } });

/** A user with one event inside the window and one outside, and a client past its first round. */
async function synced(): Promise<{ u: User; client: EventDeltaClient; inside: Json; outside: Json }> {
  const u = await newUser(t);
  const inside = await create(u, eventBody("2026-12-02T10:00", "2026-12-02T11:00", "inside"));
  const outside = await create(u, eventBody("2026-12-20T10:00", "2026-12-20T11:00", "outside"));
  const client = new EventDeltaClient(u, deltaUrl());
  const first = await client.round();
  expect(first.ids).toEqual([inside.id]);
  return { u, client, inside, outside };
}

async function expectInSync(u: User, client: EventDeltaClient): Promise<void> {
  expect(client.ids()).toEqual((await calendarViewAll(u)).map((e) => e.id as string).sort());
}

describe("calendarView/delta: the window rule (§3.5)", () => {
  it("an event moved into the window → upsert (full item)", async () => {
    const { u, client, outside } = await synced();
    const moved = await patch(u, outside.id, eventBody("2026-12-05T10:00", "2026-12-05T11:00", "moved in"));
    const round = await client.round();
    expect(round.items).toHaveLength(1);
    expect(round.items[0]).toMatchObject({ id: outside.id, subject: "moved in", "@odata.etag": moved["@odata.etag"] });
    expect((round.items[0] as Json).start.dateTime).toBe("2026-12-05T10:00:00.0000000");
    await expectInSync(u, client);
  });

  it("an event moved out of the window → @removed", async () => {
    const { u, client, inside } = await synced();
    await patch(u, inside.id, eventBody("2026-12-24T10:00", "2026-12-24T11:00", "moved out"));
    expect((await client.round()).items).toEqual([tombstone(inside.id)]);
    await expectInSync(u, client);
  });

  it("an event created outside the window → @removed", async () => {
    const { u, client } = await synced();
    const created = await create(u, eventBody("2026-11-28T10:00", "2026-11-28T11:00", "before"));
    expect((await client.round()).items).toEqual([tombstone(created.id)]);
    await expectInSync(u, client);
  });

  it("an event edited outside the window → @removed", async () => {
    const { u, client, outside } = await synced();
    await patch(u, outside.id, { subject: "still outside" });
    expect((await client.round()).items).toEqual([tombstone(outside.id)]);
  });

  it("an event deleted inside the window → @removed", async () => {
    const { u, client, inside } = await synced();
    await remove(u, inside.id);
    expect((await client.round()).items).toEqual([tombstone(inside.id)]);
    await expectInSync(u, client);
  });

  it("an event deleted outside the window → @removed", async () => {
    const { u, client, outside } = await synced();
    await remove(u, outside.id);
    expect((await client.round()).items).toEqual([tombstone(outside.id)]);
  });

  it("an event edited inside the window → the full item with its new etag", async () => {
    const { u, client, inside } = await synced();
    const before = client.state.get(inside.id) as Json;
    const edited = await patch(u, inside.id, { subject: "renamed" });
    const round = await client.round();
    expect(round.items).toHaveLength(1);
    const item = round.items[0] as Json;
    expect(item).toMatchObject({ id: inside.id, subject: "renamed", "@odata.etag": edited["@odata.etag"] });
    expect(item["@odata.etag"]).not.toBe(before["@odata.etag"]);
    // The full property set, as GET /events/{id} gives it (plus the type annotation).
    const got = await t.request("GET", `/v1.0/me/events/${inside.id}`, { token: u.token });
    const { "@odata.context": _context, ...plain } = got.body;
    expect(item).toEqual({ "@odata.type": "#microsoft.graph.event", ...plain });
  });

  it("an event created inside the window → the item", async () => {
    const { u, client } = await synced();
    const created = await create(u, eventBody("2026-12-07T10:00", "2026-12-07T11:00", "new"));
    const round = await client.round();
    expect(round.items.map((i) => [i.id, i.subject])).toEqual([[created.id, "new"]]);
    await expectInSync(u, client);
  });

  it("created then deleted inside the same round → @removed once (the client may never have seen it)", async () => {
    const { u, client } = await synced();
    const created = await create(u, eventBody("2026-12-07T10:00", "2026-12-07T11:00", "brief"));
    await remove(u, created.id);
    expect((await client.round()).items).toEqual([tombstone(created.id)]);
  });

  it("edited several times inside one round → sent once, as it is at the end", async () => {
    const { u, client, inside } = await synced();
    await patch(u, inside.id, { subject: "one" });
    await patch(u, inside.id, eventBody("2026-12-20T10:00", "2026-12-20T11:00", "two: out"));
    await patch(u, inside.id, eventBody("2026-12-03T10:00", "2026-12-03T11:00", "three: back in"));
    const round = await client.round();
    expect(round.items.map((i) => [i.id, i.subject])).toEqual([[inside.id, "three: back in"]]);
  });

  it("an event straddling the window's edge is inside (overlap, like calendarView)", async () => {
    const { u, client } = await synced();
    const edge = await create(u, eventBody("2026-11-30T23:00", "2026-12-01T01:00", "straddles the start"));
    expect((await client.round()).ids).toEqual([edge.id]);
    const touching = await create(u, eventBody("2026-11-30T23:00", "2026-12-01T00:00", "ends at the start"));
    expect((await client.round()).items).toEqual([tombstone(touching.id)]);
    await expectInSync(u, client);
  });
});
