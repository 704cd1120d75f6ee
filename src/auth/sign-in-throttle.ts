import { BoundedMap, type Clock } from "../domain/index.js";

/** Failures of one key: counted in a window from the first; a lock once they reach the limit. */
interface Failures {
  windowStartMs: number;
  count: number;
  lockedUntilMs: number;
}

/**
 * Failed sign-ins per key (a client id, a user name), Entra's smart lockout in miniature: after
 * `maxFailures` failures within `windowMs` the key is locked for `lockMs`, and every attempt in
 * that time is refused before any password hash is computed, so a flood of guesses costs almost
 * nothing. Time is the injected clock's (tests move it instead of waiting).
 *
 * Memory is bounded: at most `limit` keys, the oldest dropped first. A flood of distinct user
 * names can push a user's count out, which only forgets failures; the per-client count (one key
 * per registered app) still sees the flood.
 * see: https://learn.microsoft.com/entra/identity/authentication/howto-password-smart-lockout
 */
export class SignInThrottle {
  readonly #entries: BoundedMap<Failures>;
  readonly #clock: Clock;
  readonly #maxFailures: number;
  readonly #windowMs: number;
  readonly #lockMs: number;

  constructor(options: { clock: Clock; maxFailures: number; windowMs: number; lockMs: number; limit: number }) {
    this.#entries = new BoundedMap({ limit: options.limit });
    this.#clock = options.clock;
    this.#maxFailures = options.maxFailures;
    this.#windowMs = options.windowMs;
    this.#lockMs = options.lockMs;
  }

  /** Whole seconds until `key` may try again (at least 1), or undefined when it may try now. */
  retryAfterSeconds(key: string): number | undefined {
    const entry = this.#entries.get(key);
    if (entry === undefined) return undefined;
    const now = this.#clock.nowMs();
    if (entry.lockedUntilMs > now) return Math.max(1, Math.ceil((entry.lockedUntilMs - now) / 1000));
    // A lock that ran out starts the key afresh; so does a window that closed.
    if (entry.lockedUntilMs !== 0 || now - entry.windowStartMs >= this.#windowMs) this.#entries.delete(key);
    return undefined;
  }

  recordFailure(key: string): void {
    const now = this.#clock.nowMs();
    const entry = this.#entries.get(key);
    const current = entry === undefined || now - entry.windowStartMs >= this.#windowMs || (entry.lockedUntilMs !== 0 && entry.lockedUntilMs <= now)
      ? { windowStartMs: now, count: 0, lockedUntilMs: 0 }
      : entry;
    current.count += 1;
    if (current.count >= this.#maxFailures) current.lockedUntilMs = now + this.#lockMs;
    this.#entries.set(key, current);
  }

  /** A success forgets the key's failures. */
  clear(key: string): void {
    this.#entries.delete(key);
  }

  get size(): number {
    return this.#entries.size;
  }
}
