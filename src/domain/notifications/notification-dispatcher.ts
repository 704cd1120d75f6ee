import { BoundedMap } from "../cache/bounded-map.js";
import type { SubscribedMailboxes } from "../cache/subscribed-mailboxes.js";
import type { Clock } from "../clock.js";
import type { IdSource } from "../ids.js";
import type { MailboxSyncState } from "../model.js";
import type { Store } from "../store.js";
import type { DeliveryLog } from "./delivery-log.js";
import { queueLifecycle } from "./lifecycle-outbox.js";
import type { LoggedChange } from "../change-log/change-log-writer.js";
import { NoticeTail } from "./notice-tail.js";
import { NotificationLanes } from "./notification-lanes.js";
import { notificationBatches } from "./notification-payload.js";
import { DEFAULT_DISPATCHER_OPTIONS, retryDelayMs, type DispatcherOptions } from "./dispatcher-options.js";
import type { ChangeNotice, DeliveryState, LifecycleNotice, Subscription } from "./subscription.js";
import { TurnBatch } from "./turn-batch.js";
import { acknowledged, failureOf, type WebhookResult, type WebhookTransport } from "./webhook.js";

// Delivers change notifications from the change log (ADR 0010; README.md here). Each subscription
// keeps a cursor, `deliveredSeq`, in the mailbox's change sequence: a pass reads the log above
// it, POSTs what the subscription asked for, and moves the cursor once the receiver answered 2xx.
// The write path pays nothing: a commit only wakes the mailbox here (after commit, so a delta
// call made on receipt sees the change); a poll finds what other instances wrote, retries that
// came due and subscriptions that expire, on the virtual clock. Under load the work is shared:
// the passes of one turn claim their leases in one statement, POSTs to one URL carry several
// subscriptions' notifications (NotificationLanes), and the cursors settled in one turn are saved
// in one statement (TurnBatch).

/** Change-log entries a pass reads per log at most; the rest waits for the next pass. */
const READ_LIMIT = 500;
const LIFECYCLE_BATCH = 100;
/** Subscriptions whose fixed part is kept in memory; far above the per-mailbox limit times a busy instance's mailboxes. */
const KNOWN_SUBSCRIPTIONS = 20_000;

export class NotificationDispatcher {
  readonly #owner: string;
  readonly #options: DispatcherOptions;
  readonly #wallNow: () => number;
  /** Mailboxes woken since the last scheduled turn. */
  readonly #dirty = new Set<string>();
  /** A pass per mailbox at a time; a wake during one asks for another. */
  readonly #running = new Map<string, Promise<void>>();
  readonly #again = new Set<string>();
  readonly #abort = new AbortController();
  #scheduled = false;
  #ticking: Promise<void> | undefined;
  #tickAgain = false;
  #timer: NodeJS.Timeout | undefined;
  #closed = false;
  readonly #lanes: NotificationLanes;
  readonly #claims: TurnBatch<string, Subscription[]>;
  /**
   * Mailboxes whose subscriptions this instance claimed lately, with their rows as it last saved
   * them: while it holds the leases, no other instance moves those cursors, so the rows here are
   * the stored ones. Dropped when the subscriptions change here (`forget`), after holdMs, and when
   * a save finds a lease lost.
   */
  readonly #held = new Map<string, { sinceWallMs: number; subscriptions: Subscription[] }>();
  /** What this instance's commits logged lately, so a pass need not read it back. */
  readonly #tail = new NoticeTail();
  /** Subscriptions by id, for what never changes after creation (a claim reads only the rest). */
  readonly #known = new BoundedMap<Subscription>({ limit: KNOWN_SUBSCRIPTIONS });
  readonly #saves: TurnBatch<{ id: string; delivery: DeliveryState }, undefined>;

  constructor(private readonly deps: {
    store: Store; clock: Clock; ids: IdSource; transport: WebhookTransport; log: DeliveryLog; subscribed: SubscribedMailboxes;
    /** Whether the `created-and-updated` quirk is on for the mailbox. */
    createdAlsoUpdated: (mailboxId: string) => boolean;
    /** Where failures that stop nothing are reported. */
    onError: (error: unknown) => void;
    wallNow?: () => number;
    options?: Partial<DispatcherOptions>;
  }) {
    this.#owner = deps.ids.guid();
    const options = { ...DEFAULT_DISPATCHER_OPTIONS, ...deps.options };
    // A hold reuses a lease without renewing it, so it must end well before the lease does
    // (most of the lease is left for a pass begun under it). Otherwise a short NOTIFY_LEASE_MS
    // (below the 1 s hold) lets another instance claim the mailbox while this one still passes
    // over it from its held, stale cursor: the same changes delivered by both.
    this.#options = { ...options, holdMs: Math.min(options.holdMs, Math.floor(options.leaseMs / 10)) };
    this.#wallNow = deps.wallNow ?? Date.now;
    this.#lanes = new NotificationLanes((url, body) => this.#post(url, body), this.#options.batchSize);
    const { notifications } = deps.store;
    this.#claims = new TurnBatch(async (mailboxIds) => {
      const wallNowMs = this.#wallNow();
      const claimed = await notifications.claimMailboxes({ mailboxIds: [...new Set(mailboxIds)], owner: this.#owner, untilMs: wallNowMs + this.#options.leaseMs, wallNowMs });
      const byMailbox = new Map<string, Subscription[]>();
      for (const c of claimed) {
        const known = this.#known.get(c.id) ?? await notifications.getSubscription(c.id);
        // Deleted since the claim: nothing to deliver, nothing to save.
        if (!known) continue;
        this.#known.set(c.id, known);
        const list = byMailbox.get(c.mailboxId) ?? [];
        list.push({ ...known, ...c });
        byMailbox.set(c.mailboxId, list);
      }
      return mailboxIds.map((id) => byMailbox.get(id) ?? []);
    });
    this.#saves = new TurnBatch(async (deliveries) => {
      const saved = await notifications.saveDeliveries({ owner: this.#owner, deliveries });
      // A lease ran out and another instance took it (a stall longer than leaseMs): claim afresh.
      if (saved < deliveries.length) this.#held.clear();
      return deliveries.map(() => undefined);
    });
  }

  /** Starts the poll. */
  start(): void {
    if (this.#timer || this.#closed) return;
    this.#timer = setInterval(() => this.kick(), this.#options.pollMs);
    this.#timer.unref();
    this.kick();
  }

  /** A mailbox's change sequence moved (a ChangeLogWriter listener: after commit), with what the commit logged. */
  wake(mailboxId: string, logged: readonly LoggedChange[] = []): void {
    if (this.#closed || !this.deps.subscribed.has(mailboxId)) return;
    this.#tail.add(mailboxId, logged);
    this.#dirty.add(mailboxId);
    if (this.#scheduled) return;
    this.#scheduled = true;
    // One turn later: writes committed in the same turn share one pass.
    setImmediate(() => {
      this.#scheduled = false;
      for (const id of this.#dirty) this.#run(id);
      this.#dirty.clear();
    });
  }

  /** The subscriptions of a mailbox (null: of any) changed: the next pass claims and reads them again. */
  forget(mailboxId: string | null): void {
    if (mailboxId === null) {
      this.#held.clear();
      this.#tail.forget(null);
    } else this.#held.delete(mailboxId);
  }

  /** Runs the poll now (the clock moved, a lifecycle notification was queued). */
  kick(): void {
    if (this.#closed) return;
    if (this.#ticking) {
      this.#tickAgain = true;
      return;
    }
    this.#ticking = this.#tick().catch(this.deps.onError).finally(() => {
      this.#ticking = undefined;
      if (this.#tickAgain) {
        this.#tickAgain = false;
        this.kick();
      }
    });
  }

  /** Resolves once nothing is running (tests, and close). */
  async idle(): Promise<void> {
    while (this.#ticking || this.#running.size > 0) {
      await Promise.allSettled([this.#ticking, ...this.#running.values()]);
    }
  }

  /** Stops: in-flight POSTs are aborted (not acknowledged: delivered again later), leases given back. */
  async close(): Promise<void> {
    this.#closed = true;
    if (this.#timer) clearInterval(this.#timer);
    this.#abort.abort();
    await this.idle();
    await this.deps.store.notifications.releaseAll({ owner: this.#owner }).catch(this.deps.onError);
  }

  #run(mailboxId: string): void {
    if (this.#closed) return;
    if (this.#running.has(mailboxId)) {
      this.#again.add(mailboxId);
      return;
    }
    const pass = this.#pass(mailboxId).catch((error: unknown) => {
      this.forget(mailboxId);
      this.deps.onError(error);
    }).finally(() => {
      this.#running.delete(mailboxId);
      if (this.#again.delete(mailboxId)) this.#run(mailboxId);
    });
    this.#running.set(mailboxId, pass);
  }

  async #tick(): Promise<void> {
    const { notifications } = this.deps.store;
    const nowMs = this.deps.clock.nowMs();
    await this.#releaseHolds();
    // Expired subscriptions are deleted, with no notification (Graph: "no further notifications").
    for (const expired of await notifications.listExpired({ nowMs })) {
      await notifications.deleteSubscription(expired.id);
      this.forget(expired.mailboxId);
    }
    for (const due of await notifications.listReauthorizeDue({ beforeMs: nowMs + this.#options.reauthorizeLeadMs })) {
      if (await notifications.markReauthorizeSent({ id: due.id, forMs: due.expirationMs })) await queueLifecycle(this.deps, due, "reauthorizationRequired");
    }
    await this.#deliverLifecycle(nowMs);
    this.deps.subscribed.replace(await notifications.listSubscribedMailboxes());
    for (const mailboxId of await notifications.listPendingMailboxes({ nowMs })) this.#run(mailboxId);
  }

  /** Gives back the leases of mailboxes held longer than holdMs and not in a pass (other instances may take them). */
  async #releaseHolds(): Promise<void> {
    const wallNowMs = this.#wallNow();
    const ids: string[] = [];
    for (const [mailboxId, held] of this.#held) {
      if (wallNowMs - held.sinceWallMs < this.#options.holdMs || this.#running.has(mailboxId)) continue;
      this.#held.delete(mailboxId);
      ids.push(...held.subscriptions.map((s) => s.id));
    }
    if (ids.length > 0) await this.deps.store.notifications.releaseLeases({ owner: this.#owner, ids });
  }

  /** The mailbox's subscriptions under this instance's lease: held from a recent pass, or claimed now. */
  async #claim(mailboxId: string): Promise<Subscription[]> {
    const wallNowMs = this.#wallNow();
    const held = this.#held.get(mailboxId);
    if (held && wallNowMs - held.sinceWallMs < this.#options.holdMs) return held.subscriptions;
    const claimed = await this.#claims.add(mailboxId);
    if (claimed.length > 0) this.#held.set(mailboxId, { sinceWallMs: wallNowMs, subscriptions: claimed });
    else this.#held.delete(mailboxId);
    return claimed;
  }

  /** One pass over a mailbox: lease its subscriptions, read its log once, deliver to each. */
  async #pass(mailboxId: string): Promise<void> {
    const { notifications } = this.deps.store;
    const claimed = await this.#claim(mailboxId);
    if (claimed.length === 0) return;
    const state = await this.deps.store.getSyncState({ mailboxId });
    if (!state) {
      // The mailbox is gone (a reset that did not go through SubscriptionService): so are its subscriptions.
      this.forget(mailboxId);
      for (const s of claimed) {
        await queueLifecycle(this.deps, s, "subscriptionRemoved");
        await notifications.deleteSubscription(s.id);
      }
      this.kick();
      return;
    }
    const nowMs = this.deps.clock.nowMs();
    const due = claimed.filter((s) => s.delivery.deliveredSeq < state.changeSeq && s.delivery.nextAttemptMs <= nowMs && s.expirationMs > nowMs);
    if (due.length === 0) return;
    const window = await this.#read(mailboxId, due, state);
    // Asked once a pass: the same for all its subscriptions.
    const createdAlsoUpdated = this.deps.createdAlsoUpdated(mailboxId);
    await Promise.all(due.map((s) => this.#deliver(s, window, { state, nowMs, createdAlsoUpdated })));
    if (window.upTo < state.changeSeq) this.#again.add(mailboxId);
  }

  /** The log slice every due subscription needs, read once: from the lowest cursor up. */
  async #read(mailboxId: string, due: Subscription[], state: MailboxSyncState): Promise<{ events: ChangeNotice[]; calendars: ChangeNotice[]; upTo: number }> {
    const { notifications } = this.deps.store;
    const after = Math.max(state.pruneSeq, Math.min(...due.map((s) => s.delivery.deliveredSeq)));
    const kept = this.#tail.window(mailboxId, after, state.changeSeq);
    if (kept) return { ...kept, upTo: state.changeSeq };
    let upTo = state.changeSeq;
    const read = async (kind: "events" | "calendars"): Promise<ChangeNotice[]> => {
      if (!due.some((s) => s.target.kind === kind)) return [];
      const query = { mailboxId, after, upTo: state.changeSeq, limit: READ_LIMIT };
      const notices = kind === "events" ? await notifications.listEventNotices(query) : await notifications.listCalendarNotices(query);
      // A full page: this pass covers the log only up to its last entry.
      if (notices.length === READ_LIMIT) upTo = Math.min(upTo, (notices[notices.length - 1] as ChangeNotice).seq);
      return notices;
    };
    const events = await read("events");
    const calendars = await read("calendars");
    return { events: events.filter((n) => n.seq <= upTo), calendars: calendars.filter((n) => n.seq <= upTo), upTo };
  }

  /** Delivers one subscription's share of the slice, in log order, in POSTs of at most batchSize. */
  async #deliver(
    subscription: Subscription, window: { events: ChangeNotice[]; calendars: ChangeNotice[]; upTo: number },
    pass: { state: MailboxSyncState; nowMs: number; createdAlsoUpdated: boolean },
  ): Promise<void> {
    const { state, nowMs, createdAlsoUpdated } = pass;
    let delivery: DeliveryState = { ...subscription.delivery };
    const save = () => {
      // The held row is the stored one (see #held).
      subscription.delivery = delivery;
      return this.#saves.add({ id: subscription.id, delivery });
    };
    try {
      // History the retention job pruned cannot be notified: say so, go on from what is left.
      if (delivery.deliveredSeq < state.pruneSeq) {
        await this.#missed(subscription);
        delivery = { ...delivery, deliveredSeq: state.pruneSeq };
      }
      const { target } = subscription;
      const pool = target.kind === "calendars" ? window.calendars : window.events;
      const mine = pool.filter((n) => n.seq > delivery.deliveredSeq && (target.kind === "calendars" || target.calendarId === null || n.calendarId === target.calendarId));
      for (const batch of notificationBatches(subscription, mine, this.#options.batchSize, createdAlsoUpdated)) {
        const result = await this.#lanes.post(subscription.notificationUrl, batch.notifications);
        if (result.error === "aborted") return; // closing: not acknowledged, delivered again later
        if (!acknowledged(result)) {
          delivery = await this.#failed(subscription, delivery, { result, batch, state, nowMs });
          return;
        }
        this.#record(subscription, { result, count: batch.notifications.length, outcome: "delivered", seqs: batch.seqs });
        delivery = { ...delivery, deliveredSeq: batch.seqs.last, attempts: 0, firstFailureMs: null, nextAttemptMs: 0 };
      }
      delivery = { ...delivery, deliveredSeq: Math.max(delivery.deliveredSeq, window.upTo) };
    } finally {
      await save();
    }
  }

  /**
   * A failed POST: retried with backoff on the virtual clock, for up to retryWindowMs from the
   * first failure; then everything pending is dropped and the subscription told `missed`.
   */
  async #failed(subscription: Subscription, delivery: DeliveryState, failure: {
    result: WebhookResult; batch: { notifications: unknown[]; seqs: { first: number; last: number } }; state: MailboxSyncState; nowMs: number;
  }): Promise<DeliveryState> {
    const { result, batch, state, nowMs } = failure;
    const firstFailureMs = delivery.firstFailureMs ?? nowMs;
    const attempts = delivery.attempts + 1;
    if (nowMs - firstFailureMs >= this.#options.retryWindowMs) {
      this.#record(subscription, { result, count: batch.notifications.length, outcome: "discarded", seqs: batch.seqs });
      await this.#missed(subscription);
      return { ...delivery, deliveredSeq: state.changeSeq, attempts: 0, firstFailureMs: null, nextAttemptMs: 0 };
    }
    this.#record(subscription, { result, count: batch.notifications.length, outcome: "retrying", seqs: batch.seqs });
    return { ...delivery, attempts, firstFailureMs, nextAttemptMs: nowMs + retryDelayMs(attempts) };
  }

  async #missed(subscription: Subscription): Promise<void> {
    if (await queueLifecycle(this.deps, subscription, "missed")) this.kick();
  }

  async #deliverLifecycle(nowMs: number): Promise<void> {
    const { notifications } = this.deps.store;
    const due = await notifications.listDueLifecycleNotices({ nowMs, wallNowMs: this.#wallNow(), limit: LIFECYCLE_BATCH });
    for (const notice of due) {
      const wallNowMs = this.#wallNow();
      if (!await notifications.claimLifecycleNotice({ id: notice.id, owner: this.#owner, untilMs: wallNowMs + this.#options.leaseMs, wallNowMs })) continue;
      const result = await this.#post(notice.url, `{"value":[${notice.body}]}`);
      if (result.error === "aborted") {
        await notifications.rescheduleLifecycleNotice({ id: notice.id, attempts: notice.attempts, firstFailureMs: notice.firstFailureMs ?? nowMs, nextAttemptMs: notice.nextAttemptMs });
        return;
      }
      await this.#settleLifecycle(notice, result, nowMs);
    }
  }

  async #settleLifecycle(notice: LifecycleNotice, result: WebhookResult, nowMs: number): Promise<void> {
    const { notifications } = this.deps.store;
    const firstFailureMs = notice.firstFailureMs ?? nowMs;
    const ok = acknowledged(result);
    const giveUp = !ok && nowMs - firstFailureMs >= this.#options.retryWindowMs;
    this.deps.log.record(notice.subscriptionId, {
      at: new Date(nowMs).toISOString(), kind: "lifecycle", url: notice.url, count: 1, status: result.status,
      latencyMs: Math.round(result.latencyMs), outcome: ok ? "delivered" : giveUp ? "discarded" : "retrying", error: failureOf(result),
      lifecycleEvent: notice.lifecycleEvent,
    });
    if (ok || giveUp) {
      await notifications.deleteLifecycleNotice(notice.id);
      return;
    }
    const attempts = notice.attempts + 1;
    await notifications.rescheduleLifecycleNotice({ id: notice.id, attempts, firstFailureMs, nextAttemptMs: nowMs + retryDelayMs(attempts) });
  }

  #post(url: string, body: string): Promise<WebhookResult> {
    return this.deps.transport.post({
      url, body, contentType: "application/json; charset=utf-8", timeoutMs: this.#options.deliveryTimeoutMs, signal: this.#abort.signal,
    });
  }

  /** The virtual clock's now as ISO text, formatted once per millisecond (a POST's answer settles many subscriptions at once). */
  #isoNow(): string {
    const ms = this.deps.clock.nowMs();
    if (ms !== this.#isoMs) {
      this.#isoMs = ms;
      this.#iso = new Date(ms).toISOString();
    }
    return this.#iso;
  }

  #isoMs = Number.NaN;
  #iso = "";

  #record(subscription: Subscription, entry: { result: WebhookResult; count: number; outcome: "delivered" | "retrying" | "discarded"; seqs: { first: number; last: number } }): void {
    this.deps.log.record(subscription.id, {
      at: this.#isoNow(), kind: "notification", url: subscription.notificationUrl, count: entry.count,
      status: entry.result.status, latencyMs: Math.round(entry.result.latencyMs), outcome: entry.outcome, error: failureOf(entry.result),
      seqs: entry.seqs,
    });
  }
}
