import { describe, expect, it } from "vitest";
import { DELIVERY_LOG_LIMITS, DeliveryLog, type DeliveryAttempt } from "../../src/domain/index.js";

// The deliveries window (GET /_graphcal/subscriptions/{id}/deliveries): the latest attempts per
// subscription, oldest first, the oldest dropped once the window is full.

const attempt = (n: number): DeliveryAttempt => ({
  at: new Date(Date.UTC(2026, 0, 1, 0, 0, n)).toISOString(), kind: "notification", url: "http://127.0.0.1/n", count: 1,
  status: 202, latencyMs: 1, outcome: "delivered", error: null, seqs: { first: n, last: n },
});

describe("DeliveryLog", () => {
  it("keeps the latest attempts per subscription, oldest first", () => {
    const log = new DeliveryLog();
    const limit = DELIVERY_LOG_LIMITS.attemptsPerSubscription;
    for (let n = 1; n <= limit + 7; n++) log.record("a", attempt(n));
    log.record("b", attempt(1));
    const seqs = log.list("a").map((x) => x.seqs?.first);
    expect(seqs).toHaveLength(limit);
    expect(seqs[0]).toBe(8);
    expect(seqs.at(-1)).toBe(limit + 7);
    expect(seqs).toEqual([...seqs].sort((x, y) => (x as number) - (y as number)));
    expect(log.list("b").map((x) => x.seqs?.first)).toEqual([1]);
    expect(log.list("unknown")).toEqual([]);
  });

  it("a list is a copy: recording later does not change it", () => {
    const log = new DeliveryLog();
    log.record("a", attempt(1));
    const before = log.list("a");
    log.record("a", attempt(2));
    expect(before).toHaveLength(1);
    expect(log.list("a")).toHaveLength(2);
  });
});
