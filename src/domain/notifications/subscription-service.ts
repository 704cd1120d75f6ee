import type { LifecycleEvent } from "../../graph/index.js";
import type { MailboxAccess } from "../access/mailbox-access.js";
import type { Principal } from "../access/principal.js";
import type { SubscribedMailboxes } from "../cache/subscribed-mailboxes.js";
import type { Clock } from "../clock.js";
import { checkReadOnly } from "../entity-body.js";
import { NotFoundError, SubscriptionError, SubscriptionNotFoundError } from "../errors.js";
import type { IdSource } from "../ids.js";
import type { Mailbox } from "../model.js";
import type { Store } from "../store.js";
import type { DeliveryAttempt, DeliveryLog } from "./delivery-log.js";
import { queueLifecycle } from "./lifecycle-outbox.js";
import { parseSubscriptionCreate, parseSubscriptionUpdate } from "./subscription-input.js";
import { parseSubscriptionResource, type ResourceScope } from "./subscription-resource.js";
import { subscriptionView } from "./subscription-view.js";
import { SUBSCRIPTION_LIMITS, type Subscription, type SubscriptionTarget } from "./subscription.js";
import { validateNotificationUrl } from "./validation-handshake.js";
import type { WebhookTransport } from "./webhook.js";

// `/subscriptions` (spec §4.2–4.7): create (field rules, permissions, quota, the validation
// handshake), list and read what the calling app created, renew, reauthorize, delete; and the
// emulator's own: lifecycle events on request, removal by a reset. Delivery is the dispatcher's.
// see: https://learn.microsoft.com/graph/api/resources/subscription

export interface SubscriptionServiceOptions {
  /** How long the endpoint has to answer the handshake (Graph: 10 s). */
  validationTimeoutMs: number;
  /** Graph extensions on: `me/calendars` may be subscribed to. */
  graphExtensions: boolean;
}

export class SubscriptionService {
  constructor(private readonly deps: {
    store: Store; access: MailboxAccess; clock: Clock; ids: IdSource; transport: WebhookTransport; log: DeliveryLog;
    subscribed: SubscribedMailboxes; options: SubscriptionServiceOptions;
    /** Tells the dispatcher there is a lifecycle notification to send. */
    kick: () => void;
    /** Tells the dispatcher a mailbox's subscriptions changed (null: any mailbox's), so it reads them again. */
    changed?: (mailboxId: string | null) => void;
  }) {}

  /** POST /subscriptions: 201 with the subscription once its URLs passed the handshake. */
  async create(args: { principal: Principal; body: unknown }): Promise<Subscription> {
    const { principal } = args;
    const input = parseSubscriptionCreate(args.body);
    const parsed = parseSubscriptionResource(input.resource, { graphExtensions: this.deps.options.graphExtensions });
    const mailbox = await this.deps.access.subscriptionMailbox({ principal, user: parsed.user });
    const target = await this.#target(mailbox, parsed.scope);
    const nowMs = this.deps.clock.nowMs();
    const expirationMs = lifetime(input.expirationMs, nowMs);
    if (await this.deps.store.notifications.countSubscriptions({ mailboxId: mailbox.id }) >= SUBSCRIPTION_LIMITS.perMailbox) {
      // The words Graph's subscription service uses for a full quota (docs#21403).
      throw new SubscriptionError("Operation: Create; Exception: [Status Code: Forbidden; Reason: Maximum number of subscriptions has been reached]", "quota");
    }
    const id = this.deps.ids.guid();
    const draft: Subscription = {
      id, mailboxId: mailbox.id, tenantId: mailbox.tenantId, applicationId: principal.appId,
      creatorId: principal.kind === "delegated" ? principal.userId : principal.appId,
      resource: input.resource, target, changeTypes: input.changeTypes, notificationUrl: input.notificationUrl,
      lifecycleNotificationUrl: input.lifecycleNotificationUrl, clientState: input.clientState,
      latestSupportedTlsVersion: input.latestSupportedTlsVersion, expirationMs, createdMs: nowMs,
      delivery: { deliveredSeq: 0, attempts: 0, firstFailureMs: null, nextAttemptMs: 0, reauthorizeSentForMs: null },
    };
    checkReadOnly(input.readOnly, subscriptionView(draft));
    await this.#validate(id, input.notificationUrl);
    if (input.lifecycleNotificationUrl !== null) await this.#validate(id, input.lifecycleNotificationUrl);
    // Changes committed from here on are the subscription's; the handshake above took its time.
    const subscription: Subscription = {
      ...draft, delivery: { ...draft.delivery, deliveredSeq: await this.deps.store.getChangeSeq({ mailboxId: mailbox.id }) ?? 0 },
    };
    await this.deps.store.notifications.insertSubscription(subscription);
    this.deps.subscribed.add(mailbox.id);
    this.deps.changed?.(mailbox.id);
    return subscription;
  }

  /** GET /subscriptions: what the calling app created (for a user: for that user). */
  async list(args: { principal: Principal }): Promise<Subscription[]> {
    const { principal } = args;
    return this.deps.store.notifications.listSubscriptions({
      tenantId: principal.tenantId, applicationId: principal.appId,
      ...(principal.kind === "delegated" && { creatorId: principal.userId }),
    });
  }

  async get(args: { principal: Principal; id: string }): Promise<Subscription> {
    const subscription = await this.deps.store.notifications.getSubscription(args.id);
    if (!subscription || !visibleTo(args.principal, subscription)) throw new SubscriptionNotFoundError(args.id);
    return subscription;
  }

  /**
   * PATCH /subscriptions/{id}: renew (`expirationDateTime`, the lifetime rules again) and/or move
   * to a new `notificationUrl`, which is validated first. A lifecycle URL cannot be added to a
   * subscription created without one (spec §4.2, for Outlook resources).
   */
  async update(args: { principal: Principal; id: string; body: unknown }): Promise<Subscription> {
    const current = await this.get(args);
    const input = parseSubscriptionUpdate(args.body);
    checkReadOnly(input.fixed, subscriptionView(current));
    const updated: Subscription = { ...current };
    if (input.expirationMs !== undefined) updated.expirationMs = lifetime(input.expirationMs, this.deps.clock.nowMs());
    if (input.lifecycleNotificationUrl !== undefined && input.lifecycleNotificationUrl !== current.lifecycleNotificationUrl) {
      if (current.lifecycleNotificationUrl === null) {
        throw new SubscriptionError("lifecycleNotificationUrl cannot be added to an existing subscription; create a new subscription with it.", "invalidRequest");
      }
      if (input.lifecycleNotificationUrl === null) {
        throw new SubscriptionError("lifecycleNotificationUrl cannot be removed from a subscription.", "invalidRequest");
      }
      await this.#validate(current.id, input.lifecycleNotificationUrl);
      updated.lifecycleNotificationUrl = input.lifecycleNotificationUrl;
    }
    if (input.notificationUrl !== undefined && input.notificationUrl !== current.notificationUrl) {
      await this.#validate(current.id, input.notificationUrl);
      updated.notificationUrl = input.notificationUrl;
    }
    await this.deps.store.notifications.updateSubscription(updated);
    this.deps.changed?.(updated.mailboxId);
    return updated;
  }

  async delete(args: { principal: Principal; id: string }): Promise<void> {
    const subscription = await this.get(args);
    await this.deps.store.notifications.deleteSubscription(subscription.id);
    this.deps.changed?.(subscription.mailboxId);
  }

  /**
   * POST /subscriptions/{id}/reauthorize: the app answers a reauthorizationRequired without
   * renewing. graphcal's tokens never lapse under a subscription, so nothing is paused; the
   * reminder for the current expiry counts as answered.
   */
  async reauthorize(args: { principal: Principal; id: string }): Promise<void> {
    const subscription = await this.get(args);
    await this.deps.store.notifications.markReauthorizeSent({ id: subscription.id, forMs: subscription.expirationMs });
  }

  /** Every subscription of the store, or of one mailbox (GET /_graphcal/subscriptions). */
  adminList(query: { mailboxId?: string } = {}): Promise<Subscription[]> {
    return this.deps.store.notifications.listSubscriptions(query);
  }

  async adminGet(id: string): Promise<Subscription> {
    const subscription = await this.deps.store.notifications.getSubscription(id);
    if (!subscription) throw new SubscriptionNotFoundError(id);
    return subscription;
  }

  /** The recent delivery attempts this instance made for a subscription (it may be gone since). */
  deliveries(id: string): DeliveryAttempt[] {
    return this.deps.log.list(id);
  }

  /**
   * A lifecycle event on request (POST /_graphcal/subscriptions/{id}/lifecycle), so an app can
   * test its handling: `subscriptionRemoved` also removes the subscription, as Graph's does;
   * `missed` and `reauthorizationRequired` only notify (nothing is dropped or paused). The two
   * that leave the subscription in place need a lifecycle URL to go to.
   */
  async triggerLifecycle(args: { id: string; lifecycleEvent: LifecycleEvent }): Promise<{ notified: boolean; removed: boolean }> {
    const subscription = await this.adminGet(args.id);
    if (args.lifecycleEvent === "subscriptionRemoved") {
      const notified = await this.#remove(subscription);
      return { notified, removed: true };
    }
    if (subscription.lifecycleNotificationUrl === null) {
      throw new SubscriptionError("The subscription has no lifecycleNotificationUrl to send the lifecycle notification to.", "invalidRequest");
    }
    await queueLifecycle(this.deps, subscription, args.lifecycleEvent);
    this.deps.kick();
    return { notified: true, removed: false };
  }

  /** A mailbox reset: its subscriptions go, each told `subscriptionRemoved` where it can be. */
  async removeForMailbox(mailboxId: string): Promise<void> {
    for (const subscription of await this.deps.store.notifications.listSubscriptions({ mailboxId })) await this.#remove(subscription);
  }

  /** A whole-store reset: every subscription goes, as above. */
  async removeAll(): Promise<void> {
    for (const subscription of await this.deps.store.notifications.listSubscriptions({})) await this.#remove(subscription);
    // The store may be restored under the dispatcher's feet too (kept startup rows).
    this.deps.changed?.(null);
  }

  async #remove(subscription: Subscription): Promise<boolean> {
    const notified = await queueLifecycle(this.deps, subscription, "subscriptionRemoved");
    await this.deps.store.notifications.deleteSubscription(subscription.id);
    this.deps.changed?.(subscription.mailboxId);
    if (notified) this.deps.kick();
    return notified;
  }

  async #validate(subscriptionId: string, url: string): Promise<void> {
    const { transport, ids, log, clock } = this.deps;
    await validateNotificationUrl({
      url, transport, ids, timeoutMs: this.deps.options.validationTimeoutMs,
      record: (result, failure) => log.record(subscriptionId, {
        at: clock.now().toISOString(), kind: "validation", url, count: 1, status: result.status, latencyMs: Math.round(result.latencyMs),
        outcome: failure === null ? "validated" : "failed", error: failure,
      }),
    });
  }

  /** What the resource names in the mailbox; a calendar must exist. */
  async #target(mailbox: Mailbox, scope: ResourceScope): Promise<SubscriptionTarget> {
    if (scope.kind === "calendars") return { kind: "calendars" };
    if (scope.calendar === "all") return { kind: "events", calendarId: null };
    const calendar = scope.calendar === "default"
      ? await this.deps.store.getDefaultCalendar({ mailboxId: mailbox.id })
      : await this.deps.store.getCalendar({ mailboxId: mailbox.id, calendarId: scope.calendar.calendarId });
    if (!calendar) throw new NotFoundError("calendar", scope.calendar === "default" ? "calendar" : scope.calendar.calendarId);
    return { kind: "events", calendarId: calendar.id };
  }
}

/**
 * Outlook's lifetime rules (spec §4.2): sooner than 45 minutes is raised to 45 minutes, silently;
 * further than 10,080 minutes is refused with the ExtensionError Graph answers (its observed
 * wording, with today's number; spec §6 X2).
 */
function lifetime(askedMs: number, nowMs: number): number {
  const max = SUBSCRIPTION_LIMITS.maxLifetimeMinutes;
  if (askedMs > nowMs + max * 60_000) throw new SubscriptionError(`Subscription expiration can only be ${max} minutes in the future.`, "extension");
  return Math.max(askedMs, nowMs + SUBSCRIPTION_LIMITS.minLifetimeMs);
}

/** An app sees the subscriptions it created; through a user, those it created for that user. */
function visibleTo(principal: Principal, subscription: Subscription): boolean {
  if (subscription.tenantId !== principal.tenantId || subscription.applicationId !== principal.appId) return false;
  return principal.kind === "app" || subscription.creatorId === principal.userId;
}
