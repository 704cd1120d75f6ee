import { BoundedMap } from "../cache/bounded-map.js";

// The recent delivery attempts of each subscription, for `GET /_graphcal/subscriptions/{id}/deliveries`
// and `graphcal subscriptions deliveries ID`. Kept in memory, per instance: it is a window for a
// developer to look through, not a record (what was delivered is the store's cursor). Bounded
// twice: the latest ATTEMPTS_PER_SUBSCRIPTION per subscription, SUBSCRIPTIONS subscriptions.

export const DELIVERY_LOG_LIMITS = Object.freeze({ attemptsPerSubscription: 50, subscriptions: 10_000 });

export interface DeliveryAttempt {
  /** When, on the virtual clock. */
  at: string;
  kind: "validation" | "notification" | "lifecycle";
  url: string;
  /** Notifications in the POST (1 for a handshake or a lifecycle notification). */
  count: number;
  status: number | null;
  latencyMs: number;
  /** `retrying`: failed, another attempt follows; `discarded`: failed and given up (a `missed` follows). */
  outcome: "delivered" | "validated" | "retrying" | "discarded" | "failed";
  error: string | null;
  /** The first and last change-log seq the POST carried (notifications only). */
  seqs?: { first: number; last: number };
  lifecycleEvent?: string;
}

export class DeliveryLog {
  readonly #bySubscription = new BoundedMap<DeliveryAttempt[]>({ limit: DELIVERY_LOG_LIMITS.subscriptions });

  record(subscriptionId: string, attempt: DeliveryAttempt): void {
    const list = this.#bySubscription.get(subscriptionId) ?? [];
    list.push(attempt);
    if (list.length > DELIVERY_LOG_LIMITS.attemptsPerSubscription) list.shift();
    this.#bySubscription.set(subscriptionId, list);
  }

  /** Oldest first. */
  list(subscriptionId: string): DeliveryAttempt[] {
    return [...(this.#bySubscription.get(subscriptionId) ?? [])];
  }
}
