// The sync loop: rounds of calendars/delta applied to a local store, each committed atomically
// with its deltaLink. Works against graphcal and against Microsoft Graph alike.
// see: https://learn.microsoft.com/graph/api/calendar-delta?view=graph-rest-beta
import { DeltaPageReader } from "./delta-page-reader.js";
import { DEFAULT_RETRY, type RetryOptions } from "./retry-policy.js";
import { defaultRuntime, type Runtime } from "./retrying-fetch.js";
import { RoundStage } from "./round-stage.js";
import { openSqliteLocalStore } from "./sqlite-local-store.js";
import { DeltaProtocolError, GraphRequestError, SyncStateLostError } from "./sync-errors.js";
import type { RoundSummary, SyncEvent, WatchSummary } from "./sync-events.js";
import type { LocalStore, SyncResource } from "./local-store.js";
import { toAccessTokenSource, type AccessTokenInput } from "./access-token-source.js";

/**
 * What a {@link DeltaSync} keeps in step: the mailbox's calendars (`calendars/delta`, the
 * default), or the events of a time window (`calendarView/delta`) of the default calendar or of
 * `calendarId`. The window is fixed by the initial request; change it and the next round is a
 * full one (the store's events are then replaced by the new window's).
 *
 * @example
 * const resource: SyncTarget = { kind: "calendarView", start: "2026-01-01T00:00:00Z", end: new Date("2027-01-01T00:00:00Z") };
 */
export type SyncTarget =
  | { kind: "calendars" }
  | { kind: "calendarView"; start: Date | string; end: Date | string; calendarId?: string | undefined };

const isoOf = (value: Date | string, name: string): string => {
  const date = typeof value === "string" ? new Date(value) : value;
  if (Number.isNaN(date.getTime())) throw new TypeError(`DeltaSync: resource.${name} is not a date: ${String(value)}`);
  return date.toISOString().replace(/\.000Z$/, "Z");
};

/** The initial delta URL of `target` (without `$select`) and the store resource it fills. */
function initialUrlOf(base: string, subject: string, target: SyncTarget): { url: string; resource: SyncResource } {
  if (target.kind === "calendars") return { url: `${base}/${subject}/calendars/delta`, resource: "calendars" };
  const start = isoOf(target.start, "start");
  const end = isoOf(target.end, "end");
  if (!(start < end)) throw new TypeError("DeltaSync: resource.start must be before resource.end");
  const calendar = target.calendarId === undefined ? "" : `calendars/${encodeURIComponent(target.calendarId)}/`;
  const window = `startDateTime=${encodeURIComponent(start)}&endDateTime=${encodeURIComponent(end)}`;
  return { url: `${base}/${subject}/${calendar}calendarView/delta?${window}`, resource: "events" };
}

/**
 * A bare origin (`http://127.0.0.1:8080`) gets the version a real app must use: beta for
 * calendars (Graph has calendars/delta on beta only), v1.0 for calendarView/delta.
 */
function withVersion(base: string, target: SyncTarget): string {
  if (/^https?:\/\/[^/]+$/i.test(base)) return `${base}/${target.kind === "calendars" ? "beta" : "v1.0"}`;
  return base;
}

/**
 * Options of {@link DeltaSync}. Only `baseUrl`, `store` and `token` are required.
 *
 * @example
 * const options: DeltaSyncOptions = {
 *   baseUrl: "https://graph.microsoft.com/beta", userId: "adelev@contoso.com",
 *   store: "calendars.db", token: process.env.GRAPH_TOKEN!, pageSize: 100,
 * };
 */
export interface DeltaSyncOptions {
  /**
   * Graph root including the version: `https://graph.microsoft.com/beta`, `http://127.0.0.1:8080/v1.0`.
   * A bare origin gets `/beta` for calendars (calendars/delta is beta-only in Graph), `/v1.0` for calendarView.
   */
  baseUrl: string;
  /** The mailbox (user id or UPN); omitted means `/me` (delegated tokens). */
  userId?: string | undefined;
  /** A {@link LocalStore}, or a file path for the default SQLite store (closed by {@link DeltaSync.close}). */
  store: LocalStore | string;
  token: AccessTokenInput;
  /** What to sync (default: calendars). */
  resource?: SyncTarget | undefined;
  /** Sent as `Prefer: odata.maxpagesize` on every page. */
  pageSize?: number | undefined;
  /** `$select` of the initial request (the links carry it afterwards). */
  select?: readonly string[] | undefined;
  retry?: Partial<RetryOptions> | undefined;
  onEvent?: ((event: SyncEvent) => void) | undefined;
  /** Resyncs (410) tolerated within one round before giving up (default 3). */
  maxResyncs?: number;
  /** A round longer than this many pages is treated as a server loop (default 1,000,000). */
  maxPages?: number;
  /** Injectable I/O and time, for tests: no real waiting, no real network. */
  fetch?: typeof globalThis.fetch;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  now?: () => number;
  random?: () => number;
  requestTimeoutMs?: number;
}

/**
 * Keeps a local store of one mailbox's calendars in step with Graph's `calendars/delta`, or the
 * events of a window with `calendarView/delta` (option `resource`).
 * Each round follows `@odata.nextLink` to `@odata.deltaLink`, stages every page, and commits
 * the changes together with the new deltaLink in one transaction: a crash at any point leaves
 * the store at the previous round, and the next run resumes from its deltaLink. Throttling
 * (429/503/504), dropped connections, an expired token (401) and lost sync state (410) are
 * handled inside the round.
 *
 * @example
 * import { DeltaSync, clientCredentials } from "graphcal/client";
 *
 * const sync = new DeltaSync({
 *   baseUrl: "http://127.0.0.1:8080/beta",
 *   userId: "samanthab@contoso.com",
 *   store: "calendars.db",
 *   token: clientCredentials({ authority: "http://127.0.0.1:8080/contoso", clientId, clientSecret }),
 * });
 * const { added, updated, removed, total } = await sync.runRound();
 * await sync.close();
 */
export class DeltaSync {
  readonly #options: DeltaSyncOptions;
  readonly #reader: DeltaPageReader;
  readonly #runtime: Runtime;
  readonly #initialUrl: string;
  readonly #resource: SyncResource;
  #store: Promise<LocalStore> | undefined;
  #rounds = 0;
  #running = false;

  constructor(options: DeltaSyncOptions) {
    this.#options = Object.freeze({ ...options });
    const target = options.resource ?? { kind: "calendars" };
    const base = withVersion(options.baseUrl.replace(/\/+$/, ""), target);
    const subject = options.userId === undefined ? "me" : `users/${encodeURIComponent(options.userId)}`;
    const { url, resource } = initialUrlOf(base, subject, target);
    const select = options.select?.length ? `${url.includes("?") ? "&" : "?"}$select=${options.select.map(encodeURIComponent).join(",")}` : "";
    this.#initialUrl = `${url}${select}`;
    this.#resource = resource;
    const defaults = defaultRuntime();
    this.#runtime = {
      fetch: options.fetch ?? defaults.fetch,
      sleep: options.sleep ?? defaults.sleep,
      now: options.now ?? defaults.now,
      random: options.random ?? defaults.random,
      requestTimeoutMs: options.requestTimeoutMs ?? defaults.requestTimeoutMs,
      retry: Object.freeze({ ...DEFAULT_RETRY, ...options.retry }),
      onRetry: (event) => this.#emit({ type: "retry", ...event }),
    };
    this.#reader = new DeltaPageReader({ runtime: this.#runtime, token: toAccessTokenSource(options.token), pageSize: options.pageSize, baseUrl: base });
  }

  /**
   * The URL an initial (or resync) round starts from.
   *
   * @example
   * new DeltaSync({ baseUrl: "https://graph.microsoft.com/beta", store, token }).initialUrl; // "https://graph.microsoft.com/beta/me/calendars/delta"
   */
  get initialUrl(): string {
    return this.#initialUrl;
  }

  /**
   * The local store (opened on first use when the option was a path).
   *
   * @example
   * const calendars = await (await sync.store()).listCalendars();
   */
  store(): Promise<LocalStore> {
    const option = this.#options.store;
    this.#store ??= typeof option === "string"
      ? openSqliteLocalStore(option).catch((error: unknown) => {
        this.#store = undefined; // let a later call try again
        throw error;
      })
      : Promise.resolve(option);
    return this.#store;
  }

  /**
   * Runs one round and commits it. Resumes from the stored deltaLink; starts a full round
   * when the store is new or was synced from another mailbox or URL, or when `full` asks for
   * one (a `missed` lifecycle notification means changes were not announced: Graph's advice is
   * a full resync, which replaces the local set and reconciles it). Aborting `signal` abandons
   * the round and leaves the store untouched.
   *
   * @example
   * const summary = await sync.runRound({ signal: AbortSignal.timeout(60_000) });
   * const resynced = await sync.runRound({ full: true });
   */
  async runRound(options: { signal?: AbortSignal; full?: boolean } = {}): Promise<RoundSummary> {
    if (this.#running) throw new Error("DeltaSync: a round is already running");
    this.#running = true;
    try {
      return await this.#round(options.signal, options.full ?? false);
    } finally {
      this.#running = false;
    }
  }

  /**
   * Runs rounds every `intervalMs` until `signal` aborts, then resolves with the totals.
   * A failed round is reported (`round-failed`) and retried at the next interval, unless the
   * failure is permanent (a 4xx other than 429, or a protocol error), which rejects.
   *
   * @example
   * const stop = new AbortController();
   * process.once("SIGINT", () => stop.abort());
   * const totals = await sync.watch({ intervalMs: 30_000, signal: stop.signal });
   */
  async watch(options: { intervalMs: number; signal: AbortSignal }): Promise<WatchSummary> {
    const totals: WatchSummary = { rounds: 0, added: 0, updated: 0, removed: 0, total: 0, deltaLink: undefined };
    const { signal } = options;
    await this.store(); // a store that cannot be opened is not worth retrying every interval
    while (!signal.aborted) {
      try {
        const s = await this.runRound({ signal });
        Object.assign(totals, { rounds: totals.rounds + 1, added: totals.added + s.added, updated: totals.updated + s.updated, removed: totals.removed + s.removed, total: s.total, deltaLink: s.deltaLink });
      } catch (error) {
        if (signal.aborted) break;
        if (error instanceof DeltaProtocolError || (error instanceof GraphRequestError && error.permanent)) throw error;
        this.#emit({ type: "round-failed", round: this.#rounds, error });
      }
      await this.#runtime.sleep(options.intervalMs, signal).catch(() => undefined);
    }
    return totals;
  }

  /**
   * Closes the store if this DeltaSync opened it from a path (a store passed in stays open).
   *
   * @example
   * try { await sync.runRound(); } finally { await sync.close(); }
   */
  async close(): Promise<void> {
    const opened = typeof this.#options.store === "string" ? await this.#store?.catch(() => undefined) : undefined;
    await opened?.close();
    this.#store = undefined;
  }

  async #round(signal: AbortSignal | undefined, full: boolean): Promise<RoundSummary> {
    const started = this.#runtime.now();
    const store = await this.store();
    const round = ++this.#rounds;
    const state = await store.readState(this.#resource);
    const sameSource = state !== undefined && state.source === this.#initialUrl;
    const resume = sameSource && !full;
    let url = resume ? state.deltaLink : this.#initialUrl;
    let stage = new RoundStage({ full: !resume, resource: this.#resource });
    let resyncs = 0;
    let pages = 0;
    const reason = resume ? "incremental" : sameSource ? "requested" : state ? "source-changed" : "initial";
    this.#emit({ type: "round-start", round, full: stage.full, reason });
    for (;;) {
      let page;
      try {
        page = await this.#reader.read(url, signal);
      } catch (error) {
        if (!(error instanceof SyncStateLostError)) throw error;
        // The server forgot our state (spec §7.6): drop the staged pages and start a full round
        // where it says, or from the initial URL; the full round reconciles the store.
        if (++resyncs > (this.#options.maxResyncs ?? 3)) throw error;
        this.#emit({ type: "resync", round, code: error.code, location: error.location });
        url = error.location ?? this.#initialUrl;
        stage = new RoundStage({ full: true, resource: this.#resource });
        pages = 0;
        this.#emit({ type: "round-start", round, full: true, reason: "resync" });
        continue;
      }
      pages++;
      for (const item of page.value) stage.add(item);
      this.#emit({ type: "page", round, page: pages, items: page.value.length, roundItems: stage.items });
      if (page.deltaLink !== undefined) {
        signal?.throwIfAborted();
        const { commit, counts } = await stage.plan(store);
        await store.commit({ ...commit, state: { deltaLink: page.deltaLink, source: this.#initialUrl } });
        const summary: RoundSummary = {
          round, ...counts, pages, items: stage.items, full: stage.full, resyncs, deltaLink: page.deltaLink,
          durationMs: this.#runtime.now() - started,
        };
        this.#emit({ type: "round-end", summary });
        return summary;
      }
      if (pages >= (this.#options.maxPages ?? 1_000_000)) throw new DeltaProtocolError(`round did not end after ${pages} pages`);
      url = page.nextLink!;
    }
  }

  #emit(event: SyncEvent): void {
    this.#options.onEvent?.(event);
  }
}
