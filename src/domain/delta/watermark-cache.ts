import type { Clock } from "../clock.js";

/**
 * The latest change sequence per mailbox, kept in process so a "nothing changed" poll needs no
 * query. Safe to be stale: it is only trusted to say "still at W" when it equals the token's
 * watermark W, and then the answer repeats W, so a change it has not heard of yet is served
 * on a later poll, never skipped (docs/decisions/0002-delta-watermark-cache.md). Entries older
 * than `ttlMs` are re-read, which bounds the delay when another process writes the store.
 */
export class WatermarkCache {
  readonly #entries = new Map<string, { seq: number; atMs: number }>();

  constructor(private readonly clock: Clock, private readonly ttlMs: number, private readonly limit = 100_000) {}

  /** The cached latest seq, if fresh. */
  get(mailboxId: string): number | undefined {
    const entry = this.#entries.get(mailboxId);
    if (!entry) return undefined;
    if (this.clock.now().getTime() - entry.atMs > this.ttlMs) {
      this.#entries.delete(mailboxId);
      return undefined;
    }
    return entry.seq;
  }

  /** Records a seq read from the store or committed by this process; never moves backwards. */
  observe(mailboxId: string, seq: number): void {
    const entry = this.#entries.get(mailboxId);
    if (entry && entry.seq > seq) return;
    if (!entry && this.#entries.size >= this.limit) this.#entries.delete(this.#entries.keys().next().value as string);
    this.#entries.set(mailboxId, { seq, atMs: this.clock.now().getTime() });
  }

  forget(mailboxId: string): void {
    this.#entries.delete(mailboxId);
  }
}
