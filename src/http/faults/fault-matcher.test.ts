import { describe, expect, it } from "vitest";
import { FaultMatcher, type RequestFacts } from "./fault-matcher.js";

const facts = (over: Partial<RequestFacts> = {}): RequestFacts => ({
  method: "GET", graph: true, path: "/me/calendars/delta", mailbox: "u1", appId: "app-a", ...over,
});

/** Which of `n` identical requests the matcher fires on (1-based). */
function firings(matcher: FaultMatcher, n: number, f = facts()): number[] {
  const out: number[] = [];
  for (let i = 1; i <= n; i++) if (matcher.take(f)) out.push(i);
  return out;
}

describe("fault matcher", () => {
  it("take: matches on method, path, mailbox (any of its names) and app id", () => {
    const matcher = new FaultMatcher();
    matcher.add({ method: "GET", path: "/users/*/calendars/delta", mailbox: "adele@contoso.com", appId: "APP-A", status: 429 }, ["u1"]);
    const hit = facts({ path: "/users/adele@contoso.com/calendars/delta", mailbox: "adele@contoso.com" });
    expect(matcher.take(hit)?.id).toBe("fault-1");
    expect(matcher.take({ ...hit, mailbox: "u1" }), "the resolved id names the same mailbox").toBeDefined();
    expect(matcher.take({ ...hit, method: "POST" })).toBeUndefined();
    expect(matcher.take({ ...hit, appId: "app-b" })).toBeUndefined();
    expect(matcher.take({ ...hit, mailbox: "u2" })).toBeUndefined();
    expect(matcher.take({ ...hit, mailbox: undefined })).toBeUndefined();
    expect(matcher.take({ ...hit, path: "/users/x/calendars" })).toBeUndefined();
  });

  it("take: a rule without criteria matches every Graph request, and no identity request", () => {
    const matcher = new FaultMatcher();
    matcher.add({ status: 503 });
    expect(matcher.take(facts())).toBeDefined();
    expect(matcher.take(facts({ graph: false, path: "/contoso/oauth2/v2.0/token", method: "POST" }))).toBeUndefined();
    matcher.add({ path: "/*/oauth2/v2.0/token", status: 503 });
    expect(matcher.take(facts({ graph: false, path: "/contoso/oauth2/v2.0/token", method: "POST" }))?.id).toBe("fault-2");
  });

  it("take: nth alone fires on that request only; times caps the firings; with both, times in a row from nth", () => {
    const nth = new FaultMatcher();
    nth.add({ nth: 3, status: 429 });
    expect(firings(nth, 6)).toEqual([3]);
    const times = new FaultMatcher();
    times.add({ times: 2, status: 429 });
    expect(firings(times, 5)).toEqual([1, 2]);
    const both = new FaultMatcher();
    both.add({ nth: 2, times: 3, status: 429 });
    expect(firings(both, 8)).toEqual([2, 3, 4]);
    expect(both.list()[0]).toMatchObject({ matched: 8, hits: 3 });
  });

  it("take: probability with a seed gives the same firings on every run, about p of them", () => {
    const run = (seed: number) => {
      const m = new FaultMatcher();
      m.add({ probability: 0.3, seed, status: 500 });
      return firings(m, 1000);
    };
    const a = run(42);
    expect(run(42)).toEqual(a);
    expect(run(43)).not.toEqual(a);
    expect(a.length).toBeGreaterThan(240);
    expect(a.length).toBeLessThan(360);
  });

  it("take: the first rule that fires answers; later rules do not count that request", () => {
    const matcher = new FaultMatcher();
    matcher.add({ id: "first", times: 1, status: 429 });
    matcher.add({ id: "second", status: 503 });
    expect(matcher.take(facts())?.id).toBe("first");
    expect(matcher.take(facts())?.id).toBe("second");
    expect(matcher.list().map((r) => [r.id, r.matched, r.hits])).toEqual([["first", 2, 1], ["second", 1, 1]]);
  });

  it("add/delete/clear: ids are kept unique; a given id is refused twice", () => {
    const matcher = new FaultMatcher();
    matcher.add({ id: "fault-1", status: 500 });
    expect(matcher.add({ status: 500 }).id).toBe("fault-2");
    expect(() => matcher.add({ id: "fault-1", status: 500 })).toThrow(/exists already/);
    expect(matcher.delete("fault-1")).toBe(true);
    expect(matcher.delete("fault-1")).toBe(false);
    expect(matcher.clear()).toBe(1);
    expect(matcher.size).toBe(0);
  });

  it("mightMatch: only method and path count, no counter moves, and the memo follows rule changes", () => {
    const matcher = new FaultMatcher();
    expect(matcher.mightMatch("GET", true, "/me/calendars/delta")).toBe(false);
    matcher.add({ path: "/me/calendars/delta", mailbox: "someone-else", nth: 1, status: 429 });
    expect(matcher.mightMatch("GET", true, "/me/calendars/delta")).toBe(true);
    expect(matcher.mightMatch("GET", true, "/me/calendarview/delta")).toBe(false);
    expect(matcher.list()[0]).toMatchObject({ matched: 0, hits: 0 });
    matcher.clear();
    expect(matcher.mightMatch("GET", true, "/me/calendars/delta")).toBe(false);
  });

  it("needsPrincipal: only rules on an app id or a mailbox need the caller", () => {
    const matcher = new FaultMatcher();
    matcher.add({ path: "/me/**", status: 500 });
    expect(matcher.needsPrincipal).toBe(false);
    matcher.add({ appId: "x", status: 500 });
    expect(matcher.needsPrincipal).toBe(true);
  });
});
