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
});
