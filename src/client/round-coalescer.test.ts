import { describe, expect, it } from "vitest";
import { ManualTimers } from "../../test/support/manual-timers.js";
import { RoundCoalescer, type RoundRequest } from "./round-coalescer.js";

/** A coalescer whose rounds finish only when the test says so. */
function setup(settleMs = 100) {
  const timers = ManualTimers.at(0);
  const runs: RoundRequest[] = [];
  const finish: (() => void)[] = [];
  const errors: unknown[] = [];
  let fail = false;
  const coalescer = new RoundCoalescer({
    settleMs, timers, onError: (e) => errors.push(e),
    run: (request) => {
      runs.push(request);
      return new Promise<void>((resolve, reject) => finish.push(() => (fail ? reject(new Error("round failed")) : resolve())));
    },
  });
  const endRound = async () => {
    finish.shift()!();
    await new Promise((r) => setImmediate(r));
  };
  return { timers, runs, errors, coalescer, endRound, failNext: () => (fail = true) };
}

describe("RoundCoalescer", () => {
  it("request: waits settleMs for company, then runs one round for the whole burst", () => {
    const { timers, runs, coalescer } = setup();
    for (let i = 0; i < 5; i++) coalescer.request();
    timers.advance(99);
    expect(runs).toEqual([]);
    timers.advance(1);
    expect(runs).toEqual([{ full: false, triggers: 5 }]);
    expect(coalescer.idle).toBe(false);
  });

  it("request: during a round, triggers merge into one waiting round that starts after it (settled again)", async () => {
    const { timers, runs, coalescer, endRound } = setup();
    coalescer.request();
    timers.advance(100);
    for (let i = 0; i < 7; i++) coalescer.request();
    coalescer.request({ full: true });
    timers.advance(1000);
    expect(runs).toHaveLength(1); // at most one round runs at a time
    await endRound();
    expect(runs).toHaveLength(1);
    expect(timers.pending).toEqual([100]);
    timers.advance(100);
    expect(runs).toEqual([{ full: false, triggers: 1 }, { full: true, triggers: 8 }]);
    await endRound();
    expect(coalescer.idle).toBe(true);
    await coalescer.whenIdle();
  });

  it("request: a failed round is reported and the next trigger runs again", async () => {
    const { timers, runs, errors, coalescer, endRound, failNext } = setup(0);
    failNext();
    coalescer.request();
    timers.advance(0);
    await endRound();
    expect(errors).toEqual([new Error("round failed")]);
    coalescer.request();
    timers.advance(0);
    expect(runs).toHaveLength(2);
  });

  it("whenIdle: resolves once the running and the waiting round are done", async () => {
    const { timers, coalescer, endRound } = setup();
    let idle = false;
    coalescer.request();
    void coalescer.whenIdle().then(() => (idle = true));
    timers.advance(100);
    coalescer.request();
    await endRound();
    expect(idle).toBe(false);
    timers.advance(100);
    await endRound();
    expect(idle).toBe(true);
  });

  it("stop: drops the waiting round, waits for the running one, ignores later triggers", async () => {
    const { timers, runs, coalescer, endRound } = setup();
    coalescer.request();
    timers.advance(100);
    coalescer.request();
    let stopped = false;
    const stopping = coalescer.stop().then(() => (stopped = true));
    await new Promise((r) => setImmediate(r));
    expect(stopped).toBe(false);
    await endRound();
    await stopping;
    coalescer.request();
    timers.advance(1000);
    expect(runs).toHaveLength(1);
    expect(coalescer.idle).toBe(true);
  });
});
