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
  /** Per subscription, a ring: once full, `next` is the oldest entry (overwritten by the next record). */
  readonly #bySubscription = new BoundedMap<{ items: DeliveryAttempt[]; next: number }>({ limit: DELIVERY_LOG_LIMITS.subscriptions });

  record(subscriptionId: string, attempt: DeliveryAttempt): void {
    let ring = this.#bySubscription.get(subscriptionId);
    if (!ring) this.#bySubscription.set(subscriptionId, ring = { items: [], next: 0 });
    if (ring.items.length < DELIVERY_LOG_LIMITS.attemptsPerSubscription) {
      ring.items.push(attempt);
      return;
    }
    ring.items[ring.next] = attempt;
    ring.next = (ring.next + 1) % ring.items.length;
  }

  /** Oldest first. */
  list(subscriptionId: string): DeliveryAttempt[] {
    const ring = this.#bySubscription.get(subscriptionId);
    if (!ring) return [];
    return [...ring.items.slice(ring.next), ...ring.items.slice(0, ring.next)];
  }
}
