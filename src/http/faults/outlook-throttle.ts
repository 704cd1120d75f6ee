import type { Clock } from "../../domain/index.js";
import { ThrottledError } from "./fault-errors.js";

// The Outlook throttling profile (opt-in, `--throttle outlook`): Graph's documented limits for
// the Outlook service, kept per (app id, mailbox) pair so that one busy mailbox does not throttle
// another (spec §8.4, C15: follow the table). Two limits:
//   - concurrency: at most N requests in flight (Outlook answers 429 ApplicationThrottled,
//     "Application is over its MailboxConcurrency limit." — observed, spec §9 item 14);
//   - rate: at most M requests per window (429 TooManyRequests with Retry-After, decision 20).
// The window is fixed (starts with the first request after the previous one ended) and measured
// on the injected clock, so tests move a ManualClock instead of sleeping. Every arriving request
// counts against the window, throttled ones included: Graph says retries accrue too.
// see: https://learn.microsoft.com/graph/throttling-limits#outlook-service-limits

export interface ThrottleLimits {
  concurrency: number;
  requests: number;
  windowSeconds: number;
}

/** Graph's published Outlook limits. */
export const OUTLOOK_LIMITS: ThrottleLimits = Object.freeze({ concurrency: 4, requests: 10_000, windowSeconds: 600 });

/** Outlook does not say how long a concurrency 429 lasts; a request finishing frees a slot. */
const CONCURRENCY_RETRY_AFTER_SECONDS = 1;
/** Keys kept before idle ones (window over, nothing in flight) are swept. */
const SWEEP_AT = 10_000;

interface Budget {
  active: number;
  windowStartMs: number;
  count: number;
}

export type Admission =
  | { admitted: true; release: () => void }
  | { admitted: false; limit: "concurrency" | "requests"; error: ThrottledError };

export class OutlookThrottle {
  readonly #budgets = new Map<string, Budget>();

  constructor(private readonly deps: { clock: Clock; limits: ThrottleLimits }) {}

  get limits(): ThrottleLimits {
    return this.deps.limits;
  }

  /** Lets a request for (appId, mailbox) in, or says which limit it is over. `release` is idempotent. */
  admit(request: { appId: string; mailbox: string }): Admission {
    const { limits } = this.deps;
    const nowMs = this.deps.clock.nowMs();
    const windowMs = limits.windowSeconds * 1000;
    const key = `${request.appId.toLowerCase()} ${request.mailbox.toLowerCase()}`;
    let budget = this.#budgets.get(key);
    if (budget === undefined) {
      if (this.#budgets.size >= SWEEP_AT) this.#sweep(nowMs, windowMs);
      budget = { active: 0, windowStartMs: nowMs, count: 0 };
      this.#budgets.set(key, budget);
    } else if (nowMs - budget.windowStartMs >= windowMs || nowMs < budget.windowStartMs) {
      // A new window (or the clock was set back: start over rather than wait for the past).
      budget.windowStartMs = nowMs;
      budget.count = 0;
    }
    budget.count++;
    if (budget.count > limits.requests) {
      const retryAfter = Math.max(1, Math.ceil((budget.windowStartMs + windowMs - nowMs) / 1000));
      return { admitted: false, limit: "requests", error: new ThrottledError("TooManyRequests", retryAfter) };
    }
    if (budget.active >= limits.concurrency) {
      return { admitted: false, limit: "concurrency", error: new ThrottledError("ApplicationThrottled", CONCURRENCY_RETRY_AFTER_SECONDS) };
    }
    budget.active++;
    const admitted = budget;
    let released = false;
    return {
      admitted: true,
      release: () => {
        if (released) return;
        released = true;
        admitted.active--;
      },
    };
  }

  #sweep(nowMs: number, windowMs: number): void {
    for (const [key, budget] of this.#budgets) {
      if (budget.active === 0 && nowMs - budget.windowStartMs >= windowMs) this.#budgets.delete(key);
    }
  }
}
