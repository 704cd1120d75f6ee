import { describe, expect, it } from "vitest";
import { RequestLog } from "./request-log.js";

describe("request log", () => {
  const entry = (n: number) => ({ timeMs: Date.UTC(2026, 0, 1, 0, 0, n), method: "GET", path: `/p${n}`, status: 200, requestId: `r${n}` });

  it("recent: keeps the last `capacity` entries, oldest first, and the last N on request", () => {
    const log = new RequestLog(3);
    expect(log.recent()).toEqual([]);
    for (let i = 1; i <= 5; i++) log.record(entry(i));
    expect(log.recent().map((e) => e.path)).toEqual(["/p3", "/p4", "/p5"]);
    expect(log.recent(2).map((e) => e.path)).toEqual(["/p4", "/p5"]);
    expect(log.recent(1)[0]?.time).toBe("2026-01-01T00:00:05.000Z");
    expect(log.recent(10)).toHaveLength(3);
    log.clear();
    expect(log.recent()).toEqual([]);
  });
});
