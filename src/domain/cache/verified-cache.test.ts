import { describe, expect, it } from "vitest";
import { VerifiedCache } from "./verified-cache.js";

const TAIL = "0123456789abcdef";

describe("VerifiedCache", () => {
  it("get: a hit only for the very string that was stored", () => {
    const cache = new VerifiedCache<string>({ limit: 10, tailChars: TAIL.length });
    cache.set(`header-one.${TAIL}`, "one");
    expect(cache.get(`header-one.${TAIL}`)).toBe("one");
    // Same tail, different string: found by the tail, refused by the full compare.
    expect(cache.get(`header-two.${TAIL}`)).toBeUndefined();
    expect(cache.get(`header-one.${TAIL.slice(1)}x`)).toBeUndefined();
  });

  it("set: strings that share a tail displace each other, never answer for each other", () => {
    const cache = new VerifiedCache<string>({ limit: 10, tailChars: TAIL.length });
    cache.set(`a.${TAIL}`, "a");
    cache.set(`b.${TAIL}`, "b");
    expect(cache.size).toBe(1);
    expect(cache.get(`a.${TAIL}`)).toBeUndefined();
    expect(cache.get(`b.${TAIL}`)).toBe("b");
  });

  it("delete: forgets only the given string, not another one in its slot", () => {
    const cache = new VerifiedCache<string>({ limit: 10, tailChars: TAIL.length });
    cache.set(`b.${TAIL}`, "b");
    cache.delete(`a.${TAIL}`);
    expect(cache.get(`b.${TAIL}`)).toBe("b");
    cache.delete(`b.${TAIL}`);
    expect(cache.get(`b.${TAIL}`)).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it("set: bounded; the oldest-inserted string makes room", () => {
    const cache = new VerifiedCache<number>({ limit: 2, tailChars: 4 });
    cache.set("x.aaaa", 1);
    cache.set("x.bbbb", 2);
    cache.set("x.cccc", 3);
    expect([cache.get("x.aaaa"), cache.get("x.bbbb"), cache.get("x.cccc")]).toEqual([undefined, 2, 3]);
  });

  it("get: a string shorter than the tail is its own key", () => {
    const cache = new VerifiedCache<number>({ limit: 2, tailChars: 32 });
    cache.set("short", 1);
    expect(cache.get("short")).toBe(1);
    expect(cache.get("shor")).toBeUndefined();
  });
});
