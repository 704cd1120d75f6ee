import { describe, expect, it } from "vitest";
import { ManualClock } from "../domain/index.js";
import { SignInThrottle } from "./sign-in-throttle.js";

function throttle(clock: ManualClock, limit = 100) {
  return new SignInThrottle({ clock, maxFailures: 3, windowMs: 60_000, lockMs: 30_000, limit });
}

describe("SignInThrottle", () => {
  it("retryAfterSeconds: locks a key at its limit of failures, for the lock time from the last one", () => {
    const clock = new ManualClock(Date.UTC(2026, 0, 1));
    const t = throttle(clock);
    t.recordFailure("u");
    t.recordFailure("u");
    expect(t.retryAfterSeconds("u")).toBeUndefined();
    clock.advance(10_000);
    t.recordFailure("u");
    expect(t.retryAfterSeconds("u")).toBe(30);
    clock.advance(29_001);
    expect(t.retryAfterSeconds("u")).toBe(1);
    expect(t.retryAfterSeconds("other")).toBeUndefined();
    clock.advance(1_000);
    expect(t.retryAfterSeconds("u")).toBeUndefined();
    // Afresh after the lock: one failure does not lock again.
    t.recordFailure("u");
    expect(t.retryAfterSeconds("u")).toBeUndefined();
  });

  it("recordFailure: failures older than the window do not count", () => {
    const clock = new ManualClock(Date.UTC(2026, 0, 1));
    const t = throttle(clock);
    t.recordFailure("u");
    t.recordFailure("u");
    clock.advance(60_000);
    t.recordFailure("u");
    expect(t.retryAfterSeconds("u")).toBeUndefined();
  });

  it("clear: a success forgets the failures", () => {
    const clock = new ManualClock(Date.UTC(2026, 0, 1));
    const t = throttle(clock);
    t.recordFailure("u");
    t.recordFailure("u");
    t.clear("u");
    t.recordFailure("u");
    expect(t.retryAfterSeconds("u")).toBeUndefined();
  });

  it("size: bounded by its limit under a flood of distinct keys", () => {
    const clock = new ManualClock(Date.UTC(2026, 0, 1));
    const t = throttle(clock, 50);
    for (let i = 0; i < 1000; i++) t.recordFailure(`user-${i}`);
    expect(t.size).toBe(50);
  });
});
