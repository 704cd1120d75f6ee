import { describe, expect, it } from "vitest";
import { ManualClock } from "../../domain/index.js";
import { OutlookThrottle } from "./outlook-throttle.js";

describe("Outlook throttle", () => {
  const limits = { concurrency: 2, requests: 5, windowSeconds: 60 };

  it("admit: at most `concurrency` in flight per (app, mailbox); a release frees a slot", () => {
    const throttle = new OutlookThrottle({ clock: new ManualClock(), limits });
    const a = throttle.admit({ appId: "app", mailbox: "m1" });
    const b = throttle.admit({ appId: "app", mailbox: "m1" });
    const c = throttle.admit({ appId: "app", mailbox: "m1" });
    expect([a.admitted, b.admitted, c.admitted]).toEqual([true, true, false]);
    if (c.admitted) throw new Error("unreachable");
    expect(c.limit).toBe("concurrency");
    expect(c.error).toMatchObject({ code: "ApplicationThrottled", retryAfterSeconds: 1 });
    expect(throttle.admit({ appId: "app", mailbox: "m2" }).admitted, "another mailbox has its own budget").toBe(true);
    expect(throttle.admit({ appId: "other", mailbox: "m1" }).admitted, "another app has its own budget").toBe(true);
    if (a.admitted) {
      a.release();
      a.release(); // idempotent: a double release must not open two slots
    }
    expect(throttle.admit({ appId: "app", mailbox: "m1" }).admitted).toBe(true);
    expect(throttle.admit({ appId: "app", mailbox: "m1" }).admitted).toBe(false);
  });

  it("admit: at most `requests` per window, Retry-After = the rest of the window; the window resets on the clock", () => {
    const clock = new ManualClock(Date.UTC(2026, 0, 1));
    const throttle = new OutlookThrottle({ clock, limits });
    for (let i = 0; i < 5; i++) {
      const a = throttle.admit({ appId: "app", mailbox: "m1" });
      expect(a.admitted).toBe(true);
      if (a.admitted) a.release();
      clock.advance(1000);
    }
    clock.advance(10_500); // 15.5 s into the window
    const over = throttle.admit({ appId: "app", mailbox: "m1" });
    if (over.admitted) throw new Error("expected a 429");
    expect(over.limit).toBe("requests");
    expect(over.error).toMatchObject({ code: "TooManyRequests", retryAfterSeconds: 45 });
    clock.advance(44_499);
    expect(throttle.admit({ appId: "app", mailbox: "m1" }).admitted, "still inside the window").toBe(false);
    clock.advance(1);
    expect(throttle.admit({ appId: "app", mailbox: "m1" }).admitted, "a new window").toBe(true);
  });
});
