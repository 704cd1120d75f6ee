import { describe, expect, it } from "vitest";
import { ManualClock } from "../clock.js";
import { WatermarkCache } from "./watermark-cache.js";

describe("WatermarkCache", () => {
  it("get: unknown mailboxes have no watermark", () => {
    const cache = new WatermarkCache(new ManualClock(0), 1000);
    expect(cache.get("m1")).toBeUndefined();
  });

  it("observe: records the latest seq per mailbox", () => {
    const cache = new WatermarkCache(new ManualClock(0), 1000);
    cache.observe("m1", 3);
    cache.observe("m2", 9);
    expect(cache.get("m1")).toBe(3);
    expect(cache.get("m2")).toBe(9);
    cache.observe("m1", 4);
    expect(cache.get("m1")).toBe(4);
  });

  it("observe: never moves backwards (a late listener or a stale read cannot undo a newer seq)", () => {
    const cache = new WatermarkCache(new ManualClock(0), 1000);
    cache.observe("m1", 10);
    cache.observe("m1", 7);
    expect(cache.get("m1")).toBe(10);
    cache.observe("m1", 10);
    expect(cache.get("m1")).toBe(10);
  });

  it("get: an entry older than the TTL is dropped and must be re-read", () => {
    const clock = new ManualClock(0);
    const cache = new WatermarkCache(clock, 1000);
    cache.observe("m1", 5);
    clock.advance(1000);
    expect(cache.get("m1")).toBe(5);
    clock.advance(1);
    expect(cache.get("m1")).toBeUndefined();
    // Dropped for good: a later lower observation starts afresh.
    cache.observe("m1", 2);
    expect(cache.get("m1")).toBe(2);
  });

  it("observe: a newer seq refreshes the entry's age; an older one does not", () => {
    const clock = new ManualClock(0);
    const cache = new WatermarkCache(clock, 1000);
    cache.observe("m1", 5);
    clock.advance(800);
    cache.observe("m1", 6);
    clock.advance(800);
    expect(cache.get("m1")).toBe(6);
    cache.observe("m1", 3);
    clock.advance(300);
    expect(cache.get("m1")).toBeUndefined();
  });

  it("get: with a TTL of 0 an entry is good only while the clock stands still", () => {
    const clock = new ManualClock(0);
    const cache = new WatermarkCache(clock, 0);
    cache.observe("m1", 1);
    expect(cache.get("m1")).toBe(1);
    clock.advance(1);
    expect(cache.get("m1")).toBeUndefined();
  });

  it("forget: removes one mailbox only", () => {
    const cache = new WatermarkCache(new ManualClock(0), 1000);
    cache.observe("m1", 1);
    cache.observe("m2", 2);
    cache.forget("m1");
    expect(cache.get("m1")).toBeUndefined();
    expect(cache.get("m2")).toBe(2);
  });

  it("observe: at the size limit the oldest-inserted mailbox makes room; updates do not evict", () => {
    const cache = new WatermarkCache(new ManualClock(0), 1000, 3);
    cache.observe("a", 1);
    cache.observe("b", 1);
    cache.observe("c", 1);
    cache.observe("a", 2); // an update, not a new entry
    expect(["a", "b", "c"].map((m) => cache.get(m))).toEqual([2, 1, 1]);
    cache.observe("d", 1);
    expect(cache.get("a")).toBeUndefined();
    expect(["b", "c", "d"].map((m) => cache.get(m))).toEqual([1, 1, 1]);
    cache.observe("e", 1);
    expect(cache.get("b")).toBeUndefined();
  });

  describe("with a foreign-commit mark (SQLite's data version)", () => {
    it("an entry is trusted past the TTL while the mark holds, and dropped as soon as it moves", () => {
      const clock = new ManualClock(0);
      let mark = 5;
      const cache = new WatermarkCache(clock, 1000, 100, () => mark);
      cache.observe("m1", 3, cache.mark());
      clock.advance(3_600_000);
      expect(cache.get("m1"), "nobody else committed: still exact").toBe(3);
      mark = 6;
      expect(cache.get("m1"), "another process committed: re-read").toBeUndefined();
      expect(cache.get("m1")).toBeUndefined();
    });

    it("a seq learnt under an old mark (read before a foreign commit) is not trusted, even inside the TTL", () => {
      let mark = 1;
      const cache = new WatermarkCache(new ManualClock(0), 1000, 100, () => mark);
      const before = cache.mark();
      mark = 2; // a foreign commit lands between the mark read and the seq read
      cache.observe("m1", 8, before);
      expect(cache.get("m1")).toBeUndefined();
      cache.observe("m1", 9, cache.mark());
      expect(cache.get("m1")).toBe(9);
    });

    it("an observation without a mark falls back to the TTL", () => {
      const clock = new ManualClock(0);
      const cache = new WatermarkCache(clock, 1000, 100, () => 1);
      cache.observe("m1", 4);
      clock.advance(1000);
      expect(cache.get("m1")).toBe(4);
      clock.advance(1);
      expect(cache.get("m1")).toBeUndefined();
    });
  });
});
