import { describe, expect, it } from "vitest";
import { BoundedMap } from "./bounded-map.js";

describe("BoundedMap", () => {
  it("get: a miss for an unknown key, the value for a known one", () => {
    const map = new BoundedMap<number>({ limit: 2 });
    expect(map.get("a")).toBeUndefined();
    map.set("a", 1);
    expect(map.get("a")).toBe(1);
    expect(map.has("a")).toBe(true);
    expect(map.size).toBe(1);
  });

  it("set: at the limit a new key pushes out the oldest-inserted one; replacing a value evicts nothing", () => {
    const map = new BoundedMap<number>({ limit: 3 });
    map.set("a", 1);
    map.set("b", 1);
    map.set("c", 1);
    map.set("a", 2); // a replacement keeps its place
    expect(map.size).toBe(3);
    expect(["a", "b", "c"].map((k) => map.get(k))).toEqual([2, 1, 1]);
    map.set("d", 1);
    expect(map.has("a")).toBe(false);
    expect(["b", "c", "d"].map((k) => map.get(k))).toEqual([1, 1, 1]);
    // Reading does not reorder: insertion order, not LRU.
    map.get("b");
    map.set("e", 1);
    expect(map.has("b")).toBe(false);
    expect(map.size).toBe(3);
  });

  it("delete: removes one key and makes room", () => {
    const map = new BoundedMap<number>({ limit: 2 });
    map.set("a", 1);
    map.set("b", 2);
    map.delete("a");
    map.set("c", 3);
    expect([map.get("a"), map.get("b"), map.get("c")]).toEqual([undefined, 2, 3]);
  });

  it("constructor: a limit below 1 is refused", () => {
    expect(() => new BoundedMap({ limit: 0 })).toThrow(RangeError);
    expect(() => new BoundedMap({ limit: Number.NaN })).toThrow(RangeError);
  });
});
