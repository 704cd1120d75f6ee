// Keeps one Graph change-notification subscription alive (spec §4.2, §4.6, §4.7): creates it,
// renews it with PATCH before it expires (a subscription not renewed in time is deleted by Graph,
// silently), renews on `reauthorizationRequired` (a PATCH renewal also reauthorizes, so one call
// covers both), creates a new one when Graph removed it, and deletes it on stop.
// see: https://learn.microsoft.com/graph/api/subscription-post-subscriptions
import { toAccessTokenSource, type AccessTokenInput } from "./access-token-source.js";
import { callGraph } from "./graph-call.js";
import { DEFAULT_RETRY, type RetryOptions } from "./retry-policy.js";
import { defaultRuntime, type Runtime } from "./retrying-fetch.js";
import { DeltaProtocolError, GraphRequestError } from "./sync-errors.js";
import { realTimers, type Timers } from "./timers.js";
import type { AccessTokenSource } from "./access-token-source.js";

/**
 * The subscription as the keeper knows it.
 *
 * @example
 * const { id, expirationDateTime } = keeper.subscription!;
 */
export interface KeptSubscription {
  id: string;
  /** Epoch milliseconds. */
  expiresAt: number;
}

/**
 * What a {@link SubscriptionKeeper} reports. `subscribed` with `recreated` means there was a
 * time without a subscription: changes made then were not announced, so a resync is due.
 *
 * @example
 * onEvent: (e: SubscriptionEvent) => e.type === "renewal-failed" && console.warn(e.error)
 */
export type SubscriptionEvent =
  | { type: "subscribed"; id: string; expirationDateTime: string; recreated: boolean }
  | { type: "renewed"; id: string; expirationDateTime: string }
  | { type: "renewal-failed"; id: string | undefined; error: unknown; retryInMs: number }
  | { type: "unsubscribed"; id: string };

/**
 * Options of {@link SubscriptionKeeper}.
 *
 * @example
 * const options: SubscriptionKeeperOptions = { baseUrl: "https://graph.microsoft.com/v1.0", token, notificationUrl: "https://example.com/notify", clientState };
 */
export interface SubscriptionKeeperOptions {
  /** Graph root including the version, as for DeltaSync. */
  baseUrl: string;
  /** The mailbox; omitted means `/me` (delegated tokens). */
  userId?: string | undefined;
  token: AccessTokenInput;
  notificationUrl: string;
  /** Where lifecycle notifications go (default: the notification URL; the payloads tell them apart). */
  lifecycleNotificationUrl?: string | undefined;
  /** Echoed in every notification; the listener drops notifications without it (max 128 characters). */
  clientState: string;
  /** Default `me/events` or `users/{id}/events`. */
  resource?: string | undefined;
  /** Default `created,updated,deleted`. */
  changeType?: string | undefined;
  /** Requested lifetime (default 4,230 minutes: under every maximum Graph has documented for events). */
  lifetimeMinutes?: number | undefined;
  /** Renew once this fraction of the granted lifetime has passed (default 0.8). */
  renewAt?: number | undefined;
  timers?: Timers | undefined;
  onEvent?: ((event: SubscriptionEvent) => void) | undefined;
  fetch?: typeof globalThis.fetch;
  retry?: Partial<RetryOptions> | undefined;
}

const DEFAULT_LIFETIME_MINUTES = 4230;
const MAX_RENEWAL_RETRY_MS = 60_000;

/**
 * When to renew a subscription that expires at `expiresAt`: once `fraction` of the time left
 * has passed (never negative).
 *
 * @example
 * renewalDelay({ now: 0, expiresAt: 100_000, fraction: 0.8 }); // 80_000
 */
export function renewalDelay(args: { now: number; expiresAt: number; fraction: number }): number {
  return Math.max(0, Math.floor((args.expiresAt - args.now) * args.fraction));
}

/** How long to wait after a failed renewal: half the time left, between 1 s and a minute. */
export function renewalRetryDelay(args: { now: number; expiresAt: number }): number {
  return Math.min(MAX_RENEWAL_RETRY_MS, Math.max(1000, Math.floor((args.expiresAt - args.now) / 2)));
}

const isGone = (error: unknown) => error instanceof GraphRequestError && error.status === 404;

/**
 * Creates a subscription and keeps it alive until {@link SubscriptionKeeper.stop}.
 *
 * @example
 * const keeper = new SubscriptionKeeper({ baseUrl, userId, token, notificationUrl: listener.url, clientState });
 * await keeper.start();
 * // … on a reauthorizationRequired lifecycle notification:
 * await keeper.renew();
 * await keeper.stop(); // DELETE /subscriptions/{id}
 */
export class SubscriptionKeeper {
  readonly #options: SubscriptionKeeperOptions;
  readonly #rt: Runtime;
  readonly #token: AccessTokenSource;
  readonly #timers: Timers;
  readonly #base: string;
  #subscription: KeptSubscription | undefined;
  #timer: { cancel(): void } | undefined;
  #queue: Promise<unknown> = Promise.resolve();
  #stopped = false;

  constructor(options: SubscriptionKeeperOptions) {
    const lifetime = options.lifetimeMinutes ?? DEFAULT_LIFETIME_MINUTES;
    if (!(lifetime > 0)) throw new TypeError("SubscriptionKeeper: lifetimeMinutes must be positive");
    const renewAt = options.renewAt ?? 0.8;
    if (!(renewAt > 0 && renewAt < 1)) throw new TypeError("SubscriptionKeeper: renewAt must be between 0 and 1");
    if (options.clientState.length > 128) throw new TypeError("SubscriptionKeeper: clientState is at most 128 characters");
    this.#options = Object.freeze({ ...options });
    this.#timers = options.timers ?? realTimers;
    this.#token = toAccessTokenSource(options.token);
    this.#base = options.baseUrl.replace(/\/+$/, "");
    this.#rt = {
      ...defaultRuntime(),
      ...(options.fetch && { fetch: options.fetch }),
      now: () => this.#timers.now(),
      retry: Object.freeze({ ...DEFAULT_RETRY, ...options.retry }),
    };
  }

  /** The current subscription (undefined before start and after stop). */
  get subscription(): KeptSubscription | undefined {
    return this.#subscription;
  }

  /** The `resource` subscribed to. */
  get resource(): string {
    return this.#options.resource ?? (this.#options.userId === undefined ? "me/events" : `users/${this.#options.userId}/events`);
  }

  /**
   * Creates the subscription (Graph validates the notification URL first, so the listener must
   * be answering already) and schedules its renewal.
   *
   * @example
   * const { id } = await keeper.start();
   */
  start(): Promise<KeptSubscription> {
    return this.#serial(() => this.#create(false));
  }

  /**
   * Renews now (PATCH `expirationDateTime`, which also reauthorizes); a subscription Graph no
   * longer knows (404) is created anew.
   *
   * @example
   * await keeper.renew();
   */
  renew(): Promise<KeptSubscription> {
    return this.#serial(() => this.#renew());
  }

  /**
   * Creates a new subscription in place of one Graph removed (`subscriptionRemoved`).
   *
   * @example
   * await keeper.recreate();
   */
  recreate(): Promise<KeptSubscription> {
    return this.#serial(() => this.#create(true));
  }

  /**
   * Stops renewing and deletes the subscription (one already gone is fine).
   *
   * @example
   * await keeper.stop();
   */
  stop(): Promise<void> {
    this.#stopped = true;
    this.#timer?.cancel();
    return this.#serial(async () => {
      const id = this.#subscription?.id;
      this.#subscription = undefined;
      if (id === undefined) return;
      try {
        await callGraph(this.#rt, this.#token, { method: "DELETE", url: this.#url(id) });
      } catch (error) {
        if (!isGone(error)) throw error;
      }
      this.#emit({ type: "unsubscribed", id });
    });
  }

  /** One subscription call at a time: a renewal timer and a lifecycle event must not race. */
  #serial<T>(work: () => Promise<T>): Promise<T> {
    const next = this.#queue.then(work, work);
    this.#queue = next.catch(() => undefined);
    return next;
  }

  #url(id?: string): string {
    return `${this.#base}/subscriptions${id === undefined ? "" : `/${encodeURIComponent(id)}`}`;
  }

  #requestedExpiry(): string {
    return new Date(this.#timers.now() + (this.#options.lifetimeMinutes ?? DEFAULT_LIFETIME_MINUTES) * 60_000).toISOString();
  }

  async #create(recreated: boolean): Promise<KeptSubscription> {
    if (this.#stopped) throw new Error("SubscriptionKeeper: stopped");
    const o = this.#options;
    const body = await callGraph(this.#rt, this.#token, {
      method: "POST", url: this.#url(),
      body: {
        changeType: o.changeType ?? "created,updated,deleted",
        notificationUrl: o.notificationUrl,
        lifecycleNotificationUrl: o.lifecycleNotificationUrl ?? o.notificationUrl,
        resource: this.resource,
        expirationDateTime: this.#requestedExpiry(),
        clientState: o.clientState,
      },
    });
    const subscription = this.#accept(body);
    this.#emit({ type: "subscribed", id: subscription.id, expirationDateTime: new Date(subscription.expiresAt).toISOString(), recreated });
    return subscription;
  }

  async #renew(): Promise<KeptSubscription> {
    const current = this.#subscription;
    if (current === undefined) return this.#create(true);
    let body;
    try {
      body = await callGraph(this.#rt, this.#token, { method: "PATCH", url: this.#url(current.id), body: { expirationDateTime: this.#requestedExpiry() } });
    } catch (error) {
      if (!isGone(error)) throw error;
      this.#subscription = undefined;
      return this.#create(true); // expired or removed while we were not looking
    }
    const subscription = this.#accept(body, current.id);
    this.#emit({ type: "renewed", id: subscription.id, expirationDateTime: new Date(subscription.expiresAt).toISOString() });
    return subscription;
  }

  /** Reads the answer of a create or renew, keeps it, and schedules the next renewal. */
  #accept(body: unknown, knownId?: string): KeptSubscription {
    const { id = knownId, expirationDateTime } = (body ?? {}) as { id?: unknown; expirationDateTime?: unknown };
    const expiresAt = typeof expirationDateTime === "string" ? Date.parse(expirationDateTime) : Number.NaN;
    if (typeof id !== "string" || Number.isNaN(expiresAt)) {
      throw new DeltaProtocolError(`${this.#url()} answered a subscription without id or expirationDateTime`);
    }
    this.#subscription = { id, expiresAt };
    this.#schedule(renewalDelay({ now: this.#timers.now(), expiresAt, fraction: this.#options.renewAt ?? 0.8 }));
    return this.#subscription;
  }

  #schedule(ms: number): void {
    this.#timer?.cancel();
    if (this.#stopped) return;
    this.#timer = this.#timers.schedule(ms, () => {
      this.#timer = undefined;
      this.renew().catch((error: unknown) => {
        if (this.#stopped) return;
        const expiresAt = this.#subscription?.expiresAt ?? this.#timers.now();
        const retryInMs = renewalRetryDelay({ now: this.#timers.now(), expiresAt });
        this.#emit({ type: "renewal-failed", id: this.#subscription?.id, error, retryInMs });
        this.#schedule(retryInMs);
      });
    });
  }

  #emit(event: SubscriptionEvent): void {
    this.#options.onEvent?.(event);
  }
}
