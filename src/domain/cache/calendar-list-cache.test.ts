import { describe, expect, it } from "vitest";
import type { Calendar } from "../model.js";
import { CalendarListCache } from "./calendar-list-cache.js";

function calendars(n: number, name = "C"): Calendar[] {
  return Array.from({ length: n }, (_, i) => ({
    id: `${name}${i}`, name: `${name}${i}`, owner: { name: "U", address: "u@example.com" },
    allowedOnlineMeetingProviders: ["teamsForBusiness"],
  }) as unknown as Calendar);
}

describe("CalendarListCache", () => {
  it("get: a miss for an unknown key", () => {
    expect(new CalendarListCache().get("m1|", 3)).toBeUndefined();
  });

  it("get: a hit only at the seq the page was read at", () => {
    const cache = new CalendarListCache();
    const page = cache.set("m1|", 3, { calendars: calendars(2), hasMore: false });
    expect(cache.get("m1|", 3)).toBe(page);
    expect(page.calendars.map((c) => c.id)).toEqual(["C0", "C1"]);
    // The mailbox moved on (a write here or in another process): the page is not served.
    expect(cache.get("m1|", 4)).toBeUndefined();
    // Nor is it for a lower seq (a store restored from a backup).
    expect(cache.get("m1|", 2)).toBeUndefined();
    expect(cache.get("m2|", 3)).toBeUndefined();
  });

  it("set: a page read at a newer seq replaces the key's older one", () => {
    const cache = new CalendarListCache();
    cache.set("m1|", 3, { calendars: calendars(2), hasMore: false });
    const newer = cache.set("m1|", 5, { calendars: calendars(3, "D"), hasMore: true });
    expect(cache.get("m1|", 3)).toBeUndefined();
    expect(cache.get("m1|", 5)).toBe(newer);
    expect(cache.size).toBe(1);
  });

  it("set: cached pages are deeply frozen, since every request shares them", () => {
    const page = new CalendarListCache().set("m1|", 1, { calendars: calendars(1), hasMore: false });
    const [c] = page.calendars as Calendar[];
    expect(Object.isFrozen(page.calendars)).toBe(true);
    expect(() => { (c as { name: string }).name = "x"; }).toThrow(TypeError);
    expect(() => { c!.owner.address = "x"; }).toThrow(TypeError);
    expect(() => { c!.allowedOnlineMeetingProviders.push("skypeForBusiness"); }).toThrow(TypeError);
  });

  it("bound: at most `entries` pages; the oldest-inserted goes first", () => {
    const cache = new CalendarListCache({ entries: 2, calendars: 100 });
    cache.set("a", 1, { calendars: calendars(1), hasMore: false });
    cache.set("b", 1, { calendars: calendars(1), hasMore: false });
    cache.set("c", 1, { calendars: calendars(1), hasMore: false });
    expect(cache.size).toBe(2);
    expect(cache.get("a", 1)).toBeUndefined();
    expect(cache.get("b", 1)).toBeDefined();
    expect(cache.get("c", 1)).toBeDefined();
  });

  it("bound: at most `calendars` calendars in all; a page larger than that is not kept", () => {
    const cache = new CalendarListCache({ entries: 100, calendars: 5 });
    cache.set("a", 1, { calendars: calendars(2), hasMore: false });
    cache.set("b", 1, { calendars: calendars(2), hasMore: false });
    cache.set("c", 1, { calendars: calendars(3), hasMore: false });
    expect(cache.get("a", 1)).toBeUndefined();
    expect(cache.get("b", 1)).toBeDefined();
    expect(cache.get("c", 1)).toBeDefined();
    const big = cache.set("d", 1, { calendars: calendars(6), hasMore: true });
    expect(big.calendars).toHaveLength(6);
    expect(cache.get("d", 1)).toBeUndefined();
    expect(cache.size).toBe(2);
    // Replacing a key gives its calendars back to the budget.
    cache.set("c", 2, { calendars: calendars(1), hasMore: false });
    cache.set("e", 1, { calendars: calendars(2), hasMore: false });
    expect(cache.get("b", 1)).toBeDefined();
    expect(cache.size).toBe(3);
  });
});
