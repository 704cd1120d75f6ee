import { describe, expect, it } from "vitest";
import { DEFAULT_RETRY, abortableSleep, isRetryableStatus, parseRetryAfter, retryDelay } from "./retry-policy.js";

const NOW = Date.parse("2026-03-01T10:00:00Z");

describe("retry policy", () => {
  it("parseRetryAfter: reads whole and fractional seconds", () => {
    expect(parseRetryAfter("3", NOW)).toBe(3000);
    expect(parseRetryAfter(" 2.128 ", NOW)).toBe(2128);
    expect(parseRetryAfter("0", NOW)).toBe(0);
  });

  it("parseRetryAfter: reads an HTTP date relative to now, never negative", () => {
    expect(parseRetryAfter("Sun, 01 Mar 2026 10:00:07 GMT", NOW)).toBe(7000);
    expect(parseRetryAfter("Sun, 01 Mar 2026 09:59:00 GMT", NOW)).toBe(0);
  });

  it("parseRetryAfter: ignores absent and unreadable values", () => {
    for (const value of [undefined, null, "", "soon", "-1", "1e3", "0x10", "+3"]) {
      expect(parseRetryAfter(value, NOW)).toBeUndefined();
    }
  });

  it("retryDelay: honours Retry-After as given, up to its cap", () => {
    expect(retryDelay({ attempt: 5, retryAfterMs: 1500, options: DEFAULT_RETRY, random: () => 0.9 })).toBe(1500);
    const options = { ...DEFAULT_RETRY, maxRetryAfterMs: 10_000 };
    expect(retryDelay({ attempt: 0, retryAfterMs: 3_600_000, options, random: () => 0 })).toBe(10_000);
  });

  it("retryDelay: backs off exponentially with jitter within [step/2, step]", () => {
    const options = { ...DEFAULT_RETRY, baseDelayMs: 100, maxDelayMs: 1000 };
    const delay = (attempt: number, r: number) => retryDelay({ attempt, retryAfterMs: undefined, options, random: () => r });
    expect([0, 1, 2, 3].map((a) => delay(a, 0))).toEqual([50, 100, 200, 400]);
    expect([0, 1, 2, 3].map((a) => delay(a, 1))).toEqual([100, 200, 400, 800]);
    expect(delay(4, 1)).toBe(1000); // capped
    expect(delay(60, 0.5)).toBe(750); // no overflow however many attempts
  });

  it("isRetryableStatus: 429, 503 and 504 only", () => {
    expect([400, 401, 410, 429, 500, 502, 503, 504].filter(isRetryableStatus)).toEqual([429, 503, 504]);
  });

  it("abortableSleep: rejects when aborted", async () => {
    const controller = new AbortController();
    const sleeping = abortableSleep(60_000, controller.signal);
    controller.abort(new Error("stop"));
    await expect(sleeping).rejects.toThrow("stop");
  });
});
