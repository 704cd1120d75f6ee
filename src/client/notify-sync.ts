// Notify then delta (spec §5): a change notification is only a signal; the data comes from the
// next delta round. One subscription for the mailbox's events, a local receiver, and rounds of
// the existing DeltaSync, coalesced (a burst of notifications costs a round or two). Lifecycle
// notifications follow Graph's advice: `missed` → a full resync; `subscriptionRemoved` → a new
// subscription, then a full resync (changes while it was gone were never announced);
// `reauthorizationRequired` → a renewal.
// see: https://learn.microsoft.com/graph/change-notifications-lifecycle-events
import { randomUUID } from "node:crypto";
import { DeltaSync, type DeltaSyncOptions } from "./delta-sync.js";
import { NotificationListener, type LifecycleNotification } from "./notification-listener.js";
import { RoundCoalescer, type RoundRequest } from "./round-coalescer.js";
import { SubscriptionKeeper, type SubscriptionEvent } from "./subscription-keeper.js";
import { DeltaProtocolError, GraphRequestError } from "./sync-errors.js";
import { realTimers, type Timers } from "./timers.js";
import type { RoundSummary, SyncEvent, WatchSummary } from "./sync-events.js";

/**
 * What a {@link NotifySync} reports besides its rounds' {@link SyncEvent}s and its
 * subscription's {@link SubscriptionEvent}s.
 *
 * @example
 * onEvent: (e: NotifySyncEvent) => e.type === "listening" && console.log(`receiving on ${e.url}`)
 */
export type NotifySyncEvent =
  | SyncEvent
  | SubscriptionEvent
  | { type: "listening"; url: string; notificationUrl: string }
  | { type: "notification"; subscriptionId: string; changeType: string; resource: string | undefined }
  | { type: "lifecycle"; subscriptionId: string; lifecycleEvent: string }
  | { type: "notification-rejected"; reason: string; subscriptionId: string | undefined }
  | { type: "loop-error"; error: unknown };

/**
 * Totals of a {@link NotifySync}: its rounds (the initial one included) and the notifications
 * that triggered them.
 *
 * @example
 * const { rounds, notifications } = await notify.stop();
 */
export interface NotifySummary extends WatchSummary {
  /** Change notifications accepted (clientState matched). */
  notifications: number;
  /** Rounds that were full resyncs (the initial one, `missed`, a recreated subscription). */
  fullRounds: number;
}

/**
 * Options of {@link NotifySync}: those of {@link DeltaSync}, plus where to receive notifications.
 *
 * @example
 * const options: NotifySyncOptions = { baseUrl, userId, store: "cal.db", token, listenPort: 8081, notificationUrl: "https://public.example/notify" };
 */
export interface NotifySyncOptions extends Omit<DeltaSyncOptions, "onEvent"> {
  /** The local receiver's port (0 picks a free one). */
  listenPort: number;
  /** The local receiver's address (default 127.0.0.1). */
  listenHost?: string | undefined;
  /**
   * The URL Graph posts to. Default: the receiver's own `http://host:port/notify`, which graphcal
   * reaches; Microsoft Graph needs a public HTTPS URL forwarded to the receiver.
   */
  notificationUrl?: string | undefined;
  lifecycleNotificationUrl?: string | undefined;
  /**
   * What to subscribe to (default `me/events` or `users/{id}/events`, for both modes: Graph
   * documents no other calendar resource; graphcal with Graph extensions also takes `…/calendars`).
   */
  subscriptionResource?: string | undefined;
  /** The subscription's secret (default: a random UUID per NotifySync). */
  clientState?: string | undefined;
  lifetimeMinutes?: number | undefined;
  renewAt?: number | undefined;
  /** How long a notification waits for more before its round starts (default 200 ms). */
  settleMs?: number | undefined;
  /** Also run a round when no round ran for this long (a safety net; default none). */
  pollIntervalMs?: number | undefined;
  timers?: Timers | undefined;
  onEvent?: ((event: NotifySyncEvent) => void) | undefined;
}

const isFatal = (error: unknown) => error instanceof DeltaProtocolError || (error instanceof GraphRequestError && error.permanent);

/**
 * Keeps a local store in step by notifications: subscribes to the mailbox's events, runs a delta
 * round whenever Graph says something changed, renews the subscription before it expires, and
 * resyncs after `missed` or `subscriptionRemoved`. In calendars mode the subscription is still
 * to events (Graph has no subscription resource for calendars), so a calendar-only change (a
 * rename, a new empty calendar) triggers nothing: set `pollIntervalMs` as a safety net.
 *
 * @example
 * import { NotifySync } from "graphcal/client";
 *
 * const notify = new NotifySync({
 *   baseUrl: "http://127.0.0.1:8080/beta", userId: "adelev@contoso.com", store: "events.db", token,
 *   resource: { kind: "calendarView", start: "2026-01-01", end: "2027-01-01" },
 *   listenPort: 0,
 * });
 * const stop = new AbortController();
 * process.once("SIGINT", () => stop.abort());
 * const totals = await notify.run({ signal: stop.signal }); // deletes the subscription on the way out
 */
export class NotifySync {
  readonly #options: NotifySyncOptions;
  readonly #sync: DeltaSync;
  readonly #timers: Timers;
  readonly #clientState: string;
  readonly #coalescer: RoundCoalescer;
  readonly #totals: NotifySummary = { rounds: 0, added: 0, updated: 0, removed: 0, total: 0, deltaLink: undefined, notifications: 0, fullRounds: 0 };
  #listener: NotificationListener | undefined;
  #keeper: SubscriptionKeeper | undefined;
  #poll: { cancel(): void } | undefined;
  #fatal: ((error: unknown) => void) | undefined;
  #initial: Promise<unknown> | undefined;
  #started = false;

  constructor(options: NotifySyncOptions) {
    this.#options = Object.freeze({ ...options });
    this.#timers = options.timers ?? realTimers;
    this.#clientState = options.clientState ?? randomUUID();
    this.#sync = new DeltaSync({ ...options, onEvent: (e) => this.#emit(e) });
    this.#coalescer = new RoundCoalescer({
      settleMs: options.settleMs ?? 200, timers: this.#timers,
      run: (request) => this.#round(request),
      onError: (error) => {
        this.#emit({ type: "round-failed", round: this.#totals.rounds + 1, error });
        if (isFatal(error)) this.#fatal?.(error);
      },
    });
  }

  /**
   * The DeltaSync doing the rounds (its store is the local copy).
   *
   * @example
   * const events = await (await notify.deltaSync.store()).listEvents();
   */
  get deltaSync(): DeltaSync {
    return this.#sync;
  }

  /** The subscription's id, while there is one. */
  get subscriptionId(): string | undefined {
    return this.#keeper?.subscription?.id;
  }

  /**
   * Starts the receiver, subscribes (Graph validates the URL first), and runs the first round;
   * resolves once that round is committed. Changes made after the subscription was created
   * arrive as notifications; earlier ones are in that round.
   *
   * @example
   * const { url, subscriptionId, initial } = await notify.start();
   */
  async start(): Promise<{ url: string; notificationUrl: string; subscriptionId: string; initial: RoundSummary }> {
    if (this.#started) throw new Error("NotifySync: already started");
    this.#started = true;
    const o = this.#options;
    await this.#sync.store();
    const listener = await NotificationListener.start({
      port: o.listenPort, host: o.listenHost, clientState: this.#clientState,
      onChange: (n) => {
        this.#totals.notifications++;
        this.#emit({ type: "notification", subscriptionId: n.subscriptionId, changeType: n.changeType, resource: n.resource });
        this.#coalescer.request();
      },
      onLifecycle: (n) => this.#onLifecycle(n),
      onRejected: (r) => this.#emit({ type: "notification-rejected", reason: r.reason, subscriptionId: r.subscriptionId }),
    });
    this.#listener = listener;
    const notificationUrl = o.notificationUrl ?? listener.url;
    this.#emit({ type: "listening", url: listener.url, notificationUrl });
    const keeper = new SubscriptionKeeper({
      baseUrl: o.baseUrl, userId: o.userId, token: o.token, notificationUrl, lifecycleNotificationUrl: o.lifecycleNotificationUrl,
      resource: o.subscriptionResource, clientState: this.#clientState, lifetimeMinutes: o.lifetimeMinutes, renewAt: o.renewAt, timers: this.#timers,
      fetch: o.fetch, retry: o.retry,
      onEvent: (e) => {
        this.#emit(e);
        // A new subscription in place of a lost one: what changed in between was never announced.
        if (e.type === "subscribed" && e.recreated) this.#coalescer.request({ full: true });
      },
    });
    this.#keeper = keeper;
    try {
      const subscription = await keeper.start();
      const initialRound = this.#runRound({ full: false, triggers: 0 });
      this.#initial = initialRound.catch(() => undefined);
      const initial = await initialRound;
      return { url: listener.url, notificationUrl, subscriptionId: subscription.id, initial };
    } catch (error) {
      await this.stop().catch(() => undefined);
      throw error;
    }
  }

  /**
   * Resolves once no round runs or waits (tests: "the notification's round is done").
   *
   * @example
   * await notify.whenIdle();
   */
  whenIdle(): Promise<void> {
    return this.#coalescer.whenIdle();
  }

  /**
   * Stops: lets a running round finish, deletes the subscription, closes the receiver and the
   * store (when opened from a path). Resolves with the totals.
   *
   * @example
   * const totals = await notify.stop();
   */
  async stop(): Promise<NotifySummary> {
    this.#poll?.cancel();
    await this.#coalescer.stop();
    try {
      await this.#keeper?.stop();
    } finally {
      await this.#listener?.close();
      await this.#sync.close();
    }
    return { ...this.#totals };
  }

  /**
   * {@link NotifySync.start}, then notifications until `signal` aborts (or a permanent error:
   * a 4xx other than 429, a protocol error), then {@link NotifySync.stop}.
   *
   * @example
   * const totals = await notify.run({ signal: stop.signal });
   */
  async run(options: { signal: AbortSignal }): Promise<NotifySummary> {
    const { signal } = options;
    let failure: unknown;
    const ended = new Promise<void>((resolve) => {
      this.#fatal = (error) => {
        failure ??= error;
        resolve();
      };
      signal.addEventListener("abort", () => resolve(), { once: true });
    });
    await this.start();
    if (!signal.aborted) await ended;
    const totals = await this.stop();
    if (failure !== undefined) throw failure;
    return totals;
  }

  #onLifecycle(n: LifecycleNotification): void {
    this.#emit({ type: "lifecycle", subscriptionId: n.subscriptionId, lifecycleEvent: n.lifecycleEvent });
    const keeper = this.#keeper;
    const current = n.subscriptionId === keeper?.subscription?.id;
    const report = (error: unknown) => this.#emit({ type: "loop-error", error });
    switch (n.lifecycleEvent) {
      case "missed":
        this.#coalescer.request({ full: true });
        break;
      // About an older subscription of ours (already replaced), these need nothing.
      case "subscriptionRemoved":
        if (current) keeper.recreate().catch(report); // its `subscribed` event asks for the resync
        break;
      case "reauthorizationRequired":
        if (current) keeper.renew().catch(report);
        break;
      default:
        break;
    }
  }

  async #round(request: RoundRequest): Promise<void> {
    await this.#initial; // notifications may come while the first round still runs
    await this.#runRound(request);
  }

  async #runRound(request: RoundRequest): Promise<RoundSummary> {
    this.#poll?.cancel();
    try {
      const s = await this.#sync.runRound({ full: request.full });
      const t = this.#totals;
      Object.assign(t, {
        rounds: t.rounds + 1, added: t.added + s.added, updated: t.updated + s.updated, removed: t.removed + s.removed,
        total: s.total, deltaLink: s.deltaLink, fullRounds: t.fullRounds + (s.full ? 1 : 0),
      });
      return s;
    } finally {
      const every = this.#options.pollIntervalMs;
      if (every !== undefined) this.#poll = this.#timers.schedule(every, () => this.#coalescer.request());
    }
  }

  #emit(event: NotifySyncEvent): void {
    this.#options.onEvent?.(event);
  }
}
