import { describe, expect, it } from "vitest";
import type { Event } from "../model.js";
import { WindowCache } from "./window-cache.js";

function events(n: number, prefix = "E"): Event[] {
  return Array.from({ length: n }, (_, i) => ({ id: `${prefix}${i}`, subject: `${prefix}${i}` }) as unknown as Event);
}

describe("WindowCache", () => {
  it("get: a hit only at the seq the window was read at", () => {
    const cache = new WindowCache();
    const kept = cache.set("m1|c1|0|10", 7, events(3));
    expect(cache.get("m1|c1|0|10", 7)).toBe(kept);
    expect(kept.map((e) => e.id)).toEqual(["E0", "E1", "E2"]);
    // A write anywhere in the mailbox (here or in another process) moves its seq: not served.
    expect(cache.get("m1|c1|0|10", 8)).toBeUndefined();
    expect(cache.get("m1|c1|0|10", 6)).toBeUndefined();
    expect(cache.get("m1|c1|0|11", 7)).toBeUndefined();
  });

  it("set: a newer read replaces the key's entry; entries are frozen, since requests share them", () => {
    const cache = new WindowCache();
    cache.set("k", 1, events(2));
    const newer = cache.set("k", 2, events(1, "F"));
    expect(cache.get("k", 1)).toBeUndefined();
    expect(cache.get("k", 2)).toBe(newer);
    expect(cache.size).toBe(1);
    expect(Object.isFrozen(newer)).toBe(true);
    expect(Object.isFrozen(newer[0])).toBe(true);
  });

  it("set: bounded by windows and by the events they hold, oldest first; a window over the budget is not kept", () => {
    const cache = new WindowCache({ entries: 2, events: 10 });
    cache.set("a", 1, events(4));
    cache.set("b", 1, events(4));
    cache.set("c", 1, events(4)); // 12 > 10 and 3 > 2 entries: "a" goes
    expect(cache.get("a", 1)).toBeUndefined();
    expect(cache.get("b", 1)).toBeDefined();
    expect(cache.get("c", 1)).toBeDefined();
    const big = cache.set("d", 1, events(11));
    expect(big).toHaveLength(11);
    expect(cache.get("d", 1)).toBeUndefined();
    expect(cache.size).toBe(2);
  });
});
