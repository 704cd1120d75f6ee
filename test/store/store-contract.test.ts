import { rmSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openStore } from "../../src/store/index.js";
import {
  newCalendar, newCalendarGroup, randomIds, changeKeyFor, type Calendar, type CalendarGroup, type Mailbox, type Store,
} from "../../src/domain/index.js";
import { ENGINES, createPgDatabase, type Engine } from "../support/engines.js";
import { tempDataDir } from "../support/harness.js";

// The Store contract, written once and run against every engine (conventions §10b).

async function makeStore(engine: Engine): Promise<{ store: Store; dispose: () => Promise<void> }> {
  if (engine === "sqlite") {
    const dir = tempDataDir();
    const store = await openStore({ dataDir: dir, now: () => Date.now() });
    return { store, dispose: async () => { await store.close(); rmSync(dir, { recursive: true, force: true }); } };
  }
  const db = await createPgDatabase();
  const store = await openStore({ dataDir: "unused", databaseUrl: db.url, now: () => Date.now() });
  return { store, dispose: async () => { await store.close(); await db.drop(); } };
}

function mailbox(): Mailbox {
  const id = randomIds.guid();
  return {
    id, tenantId: "t1", userPrincipalName: `User-${id.slice(0, 8)}@Example.com`, displayName: "U",
    givenName: null, surname: null, mail: null, hasMailbox: true,
  };
}

describe.each(ENGINES)("store contract (%s)", (engine) => {
  let store: Store;
  let dispose: () => Promise<void>;
  beforeAll(async () => {
    ({ store, dispose } = await makeStore(engine));
  });
  afterAll(async () => dispose());

  /** A mailbox with its default group, ready for calendars. */
  async function setup(): Promise<{ m: Mailbox; group: CalendarGroup }> {
    const m = mailbox();
    const group = await store.transaction(async (tx) => {
      await tx.insertMailbox(m, null);
      const seq = await tx.nextChangeSeq({ mailboxId: m.id });
      const g = newCalendarGroup({ ids: randomIds, mailbox: m, seq, name: "My Calendars", isDefault: true });
      await tx.insertCalendarGroup({ mailboxId: m.id, group: g });
      return g;
    });
    return { m, group };
  }

  /** Creates, updates or removes a calendar the way the services do: row + log entry, one seq. */
  async function write(m: Mailbox, group: CalendarGroup, op: { create: string } | { update: Calendar; name: string } | { remove: Calendar }): Promise<Calendar> {
    return store.transaction(async (tx) => {
      const seq = await tx.nextChangeSeq({ mailboxId: m.id });
      let cal: Calendar;
      if ("create" in op) {
        cal = newCalendar({ ids: randomIds, mailbox: m, seq, name: op.create, group, explicitGroup: false });
        await tx.insertCalendar({ mailboxId: m.id, calendar: cal });
      } else if ("update" in op) {
        cal = { ...op.update, name: op.name, changeSeq: seq, changeKey: changeKeyFor(m.id, seq) };
        await tx.updateCalendar({ mailboxId: m.id, calendar: cal });
      } else {
        cal = op.remove;
        await tx.deleteCalendar({ mailboxId: m.id, calendarId: cal.id });
      }
      const removed = "remove" in op;
      await tx.appendChange({ mailboxId: m.id, change: { seq, calendarId: cal.id, createdSeq: cal.createdSeq, removed, calendar: removed ? null : cal, changedAt: new Date(Date.now()) } });
      return cal;
    });
  }

  it("mailboxes: found by id and by UPN case-insensitively", async () => {
    const m = mailbox();
    await store.transaction((tx) => tx.insertMailbox(m, "hash"));
    expect(await store.findMailbox({ id: m.id })).toEqual(m);
    expect(await store.findMailbox({ userPrincipalName: m.userPrincipalName.toUpperCase() })).toEqual(m);
    expect(await store.getPasswordHash({ mailboxId: m.id })).toBe("hash");
    expect(await store.findMailbox({ id: randomIds.guid() })).toBeUndefined();
  });

  it("calendars: insert, get, rename, list in creation order, delete", async () => {
    const { m, group } = await setup();
    const a = await write(m, group, { create: "Alpha" });
    const b = await write(m, group, { create: "Beta" });
    expect(await store.getCalendar({ mailboxId: m.id, calendarId: a.id })).toEqual(a);
    const a2 = await write(m, group, { update: a, name: "Gamma" });
    expect((await store.findCalendarByName({ mailboxId: m.id, nameKey: "gamma" }))?.id).toBe(a.id);
    expect((await store.listCalendars({ mailboxId: m.id, offset: 0, limit: 10 })).map((c) => c.name)).toEqual(["Gamma", "Beta"]);
    expect(await store.countCalendars({ mailboxId: m.id, groupId: group.id })).toBe(2);
    await write(m, group, { remove: b });
    expect(await store.getCalendar({ mailboxId: m.id, calendarId: b.id })).toBeUndefined();
    expect((await store.listCalendars({ mailboxId: m.id, offset: 0, limit: 10 })).map((c) => c.id)).toEqual([a2.id]);
  });

  it("calendars: the unique name index backs the service's check", async () => {
    const { m, group } = await setup();
    await write(m, group, { create: "Same" });
    await expect(write(m, group, { create: "SAME" })).rejects.toThrow();
  });

  it("transaction: a failure rolls everything back, including the sequence", async () => {
    const { m, group } = await setup();
    const before = await store.getSyncState({ mailboxId: m.id });
    await expect(store.transaction(async (tx) => {
      const seq = await tx.nextChangeSeq({ mailboxId: m.id });
      await tx.insertCalendar({ mailboxId: m.id, calendar: newCalendar({ ids: randomIds, mailbox: m, seq, name: "Ghost", group, explicitGroup: false }) });
      throw new Error("boom");
    })).rejects.toThrow("boom");
    expect(await store.getSyncState({ mailboxId: m.id })).toEqual(before);
    expect(await store.findCalendarByName({ mailboxId: m.id, nameKey: "ghost" })).toBeUndefined();
  });

  it("getChangeSeq: the committed seq, never one of a transaction still open (caches validate with it)", async () => {
    const { m } = await setup();
    const committed = (await store.getSyncState({ mailboxId: m.id }))!.changeSeq;
    expect(await store.getChangeSeq({ mailboxId: m.id })).toBe(committed);
    expect(await store.getChangeSeq({ mailboxId: "00000000-0000-0000-0000-000000000000" })).toBeUndefined();
    let release!: () => void;
    let taken!: () => void;
    const seqTaken = new Promise<void>((r) => { taken = r; });
    const write = store.transaction(async (tx) => {
      await tx.nextChangeSeq({ mailboxId: m.id });
      taken();
      await new Promise<void>((r) => { release = r; });
      throw new Error("rolled back");
    });
    await seqTaken;
    // Asked while the write is open: the answer may wait for it, but is never its own seq.
    const during = store.getChangeSeq({ mailboxId: m.id });
    const state = store.getSyncState({ mailboxId: m.id });
    release();
    await expect(write).rejects.toThrow("rolled back");
    expect(await during).toBe(committed);
    expect((await state)!.changeSeq).toBe(committed);
  });

  it("nextChangeSeq: concurrent writers of one mailbox get distinct consecutive numbers, committed in order", async () => {
    const { m, group } = await setup();
    const start = (await store.getSyncState({ mailboxId: m.id }))!.changeSeq;
    const commits: number[] = [];
    await Promise.all(Array.from({ length: 12 }, (_, i) => store.transaction(async (tx) => {
      const seq = await tx.nextChangeSeq({ mailboxId: m.id });
      const cal = newCalendar({ ids: randomIds, mailbox: m, seq, name: `C${i}`, group, explicitGroup: false });
      await tx.insertCalendar({ mailboxId: m.id, calendar: cal });
      await new Promise((r) => setTimeout(r, i % 3));
      return seq;
    }).then((seq) => commits.push(seq))));
    expect([...commits].sort((a, b) => a - b)).toEqual(Array.from({ length: 12 }, (_, i) => start + 1 + i));
    // Commit order equals sequence order: the counter row lock serialises the writers.
    expect(commits).toEqual([...commits].sort((a, b) => a - b));
  });

  it("listChanges: collapses per calendar within (since, upTo] and orders by seq", async () => {
    const { m, group } = await setup();
    const base = (await store.getSyncState({ mailboxId: m.id }))!.changeSeq;
    const a = await write(m, group, { create: "A" });            // base+1
    const b = await write(m, group, { create: "B" });            // base+2
    const a2 = await write(m, group, { update: a, name: "A2" }); // base+3
    await write(m, group, { remove: b });                        // base+4
    const c = await write(m, group, { create: "C" });            // base+5
    await write(m, group, { remove: c });                        // base+6
    const list = (since: number, upTo: number, after = since, limit = 100) =>
      store.listChanges({ mailboxId: m.id, since, upTo, after, limit });

    // Initial round: current state only, no removals.
    expect((await list(0, base + 6)).map((x) => [x.calendarId, x.removed, x.calendar?.name])).toEqual([[a.id, false, "A2"]]);
    // From base+2: A changed, B existed at the watermark and went, C never existed for the client.
    expect((await list(base + 2, base + 6)).map((x) => [x.calendarId, x.removed])).toEqual([[a.id, false], [b.id, true]]);
    // The round's frozen upper bound hides later changes: at base+3 B was still there.
    expect((await list(0, base + 3)).map((x) => x.calendar?.name)).toEqual(["B", "A2"]);
    // Paging with `after` walks the same slice.
    const first = await list(0, base + 3, 0, 1);
    const second = await list(0, base + 3, first[0]!.seq, 1);
    expect([...first, ...second].map((x) => x.calendar?.name)).toEqual(["B", "A2"]);
    expect(a2.changeSeq).toBe(base + 3);
  });

  it("pruneChanges: drops superseded history and removals but keeps each live calendar's latest entry", async () => {
    const { m, group } = await setup();
    const a = await write(m, group, { create: "P-A" });
    await write(m, group, { update: a, name: "P-A2" });
    const b = await write(m, group, { create: "P-B" });
    await write(m, group, { remove: b });
    const state = (await store.getSyncState({ mailboxId: m.id }))!;
    const { pruned } = await store.pruneChanges({ before: new Date(Date.now() + 1000) });
    expect(pruned).toBeGreaterThanOrEqual(3);
    const after = (await store.getSyncState({ mailboxId: m.id }))!;
    expect(after.pruneSeq).toBe(state.changeSeq);
    const initial = await store.listChanges({ mailboxId: m.id, since: 0, upTo: after.changeSeq, after: 0, limit: 100 });
    expect(initial.map((x) => x.calendar?.name)).toEqual(["P-A2"]);
  });

  it("settings: putSettingIfAbsent keeps the first value, even when racing", async () => {
    const key = `k-${randomIds.guid()}`;
    const results = await Promise.all(["one", "two", "three"].map((v) => store.transaction((tx) => tx.putSettingIfAbsent(key, v))));
    expect(new Set(results).size).toBe(1);
    expect(await store.getSetting(key)).toBe(results[0]);
  });

  it("apps: stored once, found by client id", async () => {
    const app = { clientId: randomIds.guid(), tenantId: "t1", displayName: "x", secretHash: "h", roles: ["Calendars.Read"] };
    await store.transaction((tx) => tx.putApp(app));
    await store.transaction((tx) => tx.putApp({ ...app, roles: [] }));
    expect(await store.getApp(app.clientId)).toEqual(app);
  });
});
