import { describe, expect, it } from "vitest";
import {
  BadSyncTokenError, ResyncRequiredError, SyncStateInvalidError, SyncStateNotFoundError,
} from "../../src/domain/index.js";
import {
  CALLER, changeSeq, complete, create, DAY, DEFAULTS, more, openWorld, page, rejection, remove, rename, round, seen,
} from "./delta-world.js";

// DeltaService over a real store (SQLite :memory:) with a manual clock, wired as in
// server/create-server.ts; the HTTP suites (test/api/delta*.test.ts) cover the same rules
// through tokens and links. The algorithm is described in src/domain/delta/README.md. Its
// caches (watermark fast path, kept rounds, token reuse): delta-service-caches.test.ts.

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

});
