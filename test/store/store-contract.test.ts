import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  collapseChanges, newCalendar, newCalendarGroup, randomIds, changeKeyFor,
  type Calendar, type CalendarChange, type CalendarGroup, type CollapseWindow, type Mailbox, type Store,
} from "../../src/domain/index.js";
import { ENGINES } from "../support/engines.js";
import { makeStore } from "../support/test-stores.js";

// The Store contract, written once and run against every engine (conventions §10b).


/**
 * One generated write: a transaction whose steps each take a seq, as ChangeLogWriter.write
 * does (provisioning and moving the default flag take several). A step creates, updates or
 * removes a calendar and logs it; a "gap" takes a seq and logs nothing, as calendar-group
 * writes do. `pick` chooses among the live calendars.
 */
type HistoryStep = { kind: "create" } | { kind: "update" | "remove"; pick: number } | { kind: "gap" };

const stepArb: fc.Arbitrary<HistoryStep> = fc.oneof(
  { weight: 3, arbitrary: fc.constant({ kind: "create" as const }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant("update" as const), pick: fc.nat({ max: 15 }) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("remove" as const), pick: fc.nat({ max: 15 }) }) },
  { weight: 1, arbitrary: fc.constant({ kind: "gap" as const }) },
);
const historyArb = fc.array(fc.array(stepArb, { minLength: 1, maxLength: 3 }), { minLength: 1, maxLength: 12 });
/** Raw window numbers, mapped onto the mailbox's seqs once the history is written (see `within`). */
const windowArb = fc.record({ since: fc.nat(), upTo: fc.nat(), after: fc.nat(), limit: fc.integer({ min: 1, max: 6 }) });
const windowsArb = fc.array(windowArb, { minLength: 1, maxLength: 6 });
// A fixed seed keeps runs reproducible; modest runs keep each engine's check to a few seconds.
const PROPERTY = { seed: 20260425, numRuns: 15 } as const;

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

  /**
   * Writes a generated history through the store's transaction API and returns the raw change
   * log it appended, in seq order. `changedAt(i)` dates the entries of the i-th transaction.
   */
  async function writeHistory(m: Mailbox, group: CalendarGroup, history: HistoryStep[][], changedAt: (i: number) => Date): Promise<CalendarChange[]> {
    const log: CalendarChange[] = [];
    const live: Calendar[] = [];
    let names = 0;
    for (const [i, steps] of history.entries()) {
      const entries = await store.transaction(async (tx) => {
        const written: CalendarChange[] = [];
        for (const step of steps) {
          const seq = await tx.nextChangeSeq({ mailboxId: m.id });
          if (step.kind === "gap") continue;
          const k = step.kind === "create" || live.length === 0 ? -1 : step.pick % live.length;
          let change: CalendarChange;
          if (k < 0) {
            const cal = newCalendar({ ids: randomIds, mailbox: m, seq, name: `H${names++}`, group, explicitGroup: false });
            await tx.insertCalendar({ mailboxId: m.id, calendar: cal });
            live.push(cal);
            change = { seq, calendarId: cal.id, createdSeq: seq, removed: false, calendar: cal, changedAt: changedAt(i) };
          } else if (step.kind === "update") {
            const cal = { ...live[k]!, name: `H${names++}`, changeSeq: seq, changeKey: changeKeyFor(m.id, seq) };
            await tx.updateCalendar({ mailboxId: m.id, calendar: cal });
            live[k] = cal;
            change = { seq, calendarId: cal.id, createdSeq: cal.createdSeq, removed: false, calendar: cal, changedAt: changedAt(i) };
          } else {
            const [cal] = live.splice(k, 1) as [Calendar];
            await tx.deleteCalendar({ mailboxId: m.id, calendarId: cal.id });
            change = { seq, calendarId: cal.id, createdSeq: cal.createdSeq, removed: true, calendar: null, changedAt: changedAt(i) };
          }
          await tx.appendChange({ mailboxId: m.id, change });
          written.push(change);
        }
        return written;
      });
      log.push(...entries);
    }
    return log;
  }

  /** Maps a generated number onto [lo, hi]. */
  const within = (n: number, lo: number, hi: number): number => lo + (n % (hi - lo + 1));

  it("listChanges: equals collapseChanges of the raw log, for generated histories and windows", async () => {
    await fc.assert(fc.asyncProperty(historyArb, windowsArb, async (history, windows) => {
      const { m, group } = await setup();
      const log = await writeHistory(m, group, history, () => new Date(Date.now()));
      const { changeSeq } = (await store.getSyncState({ mailboxId: m.id }))!;
      // The whole initial round, then windows with upTo at or above since and `after` anywhere,
      // and one with all three anywhere: windows the service never asks for (`after` or `upTo`
      // below `since`) are included, so the two agree on the whole domain.
      const [any] = windows as [CollapseWindow];
      const asked: CollapseWindow[] = [
        { since: 0, upTo: changeSeq, after: 0, limit: 1000 },
        { since: within(any.since, 0, changeSeq), upTo: within(any.upTo, 0, changeSeq), after: within(any.after, 0, changeSeq), limit: any.limit },
      ];
      for (const w of windows) {
        const since = within(w.since, 0, changeSeq);
        asked.push({ since, upTo: within(w.upTo, since, changeSeq), after: within(w.after, 0, changeSeq), limit: w.limit });
      }
      for (const w of asked) {
        expect(await store.listChanges({ mailboxId: m.id, ...w }), JSON.stringify(w)).toEqual(collapseChanges({ changes: log, ...w }));
      }
    }), PROPERTY);
  });

  it("pruneChanges: every window the retention check admits still equals collapseChanges of the unpruned log", async () => {
    // Entries of the first `old` transactions are dated 2000, the rest now; pruning before 2001
    // touches these mailboxes only (every other test writes at Date.now()).
    const OLD = Date.UTC(2000, 0, 1);
    const CUTOFF = new Date(Date.UTC(2001, 0, 1));
    await fc.assert(fc.asyncProperty(historyArb, fc.nat(), windowsArb, async (history, oldRaw, windows) => {
      const { m, group } = await setup();
      const old = oldRaw % (history.length + 1);
      const log = await writeHistory(m, group, history, (i) => new Date(i < old ? OLD + i : Date.now()));
      await store.pruneChanges({ before: CUTOFF });
      const { changeSeq, pruneSeq } = (await store.getSyncState({ mailboxId: m.id }))!;
      expect(pruneSeq).toBe(Math.max(0, ...log.filter((c) => c.changedAt < CUTOFF).map((c) => c.seq)));
      // DeltaService.checkRetained admits initial rounds whose frozen upTo is at or above
      // pruneSeq, and incremental rounds whose since is (domain/delta/README.md §6).
      const asked: CollapseWindow[] = [{ since: 0, upTo: changeSeq, after: 0, limit: 1000 }];
      for (const w of windows) {
        // A page of an initial round: since 0, its frozen upTo at or above pruneSeq.
        const initialUpTo = within(w.upTo, pruneSeq, changeSeq);
        asked.push({ since: 0, upTo: initialUpTo, after: within(w.after, 0, initialUpTo), limit: w.limit });
        // A page of an incremental round: pruneSeq <= since <= after <= upTo.
        const since = within(w.since, Math.max(1, pruneSeq), changeSeq);
        const upTo = within(w.upTo, since, changeSeq);
        asked.push({ since, upTo, after: within(w.after, since, upTo), limit: w.limit });
      }
      for (const w of asked) {
        expect(await store.listChanges({ mailboxId: m.id, ...w }), JSON.stringify(w)).toEqual(collapseChanges({ changes: log, ...w }));
      }
    }), PROPERTY);
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

  it("listCalendarChanges: every entry above `after`, uncollapsed, in seq order, at most `limit`", async () => {
    const { m, group } = await setup();
    const a = await write(m, group, { create: "A" });
    const a2 = await write(m, group, { update: a, name: "A2" });
    await write(m, group, { remove: a2 });
    const b = await write(m, group, { create: "B" });
    const all = await store.listCalendarChanges({ mailboxId: m.id, after: 0, limit: 100 });
    expect(all.map((c) => [c.calendarId, c.removed, c.calendar?.name ?? null])).toEqual([
      [a.id, false, "A"], [a.id, false, "A2"], [a.id, true, null], [b.id, false, "B"],
    ]);
    expect((await store.listCalendarChanges({ mailboxId: m.id, after: all[0]!.seq, limit: 2 })).map((c) => c.seq)).toEqual([all[1]!.seq, all[2]!.seq]);
    expect(await store.listCalendarChanges({ mailboxId: m.id, after: all[3]!.seq, limit: 100 })).toEqual([]);
  });

  it("settings: putSettingIfAbsent keeps the first value, even when racing", async () => {
    const key = `k-${randomIds.guid()}`;
    const results = await Promise.all(["one", "two", "three"].map((v) => store.transaction((tx) => tx.putSettingIfAbsent(key, v))));
    expect(new Set(results).size).toBe(1);
    expect(await store.getSetting(key)).toBe(results[0]);
  });

  it("apps: stored once, found by client id, with their roles and delegated scopes", async () => {
    const app = {
      clientId: randomIds.guid(), tenantId: "t1", displayName: "x", secretHash: "h", roles: ["Calendars.Read"], delegatedScopes: ["User.Read"],
    };
    await store.transaction((tx) => tx.putApp(app));
    await store.transaction((tx) => tx.putApp({ ...app, roles: [], delegatedScopes: [] }));
    expect(await store.getApp(app.clientId)).toEqual(app);
  });

  it("snapshotAll / restoreAll: the rows come back exactly; counters continue above every seq the store had; old watermarks fall below the reset", async () => {
    // A store of its own: a restore empties the whole store.
    const own = await makeStore(engine);
    try {
      const m = mailbox();
      const seqAfterSetup = await own.store.transaction(async (tx) => {
        await tx.insertMailbox(m, null);
        const seq = await tx.nextChangeSeq({ mailboxId: m.id });
        await tx.insertCalendarGroup({ mailboxId: m.id, group: newCalendarGroup({ ids: randomIds, mailbox: m, seq, name: "My Calendars", isDefault: true }) });
        return seq;
      });
      const app = { clientId: randomIds.guid(), tenantId: "t1", displayName: "x", secretHash: "h", roles: ["Calendars.Read"], delegatedScopes: ["Calendars.Read"] };
      await own.store.transaction((tx) => tx.putApp(app));
      const snapshot = await own.store.snapshotAll();
      expect(snapshot?.rows).toBeGreaterThanOrEqual(3);
      const groupsBefore = await own.store.listCalendarGroups({ mailboxId: m.id, offset: 0, limit: 10 });
      // Afterwards: more writes, a second mailbox, the app gone.
      const later = await own.store.transaction(async (tx) => {
        await tx.nextChangeSeq({ mailboxId: m.id });
        return tx.nextChangeSeq({ mailboxId: m.id });
      });
      const other = mailbox();
      await own.store.transaction((tx) => tx.insertMailbox(other, null));
      await own.store.resetAll();
      expect(await own.store.getApp(app.clientId)).toBeUndefined();

      await own.store.restoreAll(snapshot as NonNullable<typeof snapshot>);
      expect(await own.store.findMailbox({ id: m.id })).toEqual(m);
      expect(await own.store.findMailbox({ id: other.id })).toBeUndefined();
      expect(await own.store.getApp(app.clientId)).toEqual(app);
      expect(await own.store.listCalendarGroups({ mailboxId: m.id, offset: 0, limit: 10 })).toEqual(groupsBefore);
      const state = (await own.store.getSyncState({ mailboxId: m.id }))!;
      expect(state.changeSeq).toBeGreaterThan(later);
      expect(state.resetSeq).toBe(state.changeSeq);
      expect(seqAfterSetup).toBeLessThan(state.resetSeq);
      // Twice in a row: the same rows again, the counters higher still.
      await own.store.restoreAll(snapshot as NonNullable<typeof snapshot>);
      expect(await own.store.listCalendarGroups({ mailboxId: m.id, offset: 0, limit: 10 })).toEqual(groupsBefore);
      expect((await own.store.getSyncState({ mailboxId: m.id }))!.changeSeq).toBeGreaterThan(state.changeSeq);
    } finally {
      await own.dispose();
    }
  });

  it("findTenantId: by an app's or a mailbox's tenant id, by a UPN domain (any case) or its first label; wildcards find nothing", async () => {
    const tenantId = randomIds.guid();
    const label = `t${randomIds.guid().slice(0, 8)}`;
    expect(await store.findTenantId(tenantId)).toBeUndefined();
    await store.transaction((tx) => tx.insertMailbox({ ...mailbox(), tenantId, userPrincipalName: `ada@${label}.example` }, null));
    for (const name of [tenantId, `${label}.example`, `${label.toUpperCase()}.Example`, label]) {
      expect(await store.findTenantId(name), name).toBe(tenantId);
    }
    for (const name of [`${label}.exampl`, `${label.slice(0, -1)}`, "%", "_", `${label}%`, "", `ada@${label}.example`]) {
      expect(await store.findTenantId(name), name).toBeUndefined();
    }
    const appTenant = randomIds.guid();
    await store.transaction((tx) => tx.putApp({
      clientId: randomIds.guid(), tenantId: appTenant, displayName: "x", secretHash: "h", roles: [], delegatedScopes: [],
    }));
    expect(await store.findTenantId(appTenant)).toBe(appTenant);
  });
});
