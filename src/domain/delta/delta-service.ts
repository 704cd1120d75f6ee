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


export type DeltaItem = { removed: false; calendar: Calendar } | { removed: true; id: string };

/**
 * One page of a round: either more pages follow (`next` goes into an `@odata.nextLink`), or
 * the round is complete (`round` goes into an `@odata.deltaLink`). Graph sends exactly one of
 * the two links (spec §1, fact 2).
 */
export type DeltaPage =
  | { kind: "more"; items: DeltaItem[]; next: PageCursor }
  | { kind: "complete"; items: DeltaItem[]; round: RoundCursor };

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

  constructor(private readonly deps: { store: Store; clock: Clock; writer: ChangeLogWriter; options: DeltaOptions }) {
    this.watermarks = new WatermarkCache(deps.clock, deps.options.watermarkTtlMs, undefined, deps.store.foreignCommitMark?.bind(deps.store));
    deps.writer.onChange(({ mailboxId, changeSeq, mark }) => this.watermarks.observe(mailboxId, changeSeq, mark));
  }

  async page(args: {
    mailbox: Mailbox; cursor: DeltaCursor; pageSize: number; apiVersion: ApiVersion;
    select: string[] | null; caller: string;
  }): Promise<DeltaPage> {
    const { mailbox, cursor } = args;
    const nowSec = Math.floor(this.deps.clock.now().getTime() / 1000);
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

    const state = await this.syncState(mailbox.id);
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
    const changes = Math.max(since, after) >= upTo
      ? []
      : await this.#changes(mailbox.id, since, upTo, after, args.pageSize + 1);
    const served = changes.slice(0, args.pageSize);
    const items: DeltaItem[] = served.map((c) => c.removed || !c.calendar
      ? { removed: true, id: c.calendarId }
      : { removed: false, calendar: c.calendar });
    if (changes.length > args.pageSize) {
      const last = served[served.length - 1] as { seq: number };
      return { kind: "more", items, next: { kind: "page", since, upTo, after: last.seq, ...binding } };
    }
    if (cursor.kind === "round" && upTo === cursor.since) return { kind: "complete", items, round: this.sameRound(cursor, binding) };
    return { kind: "complete", items, round: { kind: "round", since: upTo, ...binding } };
  }

  /**
   * Up to `limit` collapsed changes of the round (since, upTo] above `after`. The round's first
   * page reads the whole round once and keeps it (ChangeRoundCache); later pages are cut from
   * it. A round too big to keep, or one whose entry was evicted, is read page by page.
   */
  async #changes(mailboxId: string, since: number, upTo: number, after: number, limit: number): Promise<readonly CalendarChange[]> {
    const key = `${mailboxId}|${since}`;
    let round = this.#rounds.get(key, upTo);
    if (!round && after <= since) {
      const most = this.deps.options.roundReadLimit ?? 20_000;
      const all = await this.deps.store.listChanges({ mailboxId, since, upTo, after: since, limit: most + 1 });
      if (all.length > most) return all.slice(0, limit);
      round = this.#rounds.set(key, upTo, all);
    }
    if (!round) return this.deps.store.listChanges({ mailboxId, since, upTo, after, limit });
    // Changes are in seq order: the page starts after the last one served.
    let lo = 0;
    let hi = round.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((round[mid] as CalendarChange).seq <= after) lo = mid + 1;
      else hi = mid;
    }
    return round.slice(lo, lo + limit);
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
    return this.#reusable(cursor, Math.floor(this.deps.clock.now().getTime() / 1000));
  }

  #reusable(cursor: RoundCursor, nowSec: number): boolean {
    const ageMs = (nowSec - cursor.issuedAt) * 1000;
    const reuseMs = Math.min(TOKEN_REUSE_MS, this.deps.options.retentionMs / 24);
    return ageMs >= 0 && ageMs < reuseMs;
  }

  /** The mailbox's counters, read now; the watermark cache learns the change seq. */
  async syncState(mailboxId: string): Promise<MailboxSyncState> {
    const mark = this.watermarks.mark();
    const state = await this.deps.store.getSyncState({ mailboxId });
    if (!state) throw new BadSyncTokenError("mailbox has no sync state");
    this.watermarks.observe(mailboxId, state.changeSeq, mark);
    return state;
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
  }

  /** Admin action: every token issued so far answers 410 ResyncRequired. */
  async reset(mailboxId: string): Promise<void> {
    await this.deps.writer.write(mailboxId, async (tx, seq) => {
      await tx.setResetSeq({ mailboxId, resetSeq: seq });
    });
  }
}
