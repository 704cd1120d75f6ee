import { describe, expect, it } from "vitest";
import { ManualClock, ResyncRequiredError, TOKEN_REUSE_MS, type DeltaCursor, type DeltaOptions } from "../../src/domain/index.js";
import { openStore } from "../../src/store/index.js";
import {
  complete, create, DAY, DEFAULTS, more, openWorld, page, processOn, rejection, remove, rename, round, seen, tempDir,
  track, type Process, type World,
} from "./delta-world.js";

// DeltaService's caches over a real store: the watermark fast path (this process's writes at
// once, another process's through SQLite's data version), kept rounds (ChangeRoundCache) and
// the token reuse window. The rules: docs/decisions/0002-delta-watermark-cache.md.

describe("DeltaService caches", () => {
  describe("watermark fast path", () => {
    // Whether the store was read is not observable from outside, and a spy would test the
    // wiring, not the rule. What is observable is the rule's visible consequence: a poll
    // answered from the watermark sees this process's own writes at once (the watermark moves
    // on commit), and another process's as soon as SQLite's data version tells it another
    // connection committed (WatermarkCache; PostgreSQL, which has no such mark, waits out the
    // TTL: test/api/hot-path-caches.test.ts on that engine). Another process is another
    // connection to the same database file, as in production.

    /**
     * The next request comes in a later turn of the event loop (it arrives over a socket). The
     * store reads SQLite's data version once per turn (SqliteStore.foreignCommitMark), so the
     * "other process" of these tests, which commits within the same turn, is seen from the next.
     */
    const nextRequestTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

    /** A world on a database file, and a second process over its own connection to that file. */
    async function twoProcesses(options: Partial<DeltaOptions>) {
      const dir = tempDir();
      const clock = new ManualClock(Date.UTC(2026, 2, 1, 9, 0, 0));
      const store = await openStore({ dataDir: dir, now: () => clock.now().getTime() });
      const otherStore = await openStore({ dataDir: dir, now: () => clock.now().getTime() });
      track(store, otherStore);
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
      await nextRequestTurn();
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
      await nextRequestTurn();
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
