import type { ApiVersion } from "../../graph/index.js";
import type { Clock } from "../clock.js";
import { BadSyncTokenError } from "../errors.js";
import type { Calendar, Mailbox, MailboxSyncState } from "../model.js";
import type { Store } from "../store.js";
import type { ChangeLogWriter } from "../change-log/change-log-writer.js";
import type { CursorBinding, DeltaCursor, PageCursor, RoundCursor } from "./delta-cursor.js";
import { checkBinding, checkRetained } from "./cursor-checks.js";
import { cursorFingerprint } from "./cursor-fingerprint.js";
import { ResyncRequiredError, SyncStateNotFoundError } from "../errors.js";
import type { IssuedCursor } from "./delta-cursor.js";
import { WatermarkCache } from "../cache/watermark-cache.js";
import { TOKEN_REUSE_MS } from "../cache/token-reuse.js";
import { ChangeRoundCache } from "../cache/change-round-cache.js";
import type { CalendarChange } from "../model.js";
import { KeptPages } from "../cache/kept-pages.js";


export type DeltaItem = { removed: false; calendar: Calendar } | { removed: true; id: string };

/**
 * One page of a round: either more pages follow (`next` goes into an `@odata.nextLink`), or
 * the round is complete (`round` goes into an `@odata.deltaLink`). Graph sends exactly one of
 * the two links (spec §1, fact 2).
 */
export type DeltaPage =
  | { kind: "more"; items: readonly DeltaItem[]; next: PageCursor; kept?: KeptSlice; checked?: PageCheck }
  | { kind: "complete"; items: readonly DeltaItem[]; round: RoundCursor; kept?: KeptSlice; checked?: PageCheck };

/**
 * What a later page's token was checked against (a page cursor's answer only): the mailbox's
 * change seq and the prune epoch read before it. While both still hold, the same request gets
 * the same page (DeltaService.repeatsPage).
 */
export interface PageCheck {
  readonly seq: number;
  readonly epoch: number;
}

/** A page of a round: its items, whether more follow, the seq of its last change. */
interface Slice {
  readonly items: readonly DeltaItem[];
  readonly more: boolean;
  readonly lastSeq: number;
  readonly kept?: KeptSlice;
}

/** Sync states kept by `syncState`, at most (one per polling mailbox). */
const STATE_LIMIT = 100_000;

const NO_ITEMS: Slice = Object.freeze({ items: Object.freeze([]), more: false, lastSeq: 0 });

/** The change seq a token was issued at (0 for an initial request): its state is at least there. */
export function issuedAtSeq(cursor: DeltaCursor): number {
  return cursor.kind === "initial" ? 0 : cursor.kind === "page" ? cursor.upTo : cursor.since;
}

/** Up to `pageSize` items of `changes` from index `from`, and whether more follow. */
function sliceOf(changes: readonly CalendarChange[], from: number, pageSize: number): Slice {
  const end = Math.min(changes.length, from + pageSize);
  const items: DeltaItem[] = [];
  for (let i = from; i < end; i++) {
    const c = changes[i] as CalendarChange;
    items.push(c.removed || !c.calendar ? { removed: true, id: c.calendarId } : { removed: false, calendar: c.calendar });
  }
  return { items, more: changes.length > end, lastSeq: end > from ? (changes[end - 1] as CalendarChange).seq : 0 };
}

/**
 * Where a page's items were cut from when its round is kept whole (ChangeRoundCache): the
 * round's frozen change list and the index of the page's first item. The same slice of the same
 * frozen list always holds the same items, so the HTTP edge may keep the page's JSON by it
 * (catalogue entry 14).
 */
export interface KeptSlice {
  readonly round: object;
  readonly from: number;
}

export interface DeltaOptions {
  /** Change history (and tokens) older than this are pruned; default 30 days. */
  retentionMs: number;
  /** How long the in-process watermark may be trusted before re-reading it. */
  watermarkTtlMs: number;
  /** A round with more changes than this is read page by page instead of kept whole; default 20,000. */
  roundReadLimit?: number;
}

/**
 * Serves rounds of calendars/delta from the change log (domain/delta/README.md). A round has a
 * frozen upper bound `upTo` taken on its first page, so every page of it is served from the
 * same immutable slice of history: no change is lost, nothing is served twice in a round, and
 * the round brings the client exactly to the server's state at `upTo`.
 */
export class DeltaService {
  readonly watermarks: WatermarkCache;
  readonly #rounds = new ChangeRoundCache();
  readonly #keptPages = new KeptPages<Slice>();
  readonly #states = new Map<string, { state: MailboxSyncState; atMs: number }>();
  /** Moves on every prune and whole-store reset: neither takes a mailbox seq (repeatsPage). */
  #epoch = 0;

  constructor(private readonly deps: { store: Store; clock: Clock; writer: ChangeLogWriter; options: DeltaOptions }) {
    this.watermarks = new WatermarkCache(deps.clock, deps.options.watermarkTtlMs, undefined, deps.store.foreignCommitMark?.bind(deps.store));
    deps.writer.onChange(({ mailboxId, changeSeq, mark }) => this.watermarks.observe(mailboxId, changeSeq, mark));
  }

  async page(args: {
    mailbox: Mailbox; cursor: DeltaCursor; pageSize: number; apiVersion: ApiVersion;
    select: string[] | null; caller: string;
  }): Promise<DeltaPage> {
    const { mailbox, cursor } = args;
    const nowSec = Math.floor(this.deps.clock.nowMs() / 1000);
    const binding = {
      mailboxId: mailbox.id, apiVersion: args.apiVersion, caller: args.caller, issuedAt: nowSec,
      select: cursor.kind === "initial" ? args.select : cursor.select,
    };
    if (cursor.kind !== "initial") {
      checkBinding(cursor, {
        mailboxId: mailbox.id, apiVersion: args.apiVersion, caller: args.caller, nowSec,
        retentionMs: this.deps.options.retentionMs, scopeKey: undefined,
      });
    }

    // Fast path: a completed round polled again with nothing new (the common case).
    if (cursor.kind === "round" && this.watermarks.get(mailbox.id) === cursor.since) {
      return { kind: "complete", items: [], round: this.sameRound(cursor, binding) };
    }

    const epoch = this.#epoch;
    const state = await this.syncState(mailbox.id, issuedAtSeq(cursor));
    let since: number, upTo: number, after: number;
    if (cursor.kind === "initial") {
      since = 0; upTo = state.changeSeq; after = 0;
    } else {
      await this.checkIssued(cursor, state);
      since = cursor.since;
      upTo = cursor.kind === "page" ? cursor.upTo : state.changeSeq;
      after = cursor.kind === "page" ? cursor.after : cursor.since;
    }

    // The log slice is (max(since, after), upTo]; when that is empty (typically a poll of an
    // unchanged mailbox whose cached watermark had expired) the query can only return nothing.
    const slice = Math.max(since, after) >= upTo ? NO_ITEMS : await this.#slice(mailbox.id, since, upTo, after, args.pageSize);
    const { items, kept } = slice;
    const checked = cursor.kind === "page" ? { checked: { seq: state.changeSeq, epoch } } : undefined;
    if (slice.more) {
      return { kind: "more", items, next: { kind: "page", since, upTo, after: slice.lastSeq, ...binding }, ...(kept && { kept }), ...checked };
    }
    if (cursor.kind === "round" && upTo === cursor.since) return { kind: "complete", items, round: this.sameRound(cursor, binding) };
    return { kind: "complete", items, round: { kind: "round", since: upTo, ...binding }, ...(kept && { kept }), ...checked };
  }

  /**
   * The page of the round (since, upTo] that starts above `after`: up to `pageSize` items,
   * whether more follow, and the seq of its last item. The round's first page reads the whole
   * round once and keeps it (ChangeRoundCache); later pages are cut from it, and a page cut from
   * a kept round is itself kept by its place in it (the same slice of a frozen round is the same
   * page for every request). A round too big to keep, or one whose entry was evicted, is read
   * page by page.
   */
  async #slice(mailboxId: string, since: number, upTo: number, after: number, pageSize: number): Promise<Slice> {
    const key = `${mailboxId}|${since}`;
    let round = this.#rounds.get(key, upTo);
    if (!round && after <= since) {
      const most = this.deps.options.roundReadLimit ?? 20_000;
      const all = await this.deps.store.listChanges({ mailboxId, since, upTo, after: since, limit: most + 1 });
      if (all.length > most) return sliceOf(all, 0, pageSize);
      round = this.#rounds.set(key, upTo, all);
    }
    if (!round) return sliceOf(await this.deps.store.listChanges({ mailboxId, since, upTo, after, limit: pageSize + 1 }), 0, pageSize);
    // Changes are in seq order: the page starts after the last one served.
    let lo = 0;
    let hi = round.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((round[mid] as CalendarChange).seq <= after) lo = mid + 1;
      else hi = mid;
    }
    return this.#keptPages.get(round, lo, pageSize, () => ({ ...sliceOf(round, lo, pageSize), kept: { round, from: lo } }));
  }

  /**
   * The answer to a round that found nothing new: the client's own cursor while it is young
   * (Graph returns "the same or a new token" for an unchanged resource), else a fresh one at
   * the same watermark. Only called after checkBinding passed, so the cursor's mailbox,
   * version, caller and $select are the ones the new binding would carry anyway.
   */
  sameRound(cursor: RoundCursor, binding: CursorBinding): RoundCursor {
    return this.#reusable(cursor, binding.issuedAt) ? cursor : { kind: "round", since: cursor.since, ...binding };
  }

  /**
   * Whether polling the completed round `cursor` now would be answered with `cursor` itself and
   * no items: the watermark says the mailbox is still at its `since`, and the token is young
   * enough to be handed back (so also inside retention and not from the future). This is the
   * fast path of `page` and of the event delta functions, asked without a request: the HTTP
   * edge sends the bytes of such an answer again while it holds (http/poll-replay.ts). The
   * caller has checked the cursor's binding once for the request it replays.
   */
  repeatsUnchanged(cursor: RoundCursor): boolean {
    if (this.watermarks.get(cursor.mailboxId) !== cursor.since) return false;
    return this.#reusable(cursor, Math.floor(this.deps.clock.nowMs() / 1000));
  }

  /** The prune epoch now: read it before the sync state a page's check uses (PageCheck). */
  get epoch(): number {
    return this.#epoch;
  }

  /**
   * Whether requesting the later page `cursor` again now would be answered with the very page
   * that was answered when its token was checked (`checked`) and its own link issued
   * (`issuedAt`, seconds). A page of a round is cut from the frozen history (since, upTo], so
   * new writes do not change it; what could is a reset, an expired link or a prune (refusals
   * with 410), the calendar going (404), or the token ageing out of retention. The first three
   * take a seq or move the epoch, and the watermark cache vouches for the seq within its bound
   * (ADR 0002); the ages are checked here. The answer's own link is handed back while it is as
   * young as a repeated deltaLink may be (TOKEN_REUSE_MS). The HTTP edge asks this before
   * sending a kept page again (http/poll-replay.ts).
   */
  repeatsPage(cursor: PageCursor, checked: PageCheck, issuedAt: number): boolean {
    if (this.#epoch !== checked.epoch || this.watermarks.get(cursor.mailboxId) !== checked.seq) return false;
    const nowSec = Math.floor(this.deps.clock.nowMs() / 1000);
    if (cursor.issuedAt > nowSec + 300 || (nowSec - cursor.issuedAt) * 1000 > this.deps.options.retentionMs) return false;
    return this.#reusable({ issuedAt }, nowSec);
  }

  #reusable(cursor: { issuedAt: number }, nowSec: number): boolean {
    const ageMs = (nowSec - cursor.issuedAt) * 1000;
    const reuseMs = Math.min(TOKEN_REUSE_MS, this.deps.options.retentionMs / 24);
    return ageMs >= 0 && ageMs < reuseMs;
  }

  /**
   * The mailbox's counters; the watermark cache learns the change seq. A state read earlier is
   * reused while the watermark cache still vouches for its change seq (no write since, by this
   * process or — through the store's mark — another) and it is younger than the watermark TTL:
   * a reset takes a seq, so it is seen at once; pruning does not, so a prune is seen within the
   * TTL (ADR 0002, rule 5). Never reused below `atLeast`.
   */
  async syncState(mailboxId: string, atLeast = 0): Promise<MailboxSyncState> {
    const nowMs = this.deps.clock.nowMs();
    const known = this.#states.get(mailboxId);
    // `atLeast`: the seq the caller's token was issued at. A kept state below it is behind a
    // write another instance made (and issued that token after): read the store.
    if (known && known.state.changeSeq >= atLeast && nowMs - known.atMs <= this.deps.options.watermarkTtlMs && nowMs >= known.atMs
      && this.watermarks.get(mailboxId) === known.state.changeSeq) {
      return known.state;
    }
    const mark = this.watermarks.mark();
    const state = await this.deps.store.getSyncState({ mailboxId });
    if (!state) throw new BadSyncTokenError("mailbox has no sync state");
    this.watermarks.observe(mailboxId, state.changeSeq, mark);
    // Bounded as the watermark cache is: a full map starts over (entries are re-read cheaply).
    if (this.#states.size >= STATE_LIMIT) this.#states.clear();
    this.#states.set(mailboxId, { state: Object.freeze(state), atMs: nowMs });
    return state;
  }

  /**
   * The retention job: history older than `before` goes. Pruning takes no seq, so the sync
   * states kept by `syncState` are dropped here for this process to see it at once (another
   * process's prune moves the store's mark, or ages out with the TTL).
   */
  async prune(query: { before: Date }): Promise<{ pruned: number }> {
    const result = await this.deps.store.pruneChanges(query);
    this.#epoch++;
    this.#states.clear();
    return result;
  }

  /**
   * The store-side checks of a token every delta function makes before serving from it:
   * retention, admin resets (checkRetained), and whether an administrator expired this very
   * link. Only a token issued below the mailbox's latest expiry can be one, so newer tokens
   * (nearly every poll) cost no lookup.
   */
  async checkIssued(cursor: IssuedCursor, state: MailboxSyncState): Promise<void> {
    checkRetained(cursor, state);
    const upTo = cursor.kind === "page" ? cursor.upTo : cursor.since;
    if (upTo >= state.expirySeq) return;
    if (await this.deps.store.isDeltaTokenExpired({ mailboxId: cursor.mailboxId, tokenHash: cursorFingerprint(cursor) })) {
      throw new SyncStateNotFoundError(cursor.since, state.changeSeq);
    }
  }

  /**
   * Rethrows a binding refusal (checkBinding) of a token of `mailboxId`, unless the token
   * predates an admin reset: a reset can replace what the token was bound to (the default
   * calendar of a re-seeded mailbox has a new id), and the client must hear 410
   * ResyncRequired, not a 400 it cannot recover from. Costs a read on refusals only.
   */
  async refuseBinding(cursor: IssuedCursor, mailboxId: string, error: unknown): Promise<never> {
    if (error instanceof BadSyncTokenError && cursor.mailboxId === mailboxId) {
      const state = await this.deps.store.getSyncState({ mailboxId });
      if (state && (cursor.kind === "page" ? cursor.upTo : cursor.since) < state.resetSeq) throw new ResyncRequiredError();
    }
    throw error;
  }

  /** Forgets every watermark (a whole-store reset: mailboxes went, and may come back under their ids). */
  forgetAll(): void {
    this.watermarks.clear();
    this.#epoch++;
    this.#states.clear();
  }

  /** Admin action: every token issued so far answers 410 ResyncRequired. */
  async reset(mailboxId: string): Promise<void> {
    await this.deps.writer.write(mailboxId, async (tx, seq) => {
      await tx.setResetSeq({ mailboxId, resetSeq: seq });
    });
  }
}
