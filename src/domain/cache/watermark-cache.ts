import type { Clock } from "../clock.js";
import { BoundedMap } from "./bounded-map.js";

/**
 * The latest change sequence per mailbox, kept in process so a "nothing changed" poll needs no
 * query. Safe to be stale: it is only trusted to say "still at W" when it equals the token's
 * watermark W, and then the answer repeats W, so a change it has not heard of yet is served
 * on a later poll, never skipped (docs/decisions/0002-delta-watermark-cache.md). Entries older
 * than `ttlMs` are re-read, which bounds the delay when another process writes the store.
 */
export class WatermarkCache {
  readonly #entries: BoundedMap<{ readonly seq: number; readonly atMs: number }>;
  readonly #clock: Clock;
  readonly #ttlMs: number;

  // Positional, unlike the other caches: DeltaService builds it as `new WatermarkCache(clock, ttlMs)`.
  constructor(clock: Clock, ttlMs: number, limit = 100_000) {
    this.#entries = new BoundedMap({ limit });
    this.#clock = clock;
    this.#ttlMs = ttlMs;
  }

  /** The cached latest seq, if fresh. */
  get(mailboxId: string): number | undefined {
    const entry = this.#entries.get(mailboxId);
    if (!entry) return undefined;
    if (this.#clock.now().getTime() - entry.atMs > this.#ttlMs) {
      this.#entries.delete(mailboxId);
      return undefined;
    }
    return entry.seq;
  }

  /** Records a seq read from the store or committed by this process; never moves backwards. */
  observe(mailboxId: string, seq: number): void {
    const entry = this.#entries.get(mailboxId);
    if (entry && entry.seq > seq) return;
    this.#entries.set(mailboxId, { seq, atMs: this.#clock.now().getTime() });
  }

  forget(mailboxId: string): void {
    this.#entries.delete(mailboxId);
  }
}
