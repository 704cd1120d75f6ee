import type { ChangeNotice, DeliveryState, LifecycleNotice, Subscription } from "./subscription.js";

/** A claimed subscription: its id and what can change after creation (the rest never does). */
export type ClaimedSubscription = Pick<Subscription, "id" | "mailboxId" | "createdMs" | "expirationMs" | "notificationUrl" | "lifecycleNotificationUrl" | "delivery">;

/**
 * The storage port of change notifications (`Store.notifications`): subscriptions, their
 * delivery cursors, the lifecycle outbox, and the slice of the change logs a delivery reads.
 * Like the rest of the store it is dumb: every rule is in SubscriptionService and
 * NotificationDispatcher.
 *
 * Leases: a delivery runs under a lease on the subscription row (`claim`), taken with one
 * conditional UPDATE, so among several instances over one database exactly one delivers a
 * subscription's changes at a time; every save is conditional on still holding it. Lease times
 * are wall-clock milliseconds (instances do not share a virtual clock); everything else is the
 * virtual clock's.
 */
export interface NotificationStore {
  insertSubscription(subscription: Subscription): Promise<void>;
  getSubscription(id: string): Promise<Subscription | undefined>;
  /** In creation order; every filter given must match. */
  listSubscriptions(query: { applicationId?: string; creatorId?: string; mailboxId?: string; tenantId?: string }): Promise<Subscription[]>;
  countSubscriptions(query: { mailboxId: string }): Promise<number>;
  /** Rewrites what a client can change (expiry, URLs) and the reauthorization mark; the delivery cursor stays. */
  updateSubscription(subscription: Subscription): Promise<void>;
  /** True when it existed. */
  deleteSubscription(id: string): Promise<boolean>;
  /**
   * Notes that reauthorizationRequired is sent for the subscription's expiry `forMs`; false when
   * it already was (another instance got there first: only the one that marked it sends it).
   */
  markReauthorizeSent(query: { id: string; forMs: number }): Promise<boolean>;

  /** Mailboxes that have at least one subscription. */
  listSubscribedMailboxes(): Promise<string[]>;
  /**
   * Mailboxes with a subscription that is behind its mailbox's change seq and not waiting out a
   * backoff at `nowMs` (the poll's query: other instances' writes, retries that came due).
   */
  listPendingMailboxes(query: { nowMs: number }): Promise<string[]>;
  /** Subscriptions whose expiry is at or before `nowMs`. */
  listExpired(query: { nowMs: number }): Promise<Subscription[]>;
  /** Subscriptions with a lifecycle URL that expire by `beforeMs` and were not yet told for that expiry. */
  listReauthorizeDue(query: { beforeMs: number }): Promise<Subscription[]>;

  /**
   * Takes the lease of every subscription of the mailboxes that is free (or already ours, or
   * whose lease ran out by `wallNowMs`) until `untilMs`; returns their mutable part as stored
   * now, in creation order.
   */
  claimMailboxes(query: { mailboxIds: readonly string[]; owner: string; untilMs: number; wallNowMs: number }): Promise<ClaimedSubscription[]>;
  /**
   * Saves each subscription's delivery state where `owner` still holds its lease, which it keeps
   * (a lease lost to another instance saves nothing: that instance delivers again). Returns how
   * many were saved.
   */
  saveDeliveries(query: { owner: string; deliveries: readonly { id: string; delivery: DeliveryState }[] }): Promise<number>;
  /** Gives back the leases `owner` holds on these subscriptions. */
  releaseLeases(query: { owner: string; ids: readonly string[] }): Promise<void>;
  /** Gives back every lease `owner` holds (a closing instance). */
  releaseAll(query: { owner: string }): Promise<void>;

  /**
   * The event change log of a mailbox in (after, upTo], in seq order, at most `limit` entries;
   * with calendarId, of that calendar only.
   */
  listEventNotices(query: { mailboxId: string; calendarId?: string; after: number; upTo: number; limit: number }): Promise<ChangeNotice[]>;
  /** The calendar change log of a mailbox in (after, upTo], in seq order, at most `limit` entries. */
  listCalendarNotices(query: { mailboxId: string; after: number; upTo: number; limit: number }): Promise<ChangeNotice[]>;

  insertLifecycleNotice(notice: LifecycleNotice): Promise<void>;
  /** Notices due at `nowMs` whose lease is free at `wallNowMs`, oldest first. */
  listDueLifecycleNotices(query: { nowMs: number; wallNowMs: number; limit: number }): Promise<LifecycleNotice[]>;
  claimLifecycleNotice(query: { id: string; owner: string; untilMs: number; wallNowMs: number }): Promise<boolean>;
  /** Delivered or given up. */
  deleteLifecycleNotice(id: string): Promise<void>;
  /** A failed attempt: its retry state, and the lease given back. */
  rescheduleLifecycleNotice(query: { id: string; attempts: number; firstFailureMs: number; nextAttemptMs: number }): Promise<void>;
}
