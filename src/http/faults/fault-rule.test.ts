import { describe, expect, it } from "vitest";
import { ValidationError } from "../../domain/index.js";
import { parseFaultRule, parseFaultRules } from "./fault-rule.js";
import { parseFaultHeader } from "./fault-header.js";

function messageOf(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    return (error as Error).message;
  }
  throw new Error("did not throw");
}

describe("fault rule validation", () => {
  it("parseFaultRule: keeps a valid rule, method in upper case", () => {
    expect(parseFaultRule({ method: "get", path: "/me/calendars/delta", status: 429, code: "ApplicationThrottled", retryAfter: 2.5, times: 1 }))
      .toEqual({ method: "GET", path: "/me/calendars/delta", status: 429, code: "ApplicationThrottled", retryAfter: 2.5, times: 1 });
    expect(parseFaultRule({ latencyMs: 200, status: 503 })).toEqual({ latencyMs: 200, status: 503 });
    expect(parseFaultRule({ drop: true, probability: 0.5, seed: 7 })).toEqual({ drop: true, probability: 0.5, seed: 7 });
  });

  it("parseFaultRule: names the bad field", () => {
    expect(messageOf(() => parseFaultRule({ status: 418 }))).toMatch(/^status: must be one of 401, 410, 429, 500, 503, 504, got 418$/);
    expect(messageOf(() => parseFaultRule({ status: 429, path: "me" }))).toMatch(/^path: must start with '\/'/);
    expect(messageOf(() => parseFaultRule({ status: 429, method: "HEAD" }))).toMatch(/^method: /);
    expect(messageOf(() => parseFaultRule({ status: 429, nth: 0 }))).toMatch(/^nth: must be an integer from 1/);
    expect(messageOf(() => parseFaultRule({ status: 429, probability: 1.5 }))).toMatch(/^probability: /);
    expect(messageOf(() => parseFaultRule({ status: 429, seed: 3 }))).toMatch(/^seed: only means something with probability/);
    expect(messageOf(() => parseFaultRule({ status: 503, code: "TooManyRequests" }))).toMatch(/^code: for status 503 must be one of ServiceUnavailable/);
    expect(messageOf(() => parseFaultRule({ status: 504, retryAfter: 3 }))).toMatch(/^retryAfter: /);
    expect(messageOf(() => parseFaultRule({ status: 429, drop: true }))).toMatch(/^drop: /);
    expect(messageOf(() => parseFaultRule({ drop: false }))).toMatch(/^drop: must be true/);
    expect(messageOf(() => parseFaultRule({ path: "/me" }))).toMatch(/^status: a rule needs an answer/);
    expect(messageOf(() => parseFaultRule({ status: 429, staus: 1 }))).toMatch(/^staus: unknown field/);
    expect(messageOf(() => parseFaultRule("429"))).toMatch(/^a fault rule is a JSON object$/);
  });

  it("parseFaultRules: a list names the rule by its index", () => {
    expect(parseFaultRules({ status: 500 })).toEqual([{ status: 500 }]);
    expect(messageOf(() => parseFaultRules([{ status: 500 }, { status: 500, path: "/me/cal*" }]))).toMatch(/^\[1\]\.path: /);
  });

  it("parseFaultHeader: a status (and code), drop, or latency", () => {
    expect(parseFaultHeader("429")).toEqual({ status: 429 });
    expect(parseFaultHeader("410 ResyncRequired")).toEqual({ status: 410, code: "ResyncRequired" });
    expect(parseFaultHeader("drop")).toEqual({ drop: true });
    expect(parseFaultHeader("latency=250")).toEqual({ latencyMs: 250 });
    expect(messageOf(() => parseFaultHeader("teapot"))).toMatch(/^X-Graphcal-Fault: expected a status/);
    expect(messageOf(() => parseFaultHeader("418"))).toMatch(/^X-Graphcal-Fault\.status: /);
  });
});
