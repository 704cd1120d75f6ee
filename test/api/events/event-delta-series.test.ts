import { describe, expect, it } from "vitest";
import { useTestServer } from "../../support/harness.js";
import {
  EventDeltaClient, SKELETON_KEYS, calendarViewAll, create, dailySeries, deltaUrl, eventBody, instancesOf, liveIds, newUser,
  patch, remove, removedIds, type Json, type User,
} from "./event-delta-support.js";

// Series in calendarView/delta (spec §3.4, issue 10): occurrences as skeletons, master and
// exceptions in full, cancellations and pattern edits as @removed, and a series kept on one page.

const t = useTestServer();

type Five = [Json, Json, Json, Json, Json];

const keysOf = (item: Json) => Object.keys(item).sort();

async function expectInSync(u: User, client: EventDeltaClient): Promise<void> {
  const view = (await calendarViewAll(u)).map((e) => e.id as string);
  // The client also holds the masters of the series in the window; calendarView does not list them.
  const held = [...client.state.values()].filter((i) => i.type !== "seriesMaster").map((i) => i.id as string);
  expect(held.sort()).toEqual(view.sort());
}

/** A daily series of 5 from Dec 2 (all in the window), synced once. */
async function syncedSeries(): Promise<{ u: User; client: EventDeltaClient; master: Json; occ: Five }> {
  const u = await newUser(t);
  const master = await create(u, dailySeries("2026-12-02", 5));
  const client = new EventDeltaClient(u, deltaUrl());
  await client.round();
  const occ = await instancesOf(u, master.id);
  expect(occ).toHaveLength(5);
  return { u, client, master, occ: occ as Five };
}

describe("calendarView/delta: series", () => {
  it("occurrences are skeletons (exactly the keys of §3.4), the master comes in full", async () => {
    const u = await newUser(t);
    const master = await create(u, dailySeries("2026-12-02", 5));
    const round = await new EventDeltaClient(u, deltaUrl()).round();
    const occurrences = round.items.filter((i) => i.type === "occurrence");
    expect(occurrences).toHaveLength(5);
    for (const o of occurrences) {
      expect(keysOf(o)).toEqual(SKELETON_KEYS);
      expect(o.seriesMasterId).toBe(master.id);
    }
    const expected = await instancesOf(u, master.id);
    expect(occurrences.map((o) => [o.id, o.start, o.end])).toEqual(expected.map((o) => [o.id, o.start, o.end]));
    const m = round.items.find((i) => i.id === master.id) as Json;
    expect(m).toMatchObject({ type: "seriesMaster", subject: "Daily", recurrence: master.recurrence });
  });

  it("a series that starts before the window: master in full, only the occurrences in the window", async () => {
    const u = await newUser(t);
    const master = await create(u, dailySeries("2026-11-28", 6));
    const round = await new EventDeltaClient(u, deltaUrl()).round();
    expect(round.items.find((i) => i.id === master.id)?.type).toBe("seriesMaster");
    expect(round.items.filter((i) => i.type === "occurrence").map((o) => o.start.dateTime.slice(0, 10))).toEqual(["2026-12-01", "2026-12-02", "2026-12-03"]);
  });

  it("an exception comes in full, with the id of the occurrence it replaces (initial and later rounds)", async () => {
    const { u, client, occ } = await syncedSeries();
    const edited = await patch(u, occ[1].id, { subject: "special" });
    expect(edited.id).toBe(occ[1].id);
    const round = await client.round();
    const item = round.items.find((i) => i.id === occ[1].id) as Json;
    expect(item).toMatchObject({ type: "exception", subject: "special", "@odata.etag": edited["@odata.etag"] });
    expect(item.body).toBeDefined();
    // A fresh initial round holds it in full too.
    const fresh = await new EventDeltaClient(u, deltaUrl()).round();
    expect(fresh.items.find((i) => i.id === occ[1].id)).toMatchObject({ type: "exception", subject: "special" });
    await expectInSync(u, client);
  });

  it("a cancelled occurrence → @removed", async () => {
    const { u, client, master, occ } = await syncedSeries();
    await remove(u, occ[2].id);
    const round = await client.round();
    expect(removedIds(round.items)).toEqual([occ[2].id]);
    // Cancelling changes the master (its changeKey, its cancelledOccurrences), so the master is
    // re-sent, with its live occurrences as skeletons; the cancelled one only as @removed.
    const live = round.items.filter((i) => !("@removed" in i));
    expect(live.find((i) => i.type === "seriesMaster")?.id).toBe(master.id);
    expect(live.filter((i) => i.type === "occurrence").map((o) => o.id).sort()).toEqual(occ.filter((_, i) => i !== 2).map((o) => o.id).sort());
    await expectInSync(u, client);
  });

  it("cancelling an exception → @removed", async () => {
    const { u, client, occ } = await syncedSeries();
    await patch(u, occ[3].id, { subject: "special" });
    await client.round();
    await remove(u, occ[3].id);
    const round = await client.round();
    expect(removedIds(round.items)).toEqual([occ[3].id]);
    await expectInSync(u, client);
  });

  it("editing the master's subject → master re-sent in full, occurrences as skeletons", async () => {
    const { u, client, master, occ } = await syncedSeries();
    await patch(u, master.id, { subject: "Renamed" });
    const round = await client.round();
    expect(round.items.find((i) => i.id === master.id)).toMatchObject({ type: "seriesMaster", subject: "Renamed" });
    for (const o of round.items.filter((i) => i.type === "occurrence")) expect(keysOf(o)).toEqual(SKELETON_KEYS);
    expect(removedIds(round.items)).toEqual([]);
    expect(liveIds(round.items)).toEqual([master.id, ...occ.map((o) => o.id)].sort());
    await expectInSync(u, client);
  });

  it("editing the pattern → vanished occurrences @removed, new ones added, exceptions it drops @removed", async () => {
    const { u, client, master, occ } = await syncedSeries();
    await patch(u, occ[4].id, { subject: "exception on Dec 6" });
    await client.round();
    // Dec 2–6 at 09:00 becomes Dec 4–7 at 14:00: every old occurrence and the exception go.
    await patch(u, master.id, {
      ...eventBody("2026-12-04T14:00", "2026-12-04T15:00", "Moved"),
      recurrence: { pattern: { type: "daily", interval: 1 }, range: { type: "numbered", startDate: "2026-12-04", numberOfOccurrences: 4 } },
    });
    const now = await instancesOf(u, master.id);
    expect(now).toHaveLength(4);
    const round = await client.round();
    expect(removedIds(round.items)).toEqual(occ.map((o) => o.id).sort());
    const added = round.items.filter((i) => i.type === "occurrence");
    expect(added.map((o) => o.id).sort()).toEqual(now.map((o) => o.id).sort());
    for (const o of added) expect(keysOf(o)).toEqual(SKELETON_KEYS);
    expect(round.items.find((i) => i.id === master.id)).toMatchObject({ subject: "Moved" });
    await expectInSync(u, client);
  });

  it("deleting the master → the master and its occurrences and exceptions in the window @removed", async () => {
    const { u, client, master, occ } = await syncedSeries();
    await patch(u, occ[0].id, { subject: "exception" });
    await client.round();
    await remove(u, master.id);
    const round = await client.round();
    expect(round.items.every((i) => "@removed" in i)).toBe(true);
    expect(removedIds(round.items)).toEqual([master.id, ...occ.map((o) => o.id)].sort());
    expect(client.state.size).toBe(0);
  });

  it("a series moved entirely out of the window → master and occurrences @removed", async () => {
    const { u, client, master, occ } = await syncedSeries();
    await patch(u, master.id, {
      ...eventBody("2027-01-10T09:00", "2027-01-10T10:00", "Later"),
      recurrence: { pattern: { type: "daily", interval: 1 }, range: { type: "numbered", startDate: "2027-01-10", numberOfOccurrences: 5 } },
    });
    const round = await client.round();
    expect(removedIds(round.items)).toEqual([master.id, ...occ.map((o) => o.id)].sort());
    expect(liveIds(round.items)).toEqual([]);
  });

  it("a series created outside the window → only its master as @removed", async () => {
    const { u, client } = await syncedSeries();
    const far = await create(u, dailySeries("2027-02-01", 3));
    expect((await client.round()).items).toEqual([{ "@odata.type": "#microsoft.graph.event", id: far.id, "@removed": { reason: "deleted" } }]);
  });
});

describe("calendarView/delta: a series and the page boundary", () => {
  /** Singles at 08:00 on Dec 1–2, a 5-day series from Dec 3 (6 items with its master), a single on Dec 7. */
  async function mixed(): Promise<{ u: User; master: Json }> {
    const u = await newUser(t);
    await create(u, eventBody("2026-12-01T08:00", "2026-12-01T09:00", "S1"));
    await create(u, eventBody("2026-12-02T08:00", "2026-12-02T09:00", "S2"));
    const master = await create(u, dailySeries("2026-12-03", 5));
    await create(u, eventBody("2026-12-07T20:00", "2026-12-07T21:00", "S3"));
    return { u, master };
  }

  const pagesHolding = (pages: Json[], masterId: string) =>
    pages.map((p, i) => ((p.value as Json[]).some((v) => v.id === masterId || v.seriesMasterId === masterId) ? i : -1)).filter((i) => i >= 0);

  for (const size of [7, 8, 20]) {
    it(`maxpagesize ${size} (≥ the series' 6 items): the series is on one page`, async () => {
      const { u, master } = await mixed();
      const round = await new EventDeltaClient(u, deltaUrl()).round({ pageSize: size });
      expect(pagesHolding(round.pages, master.id)).toHaveLength(1);
      for (const page of round.pages) expect(page.value.length).toBeLessThanOrEqual(size);
      expect(round.items).toHaveLength(9);
    });
  }

  it("maxpagesize 3 (< the series' 6 items): the series alone is split in page-size pieces, nothing else shares its pages", async () => {
    const { u, master } = await mixed();
    const round = await new EventDeltaClient(u, deltaUrl()).round({ pageSize: 3 });
    const holding = pagesHolding(round.pages, master.id);
    expect(holding.length).toBe(2);
    for (const i of holding) {
      const page = round.pages[i] as Json;
      expect(page.value).toHaveLength(3);
      for (const v of page.value as Json[]) expect(v.id === master.id || v.seriesMasterId === master.id).toBe(true);
    }
    for (const page of round.pages) expect(page.value.length).toBeLessThanOrEqual(3);
    expect(round.items).toHaveLength(9);
  });

  it("maxpagesize 4: a page stops short rather than cut a series it could hold whole on the next", async () => {
    const u = await newUser(t);
    await create(u, eventBody("2026-12-01T08:00", "2026-12-01T09:00", "S1"));
    const master = await create(u, dailySeries("2026-12-03", 3));
    const round = await new EventDeltaClient(u, deltaUrl()).round({ pageSize: 4 });
    expect(round.pages.map((p) => p.value.length)).toEqual([1, 4]);
    expect(pagesHolding(round.pages, master.id)).toEqual([1]);
  });

  it("a later round keeps a changed series on one page too", async () => {
    const { u, master } = await mixed();
    const client = new EventDeltaClient(u, deltaUrl());
    await client.round();
    await create(u, eventBody("2026-12-01T12:00", "2026-12-01T13:00", "new 1"));
    await patch(u, master.id, { subject: "Renamed" });
    await create(u, eventBody("2026-12-02T12:00", "2026-12-02T13:00", "new 2"));
    const round = await client.round({ pageSize: 7 });
    expect(pagesHolding(round.pages, master.id)).toHaveLength(1);
    expect(round.items).toHaveLength(8);
  });

  it("applying every page of every round gives exactly calendarView's ids, whatever the page size", async () => {
    const { u, master } = await mixed();
    const clients = [1, 2, 3, 5, 6, 50].map((size) => ({ size, client: new EventDeltaClient(u, deltaUrl()) }));
    const rounds: (() => Promise<void>)[] = [
      async () => undefined,
      async () => { await patch(u, master.id, { subject: "x" }); },
      async () => { const occ = await instancesOf(u, master.id) as Five; await remove(u, occ[1].id); await patch(u, occ[2].id, { subject: "exc" }); },
      async () => {
        await patch(u, master.id, {
          ...eventBody("2026-12-05T10:00", "2026-12-05T11:00", "moved"),
          recurrence: { pattern: { type: "daily", interval: 1 }, range: { type: "numbered", startDate: "2026-12-05", numberOfOccurrences: 5 } },
        });
      },
      async () => { await create(u, dailySeries("2026-11-29", 4, "other", 7)); },
      async () => { await remove(u, master.id); },
    ];
    for (const change of rounds) {
      await change();
      for (const { size, client } of clients) {
        await client.round({ pageSize: size });
        const view = (await calendarViewAll(u)).map((e) => e.id as string).sort();
        const held = [...client.state.values()].filter((i) => i.type !== "seriesMaster").map((i) => i.id as string).sort();
        expect(held, `page size ${size}`).toEqual(view);
      }
    }
  });
});

describe("calendarView/delta: series writes between pages", () => {
  /** The ids calendarView shows now, masters of the window's series included. */
  async function expectedIds(u: User, masters: string[]): Promise<string[]> {
    return [...(await calendarViewAll(u)).map((e) => e.id as string), ...masters].sort();
  }

  it("initial round: a pattern edit, a cancellation and a new exception between pages stay out of it, and come next round", async () => {
    const u = await newUser(t);
    await create(u, eventBody("2026-12-01T06:00", "2026-12-01T07:00", "S1"));
    const a = await create(u, dailySeries("2026-12-02", 3, "A"));
    const b = await create(u, dailySeries("2026-12-04", 3, "B", 12));
    const before = await expectedIds(u, [a.id, b.id]);
    const bOcc = await instancesOf(u, b.id) as [Json, Json, Json];
    const client = new EventDeltaClient(u, deltaUrl());
    const round = await client.round({
      pageSize: 4,
      between: async (page) => {
        if (page !== 0) return;
        const aOcc = await instancesOf(u, a.id) as [Json, Json, Json];
        await remove(u, aOcc[1].id);
        await patch(u, bOcc[0].id, { subject: "exception" });
        await patch(u, b.id, {
          ...eventBody("2026-12-05T15:00", "2026-12-05T16:00", "B moved"),
          recurrence: { pattern: { type: "daily", interval: 1 }, range: { type: "numbered", startDate: "2026-12-05", numberOfOccurrences: 2 } },
        });
      },
    });
    expect(round.ids.sort()).toEqual(before);
    expect(round.items.find((i) => i.id === b.id)?.subject).toBe("B");
    expect(round.items.some((i) => i.type === "exception")).toBe(false);
    await client.round();
    expect(client.ids()).toEqual(await expectedIds(u, [a.id, b.id]));
  });

  it("later round: the same writes between its pages wait for the round after", async () => {
    const u = await newUser(t);
    const client = new EventDeltaClient(u, deltaUrl());
    await client.round();
    await create(u, eventBody("2026-12-01T06:00", "2026-12-01T07:00", "S1"));
    const a = await create(u, dailySeries("2026-12-02", 3, "A"));
    const b = await create(u, dailySeries("2026-12-04", 3, "B", 12));
    const expected = await expectedIds(u, [a.id, b.id]);
    const round = await client.round({
      pageSize: 4,
      between: async (page) => {
        if (page !== 0) return;
        const aOcc = await instancesOf(u, a.id) as [Json, Json, Json];
        await remove(u, aOcc[2].id);
        await patch(u, b.id, {
          ...eventBody("2026-12-06T15:00", "2026-12-06T16:00", "B moved"),
          recurrence: { pattern: { type: "daily", interval: 1 }, range: { type: "numbered", startDate: "2026-12-06", numberOfOccurrences: 2 } },
        });
      },
    });
    expect(round.ids.sort()).toEqual(expected);
    expect(round.items.every((i) => !("@removed" in i))).toBe(true);
    const next = await client.round();
    expect(next.items.filter((i) => "@removed" in i).length).toBe(4);
    expect(client.ids()).toEqual(await expectedIds(u, [a.id, b.id]));
  });

  it("an exception moved out of the window while its master stays → @removed; moved back → full item again", async () => {
    const u = await newUser(t);
    // Every third day: Dec 1, 4, 7, 10; Dec 7 may move to Dec 8 (outside) without crossing Dec 10.
    const master = await create(u, eventBody("2026-12-01T09:00", "2026-12-01T10:00", "Every 3 days", {
      recurrence: { pattern: { type: "daily", interval: 3 }, range: { type: "numbered", startDate: "2026-12-01", numberOfOccurrences: 4 } },
    }));
    const client = new EventDeltaClient(u, deltaUrl());
    await client.round();
    const occ = await instancesOf(u, master.id) as [Json, Json, Json];
    expect(occ).toHaveLength(3);
    await patch(u, occ[2].id, eventBody("2026-12-08T12:00", "2026-12-08T13:00", "away"));
    let round = await client.round();
    expect(round.items.find((i) => i.id === occ[2].id)).toHaveProperty("@removed");
    await expectInSync(u, client);
    await patch(u, occ[2].id, eventBody("2026-12-07T18:00", "2026-12-07T19:00", "back"));
    round = await client.round();
    expect(round.items.find((i) => i.id === occ[2].id)).toMatchObject({ type: "exception", subject: "back" });
    await expectInSync(u, client);
  });

  it("an exception moved into the window from a series that lies outside it: sent alone, in full", async () => {
    const u = await newUser(t);
    const master = await create(u, dailySeries("2026-12-10", 3, "Later series"));
    const client = new EventDeltaClient(u, deltaUrl());
    expect((await client.round()).items).toEqual([]);
    const [first] = await instancesOf(u, master.id, "2026-12-10T00:00:00Z", "2026-12-20T00:00:00Z");
    await patch(u, (first as Json).id, eventBody("2026-12-03T09:00", "2026-12-03T10:00", "pulled in"));
    const round = await client.round();
    expect(round.items.find((i) => i.id === (first as Json).id)).toMatchObject({ type: "exception", subject: "pulled in" });
    await expectInSync(u, client);
    // A rename of the master later: an incremental client and a fresh one hold the same items.
    await patch(u, master.id, { subject: "Renamed" });
    await client.round();
    const fresh = new EventDeltaClient(u, deltaUrl());
    await fresh.round({ pageSize: 1 });
    expect(fresh.ids()).toContain((first as Json).id);
    expect(client.ids()).toEqual(fresh.ids());
  });
});
