// What a DeltaSync reports while it works: for progress displays and logs.
import type { RetryEvent } from "./retrying-fetch.js";
import type { RoundCounts } from "./round-stage.js";

/**
 * The outcome of one committed round.
 *
 * @example
 * const summary: RoundSummary = await sync.runRound();
 * console.log(`${summary.added} new, ${summary.total} in store, next: ${summary.deltaLink}`);
 */
export interface RoundSummary extends RoundCounts {
  /** 1 for the first round this DeltaSync ran. */
  round: number;
  pages: number;
  /** Entries received, duplicates and replays included. */
  items: number;
  /** The round was an initial or resync round that replaced the local set. */
  full: boolean;
  /** Times the server answered 410 and the round started over. */
  resyncs: number;
  /** Where the next round starts; already committed to the store. */
  deltaLink: string;
  durationMs: number;
}

/**
 * Totals over the rounds of {@link DeltaSync.watch}.
 *
 * @example
 * const totals: WatchSummary = await sync.watch({ intervalMs: 60_000, signal });
 */
export interface WatchSummary extends RoundCounts {
  rounds: number;
  deltaLink: string | undefined;
}

/**
 * Progress of a DeltaSync, in the order things happen.
 *
 * @example
 * const sync = new DeltaSync({ ...options, onEvent: (e) => e.type === "retry" && console.warn(`retry in ${e.delayMs} ms (${e.reason})`) });
 */
export type SyncEvent =
  | { type: "round-start"; round: number; full: boolean; reason: "incremental" | "initial" | "source-changed" | "resync" | "requested" }
  | { type: "page"; round: number; page: number; items: number; roundItems: number }
  | ({ type: "retry" } & RetryEvent)
  | { type: "resync"; round: number; code: string; location: string | undefined }
  | { type: "round-end"; summary: RoundSummary }
  | { type: "round-failed"; round: number; error: unknown };
