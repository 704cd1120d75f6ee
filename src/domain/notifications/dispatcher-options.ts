// The notification dispatcher's settings and its retry schedule (ADR 0010); the server sets them
// from NOTIFY_* (server/config.ts).

export interface DispatcherOptions {
  /** How often the poll runs (wall-clock ms). */
  pollMs: number;
  /** A receiver that does not answer within this fails the attempt (Graph: 3 s). */
  deliveryTimeoutMs: number;
  /** How long a failing receiver is retried before its notifications are dropped and `missed` sent (Graph: 4 h). */
  retryWindowMs: number;
  /** How long a lease on a mailbox's subscriptions lasts (wall-clock ms); above any pass's length. */
  leaseMs: number;
  /** Notifications per POST at most. */
  batchSize: number;
  /** reauthorizationRequired goes out this long before a subscription expires. */
  reauthorizeLeadMs: number;
  /**
   * How long a pass reuses the leases and rows an earlier pass claimed (wall-clock ms; at most a
   * tenth of leaseMs, whatever is asked). Under load a mailbox is claimed about once per holdMs
   * instead of once per write; the poll gives back what was held longer.
   */
  holdMs: number;
}

export const DEFAULT_DISPATCHER_OPTIONS: DispatcherOptions = Object.freeze({
  pollMs: 1000,
  deliveryTimeoutMs: 3000,
  retryWindowMs: 4 * 3600_000,
  leaseMs: 30_000,
  batchSize: 100,
  reauthorizeLeadMs: 15 * 60_000,
  holdMs: 1000,
});

/** The wait before attempt n+1 after n failures: 10 s doubling to 15 min (virtual clock). */
export function retryDelayMs(failures: number): number {
  return Math.min(10_000 * 2 ** Math.max(0, failures - 1), 15 * 60_000);
}
