import type { ChangeType, LifecycleEvent, TlsVersion } from "../../graph/index.js";

// A change-notification subscription as graphcal keeps it (spec §4): what the client asked for,
// resolved to one mailbox, plus the delivery state the dispatcher moves along the change log.
// see: https://learn.microsoft.com/graph/api/resources/subscription

/** Outlook's limits (spec §4.1–4.2). */
export const SUBSCRIPTION_LIMITS = Object.freeze({
  /** An expiry sooner than this is raised to it, silently. */
  minLifetimeMs: 45 * 60_000,
  /** 10,080 minutes: an expiry further out is refused (spec §6 X2). */
  maxLifetimeMinutes: 10_080,
  clientStateMaxLength: 128,
  /** Active subscriptions per mailbox, across all apps. */
  perMailbox: 1_000,
});

/** What a subscription watches in its mailbox: events (of one calendar, or all), or the calendar list (our extension). */
export type SubscriptionTarget =
  | { kind: "events"; calendarId: string | null }
  | { kind: "calendars" };

/**
 * Where the dispatcher is with one subscription. `deliveredSeq` is the change-log seq up to which
 * every change was delivered (or found not to concern the subscription); the rest is the retry
 * state of a receiver that keeps failing (virtual clock, epoch ms).
 */
export interface DeliveryState {
  deliveredSeq: number;
  attempts: number;
  /** When the current run of failures began; null while the receiver is healthy. */
  firstFailureMs: number | null;
  /** No attempt before this (backoff after a failure); 0 when due at once. */
  nextAttemptMs: number;
  /** The expiry a reauthorizationRequired was already sent for (sent once per expiry). */
  reauthorizeSentForMs: number | null;
}

export interface Subscription {
  id: string;
  mailboxId: string;
  tenantId: string;
  /** The app that created it: only that app sees it (GET /subscriptions). */
  applicationId: string;
  /** The signed-in user (delegated) or the app (application permissions). */
  creatorId: string;
  /** As the client wrote it (Graph echoes it). */
  resource: string;
  target: SubscriptionTarget;
  changeTypes: ChangeType[];
  notificationUrl: string;
  lifecycleNotificationUrl: string | null;
  clientState: string | null;
  latestSupportedTlsVersion: TlsVersion;
  expirationMs: number;
  createdMs: number;
  delivery: DeliveryState;
}

/** A lifecycle notification waiting to be delivered (an outbox row: it outlives its subscription). */
export interface LifecycleNotice {
  id: string;
  subscriptionId: string;
  url: string;
  lifecycleEvent: LifecycleEvent;
  /** The notification's JSON (one item of `value`). */
  body: string;
  createdMs: number;
  attempts: number;
  firstFailureMs: number | null;
  nextAttemptMs: number;
}

/**
 * One entry of a mailbox's change log, as much of it as a notification needs: the event or
 * calendar, what happened, and its changeKey afterwards (null for a removal).
 */
export interface ChangeNotice {
  seq: number;
  itemId: string;
  calendarId: string;
  removed: boolean;
  /** The item was created by this very change. */
  created: boolean;
  changeKey: string | null;
}
