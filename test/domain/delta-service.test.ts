import { afterEach, describe, expect, it } from "vitest";
import {
  BadSyncTokenError, CalendarService, EventService, ChangeLogWriter, DeltaService, ManualClock, MailboxService, ResyncRequiredError,
  SyncStateInvalidError, SyncStateNotFoundError, TOKEN_REUSE_MS, randomIds,
  type DeltaCursor, type DeltaItem, type DeltaOptions, type DeltaPage, type Mailbox, type PageCursor, type RoundCursor,
  type Store,
} from "../../src/domain/index.js";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openStore } from "../../src/store/index.js";

// DeltaService over a real store (SQLite :memory:) with a manual clock, wired as in
// server/create-server.ts; the HTTP suites (test/api/delta*.test.ts) cover the same rules
// through tokens and links. The algorithm is described in src/domain/delta/README.md.

const DAY = 86400_000;
const CALLER = "u:owner";
/** The production defaults: DELTA_RETENTION_DAYS=30, WATERMARK_TTL_MS=1000. */
const DEFAULTS: DeltaOptions = { retentionMs: 30 * DAY, watermarkTtlMs: 1000 };

/** One graphcal process: its own writer (whose commits move its own watermark cache) and services. */
function processOn(store: Store, clock: ManualClock, options: DeltaOptions) {
  const writer = new ChangeLogWriter(store, clock);
  return {
    writer,
    mailboxes: new MailboxService({ writer, ids: randomIds, clock, birthdays: false }),
    calendars: new CalendarService({ writer, clock, ids: randomIds, events: new EventService({ writer, clock, ids: randomIds }) }),
    delta: new DeltaService({ store, clock, writer, options }),
  };
}

type Process = ReturnType<typeof processOn>;
interface World extends Process {
  clock: ManualClock;
  store: Store;
  mailbox: Mailbox;
}

let opened: Store[] = [];
let dirs: string[] = [];
afterEach(async () => {
  await Promise.all(opened.map((s) => s.close()));
  opened = [];
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  dirs = [];
});

/** A fresh store and process with one provisioned mailbox (its default calendar only). */
async function openWorld(options: Partial<DeltaOptions> = {}): Promise<World> {
  const clock = new ManualClock(Date.UTC(2026, 2, 1, 9, 0, 0));
  const store = await openStore({ dataDir: ":memory:", now: () => clock.now().getTime() });
  opened.push(store);
  const here = processOn(store, clock, { ...DEFAULTS, ...options });
  const mailbox = await here.mailboxes.provision({ tenantId: "t1", userPrincipalName: "owner@example.com", displayName: "Owner" });
  return { ...here, clock, store, mailbox };
}

/** One request of the round at `cursor`, by the owner on beta unless told otherwise; `via` asks another process. */
function page(w: World, cursor: DeltaCursor, opts: { pageSize?: number; via?: Process; mailbox?: Mailbox; apiVersion?: "beta" | "v1.0"; caller?: string; select?: string[] | null } = {}): Promise<DeltaPage> {
  return (opts.via ?? w).delta.page({
    mailbox: opts.mailbox ?? w.mailbox, cursor, pageSize: opts.pageSize ?? 100,
    apiVersion: opts.apiVersion ?? "beta", select: opts.select ?? null, caller: opts.caller ?? CALLER,
  });
}

/** Pages until the round completes. */
async function round(w: World, cursor: DeltaCursor, pageSize = 100): Promise<{ pages: DeltaPage[]; items: DeltaItem[]; end: RoundCursor }> {
  const pages: DeltaPage[] = [];
  for (let p = await page(w, cursor, { pageSize }); ; p = await page(w, p.next, { pageSize })) {
    pages.push(p);
    if (p.kind === "complete") return { pages, items: pages.flatMap((x) => x.items), end: p.round };
  }
}

/** The cursor of a page that says more pages follow. */
function more(p: DeltaPage): PageCursor {
  if (p.kind !== "more") throw new Error(`expected more pages, got ${p.kind}`);
  return p.next;
}

/** The cursor of a page that completes its round. */
function complete(p: DeltaPage): RoundCursor {
  if (p.kind !== "complete") throw new Error(`expected a complete round, got ${p.kind}`);
  return p.round;
}

/** Items as names (live calendars) or `-id` (removals). */
const seen = (items: readonly DeltaItem[]): string[] => items.map((i) => (i.removed ? `-${i.id}` : i.calendar.name));

const create = (w: World | Process, mailbox: Mailbox, name: string) =>
  w.calendars.create({ mailbox, body: { name }, apiVersion: "beta" });
const rename = (w: World, id: string, name: string) =>
  w.calendars.update({ mailbox: w.mailbox, target: { calendarId: id }, body: { name }, apiVersion: "beta" });
const remove = (w: World, id: string) => w.calendars.delete({ mailbox: w.mailbox, target: { calendarId: id } });

async function changeSeq(w: World): Promise<number> {
  return (await w.store.getSyncState({ mailboxId: w.mailbox.id }))!.changeSeq;
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error("expected a rejection");
}

describe("DeltaService", () => {
  it("delta: an initial round pages through a frozen upTo; a page with more is always full", async () => {
    const w = await openWorld();
    for (const name of ["A", "B", "C", "D", "E"]) await create(w, w.mailbox, name);
    const upTo = await changeSeq(w);
    const { pages, items, end } = await round(w, { kind: "initial" }, 2);
    expect(pages.map((p) => [p.kind, p.items.length])).toEqual([["more", 2], ["more", 2], ["complete", 2]]);
    const cursors = pages.flatMap((p) => (p.kind === "more" ? [p.next] : []));
    expect(cursors.map((c) => [c.since, c.upTo])).toEqual([[0, upTo], [0, upTo]]);
    expect(cursors[1]!.after).toBeGreaterThan(cursors[0]!.after);
    expect(seen(items)).toEqual(["Calendar", "A", "B", "C", "D", "E"]);
    expect(end).toMatchObject({ kind: "round", since: upTo, mailboxId: w.mailbox.id, caller: CALLER, apiVersion: "beta" });
    // An exact multiple of the page size ends on a full final page, not an empty one.
    const even = await round(w, { kind: "initial" }, 3);
    expect(even.pages.map((p) => [p.kind, p.items.length])).toEqual([["more", 3], ["complete", 3]]);
  });

  it("delta: a change made mid-round waits for the next round", async () => {
    const w = await openWorld();
    const a = await create(w, w.mailbox, "A");
    await create(w, w.mailbox, "B");
    const upTo = await changeSeq(w);
    const first = await page(w, { kind: "initial" }, { pageSize: 1 });
    expect(seen(first.items)).toEqual(["Calendar"]);
    await create(w, w.mailbox, "Late");
    await rename(w, a.id, "A2");
    // The rest of the round is the mailbox as it was at upTo: A under its old name, no Late.
    const rest = await round(w, more(first), 1);
    expect(seen(rest.items)).toEqual(["A", "B"]);
    expect(rest.end.since).toBe(upTo);
    const next = await round(w, rest.end);
    expect(seen(next.items)).toEqual(["Late", "A2"]);
  });

  it("delta: changes between rounds collapse per calendar (create+update, create+delete, update+delete)", async () => {
    const w = await openWorld();
    const known = await create(w, w.mailbox, "Known");
    const { end } = await round(w, { kind: "initial" });
    const a = await create(w, w.mailbox, "A");
    await rename(w, a.id, "A2");
    const b = await create(w, w.mailbox, "B");
    await remove(w, b.id);
    await rename(w, known.id, "Known2");
    await remove(w, known.id);
    const next = await round(w, end, 1);
    expect(seen(next.items)).toEqual(["A2", `-${known.id}`]);
    expect(next.pages.map((p) => p.kind)).toEqual(["more", "complete"]);
  });

  it("delta: $select is fixed by the round's first request; later requests' $select is ignored", async () => {
    const w = await openWorld();
    await create(w, w.mailbox, "A");
    const first = more(await page(w, { kind: "initial" }, { pageSize: 1, select: ["name"] }));
    expect(first.select).toEqual(["name"]);
    expect(complete(await page(w, first, { select: ["color"] })).select).toEqual(["name"]);
  });

  describe("binding checks → BadSyncTokenError", () => {
    it("delta: a token for another mailbox, API version or caller is badly formed", async () => {
      const w = await openWorld();
      const other = await w.mailboxes.provision({ tenantId: "t1", userPrincipalName: "other@example.com", displayName: "Other" });
      await create(w, w.mailbox, "A");
      const first = more(await page(w, { kind: "initial" }, { pageSize: 1 }));
      const { end } = await round(w, { kind: "initial" });
      for (const cursor of [first, end]) {
        const cases = [
          [{ mailbox: other }, "token is for another mailbox"],
          [{ apiVersion: "v1.0" as const }, "token is for another API version"],
          [{ caller: "u:someone-else" }, "token was issued to another caller"],
          [{ caller: "a:an-app" }, "token was issued to another caller"],
        ] as const;
        for (const [opts, reason] of cases) {
          const error = await rejection(page(w, cursor, opts));
          expect(error).toBeInstanceOf(BadSyncTokenError);
          expect(error).toMatchObject({ reason });
        }
      }
    });

    it("delta: a token issued more than 5 minutes in the future is badly formed", async () => {
      const w = await openWorld();
      const { end } = await round(w, { kind: "initial" });
      const issued = w.clock.now().getTime();
      w.clock.set(issued - 300_000);
      expect((await page(w, end)).kind).toBe("complete");
      w.clock.set(issued - 301_000);
      const error = await rejection(page(w, end));
      expect(error).toBeInstanceOf(BadSyncTokenError);
      expect(error).toMatchObject({ reason: "token issued in the future" });
    });
  });

  describe("410s", () => {
    it("delta: a token older than the retention period → SyncStateNotFoundError", async () => {
      const w = await openWorld({ retentionMs: 2 * DAY });
      await create(w, w.mailbox, "A");
      const first = more(await page(w, { kind: "initial" }, { pageSize: 1 }));
      const { end } = await round(w, { kind: "initial" });
      w.clock.advance(2 * DAY);
      expect(complete(await page(w, end)).since).toBe(end.since);
      expect(seen((await round(w, first)).items)).toEqual(["A"]);
      w.clock.advance(1000);
      expect(await rejection(page(w, end))).toBeInstanceOf(SyncStateNotFoundError);
      expect(await rejection(page(w, first))).toBeInstanceOf(SyncStateNotFoundError);
    });

    it("delta: history pruned above a token's position → SyncStateNotFoundError; tokens at or above the prune watermark go on", async () => {
      const w = await openWorld();
      const a = await create(w, w.mailbox, "A");
      const initialPage = more(await page(w, { kind: "initial" }, { pageSize: 1 }));
      const old = await round(w, { kind: "initial" });
      await rename(w, a.id, "A2");
      const b = await create(w, w.mailbox, "B");
      await remove(w, b.id);
      const c = await create(w, w.mailbox, "C");
      const previous = await round(w, old.end);
      await rename(w, c.id, "C2");
      const incrementalPage = more(await page(w, old.end, { pageSize: 1 }));
      const latest = await round(w, previous.end);
      // The retention job with everything written so far older than its cutoff; then past
      // the watermark TTL, so every answer below comes from the store.
      w.clock.advance(1);
      await w.store.pruneChanges({ before: w.clock.now() });
      const { pruneSeq } = (await w.store.getSyncState({ mailboxId: w.mailbox.id }))!;
      expect([previous.end.since + 1, latest.end.since]).toEqual([pruneSeq, pruneSeq]);
      w.clock.advance(DEFAULTS.watermarkTtlMs + 1);
      // Rounds from below the watermark may need removals and superseded entries the job
      // deleted: the round token, a page of such a round (even though its frozen upTo is above
      // the watermark), and a token just one seq below it.
      expect(await rejection(page(w, old.end))).toBeInstanceOf(SyncStateNotFoundError);
      expect(incrementalPage.upTo).toBe(pruneSeq);
      expect(await rejection(page(w, incrementalPage))).toBeInstanceOf(SyncStateNotFoundError);
      expect(await rejection(page(w, previous.end))).toBeInstanceOf(SyncStateNotFoundError);
      // A page of an initial round whose frozen upTo is below the watermark: its snapshot is thinned.
      expect(await rejection(page(w, initialPage))).toBeInstanceOf(SyncStateNotFoundError);
      // At or above the watermark nothing a round needs is gone: the round token at it, and
      // the pages of an initial round whose upTo is frozen at or above it (each live
      // calendar's latest entry is kept).
      expect(seen((await round(w, latest.end)).items)).toEqual([]);
      expect(seen((await round(w, { kind: "initial" }, 1)).items)).toEqual(["Calendar", "A2", "C2"]);
    });

    it("delta: a token ahead of the mailbox (a store restored from an older backup) → SyncStateInvalidError", async () => {
      const w = await openWorld();
      await create(w, w.mailbox, "A");
      const first = more(await page(w, { kind: "initial" }, { pageSize: 1 }));
      const { end } = await round(w, { kind: "initial" });
      // The service trusts a cursor's numbers (their MAC is http/'s business): a cursor from
      // before a restore is one whose position the restored mailbox has not reached.
      expect(await rejection(page(w, { ...end, since: end.since + 3 }))).toBeInstanceOf(SyncStateInvalidError);
      expect(await rejection(page(w, { ...first, upTo: first.upTo + 1 }))).toBeInstanceOf(SyncStateInvalidError);
    });

    it("delta: after an admin reset every earlier token → ResyncRequiredError; a new initial round works", async () => {
      const w = await openWorld();
      await create(w, w.mailbox, "A");
      const first = more(await page(w, { kind: "initial" }, { pageSize: 1 }));
      const { end } = await round(w, { kind: "initial" });
      await w.delta.reset(w.mailbox.id);
      expect(await rejection(page(w, end))).toBeInstanceOf(ResyncRequiredError);
      expect(await rejection(page(w, first))).toBeInstanceOf(ResyncRequiredError);
      const fresh = await round(w, { kind: "initial" });
      expect(seen(fresh.items)).toEqual(["Calendar", "A"]);
      expect((await page(w, fresh.end)).kind).toBe("complete");
    });
  });

  describe("watermark fast path", () => {
    // Whether the store was read is not observable from outside, and a spy would test the
    // wiring, not the rule. What is observable is the rule's visible consequence: a poll
    // answered from the watermark sees this process's own writes at once (the watermark moves
    // on commit), and another process's as soon as SQLite's data version tells it another
    // connection committed (WatermarkCache; PostgreSQL, which has no such mark, waits out the
    // TTL: test/api/hot-path-caches.test.ts on that engine). Another process is another
    // connection to the same database file, as in production.

    /** A world on a database file, and a second process over its own connection to that file. */
    async function twoProcesses(options: Partial<DeltaOptions>) {
      const dir = mkdtempSync(join(tmpdir(), "graphcal-delta-"));
      dirs.push(dir);
      const clock = new ManualClock(Date.UTC(2026, 2, 1, 9, 0, 0));
      const store = await openStore({ dataDir: dir, now: () => clock.now().getTime() });
      const otherStore = await openStore({ dataDir: dir, now: () => clock.now().getTime() });
      opened.push(store, otherStore);
      const here = processOn(store, clock, { ...DEFAULTS, ...options });
      const mailbox = await here.mailboxes.provision({ tenantId: "t1", userPrincipalName: "owner@example.com", displayName: "Owner" });
      const w: World = { ...here, clock, store, mailbox };
      return { w, other: processOn(otherStore, clock, DEFAULTS) };
    }

    it("delta: a write by another process is seen by the next poll, though the watermark's TTL has not passed", async () => {
      const { w, other } = await twoProcesses({ watermarkTtlMs: 3600_000 });
      const { end } = await round(w, { kind: "initial" });
      expect(await page(w, end)).toEqual({ kind: "complete", items: [], round: end });
      await create(other, w.mailbox, "Elsewhere");
      expect(seen((await page(w, end)).items)).toEqual(["Elsewhere"]);
    });

    it("delta: this process's own writes are seen at once (the watermark moves on commit)", async () => {
      const w = await openWorld({ watermarkTtlMs: 3600_000 });
      const { end } = await round(w, { kind: "initial" });
      expect(await page(w, end)).toEqual({ kind: "complete", items: [], round: end });
      await create(w, w.mailbox, "Here");
      expect(seen((await page(w, end)).items)).toEqual(["Here"]);
    });

    it("delta: another process's reset is a 410 on the next poll", async () => {
      const { w, other } = await twoProcesses({ watermarkTtlMs: 3600_000 });
      const { end } = await round(w, { kind: "initial" });
      expect((await page(w, end)).kind).toBe("complete");
      await other.delta.reset(w.mailbox.id);
      expect(await rejection(page(w, end))).toBeInstanceOf(ResyncRequiredError);
    });

    it("delta: repeatsUnchanged holds exactly while a poll would hand the client its own cursor back", async () => {
      const w = await openWorld({ watermarkTtlMs: 3600_000 });
      const { end } = await round(w, { kind: "initial" });
      expect(w.delta.repeatsUnchanged(end)).toBe(true);
      expect(complete(await page(w, end))).toBe(end);
      w.clock.advance(TOKEN_REUSE_MS - 1000);
      expect(w.delta.repeatsUnchanged(end)).toBe(true);
      w.clock.advance(1000);
      expect(w.delta.repeatsUnchanged(end), "too old to hand back").toBe(false);
      expect(complete(await page(w, end))).not.toBe(end);
      const { end: fresh } = await round(w, { kind: "initial" });
      expect(w.delta.repeatsUnchanged(fresh)).toBe(true);
      await create(w, w.mailbox, "Moves the watermark");
      expect(w.delta.repeatsUnchanged(fresh)).toBe(false);
    });
  });

  describe("kept rounds (ChangeRoundCache)", () => {
    /** The round's items paged by `pageSize`, each page asked of `pick(pageIndex)`. */
    async function pagedVia(w: World, pick: (i: number) => Process, pageSize: number): Promise<string[]> {
      const names: string[] = [];
      let cursor: DeltaCursor = { kind: "initial" };
      for (let i = 0; ; i++) {
        const p = await page(w, cursor, { pageSize, via: pick(i) });
        names.push(...seen(p.items));
        if (p.kind === "complete") return names;
        cursor = p.next;
      }
    }

    it("delta: pages cut from a kept round, read page by page (too big to keep), or by a process that never read the round are the same", async () => {
      const w = await openWorld();
      for (let i = 0; i < 7; i++) await create(w, w.mailbox, `C${i}`);
      const doomed = await create(w, w.mailbox, "Doomed");
      const later = await create(w, w.mailbox, "Renamed later");
      await rename(w, later.id, "Renamed");
      await remove(w, doomed.id);
      const expected = (await round(w, { kind: "initial" }, 1000)).items.map((i) => (i.removed ? `-${i.id}` : i.calendar.name));
      expect(expected).toContain("Renamed");
      expect(expected).not.toContain("Doomed");
      const small = processOn(w.store, w.clock, { ...DEFAULTS, roundReadLimit: 3 });
      const fresh = () => processOn(w.store, w.clock, DEFAULTS);
      expect(await pagedVia(w, () => w, 3), "kept whole by the first page").toEqual(expected);
      expect(await pagedVia(w, () => small, 3), "too big to keep: page by page").toEqual(expected);
      expect(await pagedVia(w, (i) => (i === 0 ? w : fresh()), 2), "later pages by processes without the round").toEqual(expected);
    });

    it("delta: a kept round is not served past a reset (the 410 checks run first)", async () => {
      const w = await openWorld();
      for (let i = 0; i < 4; i++) await create(w, w.mailbox, `C${i}`);
      const first = await page(w, { kind: "initial" }, { pageSize: 2 });
      await w.delta.reset(w.mailbox.id);
      expect(await rejection(page(w, more(first), { pageSize: 2 }))).toBeInstanceOf(ResyncRequiredError);
    });
  });

  describe("token reuse", () => {
    it("delta: an unchanged mailbox gets its own round cursor back while it is young, then a fresh issuedAt", async () => {
      const w = await openWorld();
      const { end } = await round(w, { kind: "initial" });
      // Young: the very same object, from the watermark (fast path) and, once the watermark
      // has expired, from the store.
      expect(complete(await page(w, end))).toBe(end);
      w.clock.advance(TOKEN_REUSE_MS - 1000);
      expect(complete(await page(w, end))).toBe(end);
      // Old enough: the same watermark with a fresh issuedAt, so the age limit keeps moving.
      w.clock.advance(1000);
      const renewed = complete(await page(w, end));
      expect(renewed).not.toBe(end);
      expect(renewed).toEqual({ ...end, issuedAt: end.issuedAt + TOKEN_REUSE_MS / 1000 });
      // The renewed cursor is itself reused while young.
      expect(complete(await page(w, renewed))).toBe(renewed);
    });

    it("delta: the reuse window is at most a 24th of the retention period", async () => {
      const w = await openWorld({ retentionMs: DAY / 2 });
      const { end } = await round(w, { kind: "initial" });
      w.clock.advance(DAY / 48 - 1000);
      expect(complete(await page(w, end))).toBe(end);
      w.clock.advance(1000);
      expect(complete(await page(w, end)).issuedAt).toBe(end.issuedAt + DAY / 48 / 1000);
    });

    it("delta: a round that found changes always ends with a fresh cursor", async () => {
      const w = await openWorld();
      const { end } = await round(w, { kind: "initial" });
      await create(w, w.mailbox, "A");
      const next = await page(w, end);
      expect(seen(next.items)).toEqual(["A"]);
      expect(complete(next)).toEqual({ ...end, since: end.since + 1 });
    });
  });
});
