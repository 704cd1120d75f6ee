// The time a notify-then-delta loop reads and waits on: injectable so that tests move a virtual
// clock (graphcal's `/_graphcal/clock`, or a manual one) instead of sleeping.

/**
 * A clock and a one-shot timer. `now()` is taken to be the server's time: the subscription's
 * `expirationDateTime` is computed from it. Against graphcal with a virtual clock, pass timers
 * whose `now()` reads that clock.
 *
 * @example
 * const timers: Timers = { now: Date.now, schedule: (ms, fn) => { const t = setTimeout(fn, ms); return { cancel: () => clearTimeout(t) }; } };
 */
export interface Timers {
  now(): number;
  /** Calls `fn` once after `ms` milliseconds, unless cancelled first. */
  schedule(ms: number, fn: () => void): { cancel(): void };
}

/** Node's setTimeout takes at most 2^31-1 ms (about 24.8 days); longer waits are chained. */
const MAX_TIMEOUT_MS = 2 ** 31 - 1;

/**
 * The wall clock and Node's timers.
 *
 * @example
 * const keeper = new SubscriptionKeeper({ ...options, timers: realTimers });
 */
export const realTimers: Timers = {
  now: () => Date.now(),
  schedule(ms, fn) {
    let timer: NodeJS.Timeout;
    const arm = (remaining: number) => {
      timer = setTimeout(() => (remaining > MAX_TIMEOUT_MS ? arm(remaining - MAX_TIMEOUT_MS) : fn()), Math.min(Math.max(0, remaining), MAX_TIMEOUT_MS));
    };
    arm(ms);
    return { cancel: () => clearTimeout(timer) };
  },
};
