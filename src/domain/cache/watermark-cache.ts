import type { Clock } from "../clock.js";
import { BoundedMap } from "./bounded-map.js";

interface Entry {
  readonly seq: number;
  readonly atMs: number;
  /** The store's foreign-commit mark read before `seq` was learnt; undefined without one. */
  readonly mark: number | undefined;
}

/**
 * The latest change sequence per mailbox, kept in process so a "nothing changed" poll needs no
 * query. Safe to be stale: it is only trusted to say "still at W" when it equals the token's
 * watermark W, and then the answer repeats W, so a change it has not heard of yet is served
 * on a later poll, never skipped (docs/decisions/0002-delta-watermark-cache.md).
 *
 * How long an entry is trusted. With a store that has a foreign-commit mark (SQLite's data
 * version, `Store.foreignCommitMark`): while the mark is the one read before the entry's seq was
 * learnt, nothing was committed by another process since, and this process's own commits reach
 * the cache through `observe`, so the entry is exact and is kept; once the mark moves, it is
 * dropped and re-read (a write by another process is seen by the next poll). Without a mark
 * (PostgreSQL): `ttlMs` after it was learnt, which bounds the delay when another process writes.
 */
export class WatermarkCache {
  readonly #entries: BoundedMap<Entry>;
  readonly #clock: Clock;
  readonly #ttlMs: number;
  readonly #mark: (() => number) | undefined;

  // Positional, unlike the other caches: DeltaService builds it as `new WatermarkCache(clock, ttlMs, …)`.
  constructor(clock: Clock, ttlMs: number, limit = 100_000, mark?: () => number) {
    this.#entries = new BoundedMap({ limit });
    this.#clock = clock;
    this.#ttlMs = ttlMs;
    this.#mark = mark;
  }

  /** The store's foreign-commit mark now: read it *before* reading a seq to `observe`. */
  mark(): number | undefined {
    return this.#mark?.();
  }

  /** The cached latest seq, if it can be trusted. */
  get(mailboxId: string): number | undefined {
    const entry = this.#entries.get(mailboxId);
    if (!entry) return undefined;
    // A negative age means the virtual clock was set back since: the TTL cannot be measured, so
    // the entry is re-read rather than trusted for however long the clock takes to catch up.
    const ageMs = this.#clock.nowMs() - entry.atMs;
    const stale = entry.mark !== undefined ? entry.mark !== this.#mark?.() : ageMs > this.#ttlMs || ageMs < 0;
    if (stale) {
      this.#entries.delete(mailboxId);
      return undefined;
    }
    return entry.seq;
  }

  /**
   * Records a seq read from the store or committed by this process; never moves backwards.
   * `mark` is the foreign-commit mark read before the seq was (see the class comment).
   */
  observe(mailboxId: string, seq: number, mark?: number): void {
    const entry = this.#entries.get(mailboxId);
    if (entry && entry.seq > seq) return;
    this.#entries.set(mailboxId, { seq, atMs: this.#clock.nowMs(), mark });
  }

  forget(mailboxId: string): void {
    this.#entries.delete(mailboxId);
  }

  clear(): void {
    this.#entries.clear();
  }
}
