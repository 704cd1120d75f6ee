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
  it("set: with maxChars, the oldest entries make room so the kept strings stay within the budget", () => {
    const cache = new VerifiedCache<number>({ limit: 1000, tailChars: 4, maxChars: 1000 });
    const key = (i: number) => `${"x".repeat(296)}${String(i).padStart(4, "0")}`; // 300 chars each
    for (let i = 0; i < 10; i++) {
      cache.set(key(i), i);
      expect(cache.chars).toBeLessThanOrEqual(1000);
    }
    expect(cache.size).toBe(3);
    expect(cache.chars).toBe(900);
    expect([7, 8, 9].map((i) => cache.get(key(i)))).toEqual([7, 8, 9]);
    expect(cache.get(key(6))).toBeUndefined();
    // Replacing and deleting keep the count exact.
    cache.set(key(9), 99);
    expect(cache.chars).toBe(900);
    cache.delete(key(8));
    expect(cache.chars).toBe(600);
    // A string larger than the whole budget is not kept at all.
    cache.set("y".repeat(1001), 1);
    expect(cache.size).toBe(2);
  });

  it("set: the entry bound also keeps the character count exact", () => {
    const cache = new VerifiedCache<number>({ limit: 2, tailChars: 2, maxChars: 10_000 });
    for (let i = 10; i < 20; i++) cache.set(`abc${i}`, i);
    expect(cache.size).toBe(2);
    expect(cache.chars).toBe(10);
  });

  it("set: with sizeOf, each value's size counts in the budget (replace, delete and evict exact)", () => {
    const cache = new VerifiedCache<string>({ limit: 1000, tailChars: 2, maxChars: 1000, sizeOf: (body) => body.length });
    const body = (n: number) => "b".repeat(n);
    cache.set("k01", body(397)); // 400 with its key
    cache.set("k02", body(397));
    expect(cache.chars).toBe(800);
    cache.set("k03", body(297)); // 300: the oldest goes
    expect(cache.get("k01")).toBeUndefined();
    expect(cache.chars).toBe(700);
    cache.set("k02", body(97)); // replaced by a smaller value
    expect(cache.chars).toBe(400);
    cache.delete("k03");
    expect(cache.chars).toBe(100);
    cache.set("k04", body(998)); // over the whole budget: not kept, nothing evicted
    expect(cache.get("k04")).toBeUndefined();
    expect(cache.get("k02")).toBe(body(97));
  });
});
