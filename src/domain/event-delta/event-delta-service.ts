import type { ApiVersion } from "../../graph/index.js";
import type { Clock } from "../clock.js";
import { BadSyncTokenError } from "../errors.js";
import type { Calendar, Mailbox, TimeSpan } from "../model.js";
import type { Store } from "../store.js";
import type { CalendarViewScope, DeltaCursor } from "../delta/delta-cursor.js";
import { checkBinding, scopeKeyOf } from "../delta/cursor-checks.js";
import { pageOfRound, type EventDeltaPage } from "./grouped-round.js";
import type { DeltaService } from "../delta/delta-service.js";
import { loadCalendar, type CalendarTarget, type GroupTarget } from "../calendars/calendar-service.js";
import { changedKeys, changeGroups, snapshotGroups, type ItemGroup } from "./round-items.js";
import { seriesAt, windowRowsAt } from "./window-at.js";
import { RoundCache } from "../cache/round-cache.js";
import { BoundedMap } from "../cache/bounded-map.js";

export type { EventDeltaPage };

// calendarView/delta (issue 10, spec §3): rounds over one calendar's time window, served from the
// event change log with the guarantees calendars/delta gives (domain/delta/README.md).
//
// - An initial round is the window as it was at the round's watermark `upTo` (rolled back with
//   the log, window-at.ts), so every page of it sees the same calendar, whatever is written
//   meanwhile; pages are cut between series (round-items.ts).
// - A later round is the log slice (since, upTo] of the calendar, collapsed per item, each item
//   judged by the window rule of §3.5 at `upTo`. Only the series that changed are expanded.
// - The window and calendar are fixed by the initial request and bound into every token.

export interface EventDeltaOptions {
  retentionMs: number;
}

export class EventDeltaService {
  readonly #rounds = new RoundCache();
  readonly #calendars = new BoundedMap<{ calendar: Calendar; seq: number }>({ limit: 10_000 });

  constructor(private readonly deps: { store: Store; clock: Clock; delta: DeltaService; options: EventDeltaOptions }) {}

  async page(args: {
    mailbox: Mailbox; calendar: CalendarTarget; group?: GroupTarget; cursor: DeltaCursor;
    /** The window of an initial request (required then; a later request's is ignored, as Graph does). */
    window?: TimeSpan;
    pageSize: number; apiVersion: ApiVersion; select: string[] | null; caller: string;
  }): Promise<EventDeltaPage> {
    const { mailbox, cursor } = args;
    const { store } = this.deps;
    const viaDefault = "defaultCalendar" in args.calendar;
    const nowSec = Math.floor(this.deps.clock.nowMs() / 1000);
    const unchanged = this.unchangedRound(args, viaDefault, nowSec);
    if (unchanged) return unchanged;
    // The calendar must still exist (and be the one the token names): a deleted calendar is 404.
    const calendar = cursor.kind === "page" && !args.group
      ? await this.#pageCalendar(mailbox.id, args.calendar)
      : await loadCalendar(store, mailbox.id, args.calendar, args.group);
    // An events/delta token (DeltaScope is a union since beta events/delta) is another resource's.
    const scope: CalendarViewScope = cursor.kind === "initial"
      ? { resource: "calendarView", calendarId: calendar.id, viaDefault, window: requireWindow(args.window) }
      : (cursor.scope?.resource === "calendarView" ? cursor.scope : noScope());
    const binding = {
      mailboxId: mailbox.id, apiVersion: args.apiVersion, caller: args.caller, issuedAt: nowSec,
      select: cursor.kind === "initial" ? args.select : cursor.select, scope,
    };
    if (cursor.kind !== "initial") {
      try {
        checkBinding(cursor, {
          mailboxId: mailbox.id, apiVersion: args.apiVersion, caller: args.caller, nowSec,
          retentionMs: this.deps.options.retentionMs,
          scopeKey: scopeKeyOf({ scope: { ...scope, calendarId: calendar.id, viaDefault } }),
        });
      } catch (error) {
        await this.deps.delta.refuseBinding(cursor, mailbox.id, error);
      }
    }
    return pageOfRound({
      delta: this.deps.delta, mailboxId: mailbox.id, cursor, pageSize: args.pageSize, binding,
      groupsFor: (since, upTo) => this.groups(mailbox.id, calendar.id, scope.window, since, upTo),
    });
  }

  /**
   * The poll of a completed round on a mailbox the watermark says is unchanged: the empty page,
   * answered before any store read. It needs no calendar lookup, because nothing — not the
   * calendar's existence, not which calendar is the default — can have changed without moving
   * the mailbox's seq; the route's calendar only has to be the one the token was started on, in
   * the same form (by id, or the default). The group form takes the full path (its membership
   * is not in the token). Everything else falls through to the full checks.
   */
  private unchangedRound(
    args: { mailbox: Mailbox; calendar: CalendarTarget; group?: GroupTarget; cursor: DeltaCursor; apiVersion: ApiVersion; caller: string },
    viaDefault: boolean, nowSec: number,
  ): EventDeltaPage | undefined {
    const { cursor } = args;
    if (cursor.kind !== "round" || cursor.scope?.resource !== "calendarView" || args.group) return undefined;
    if (this.deps.delta.watermarks.get(args.mailbox.id) !== cursor.since) return undefined;
    const scope = cursor.scope;
    const sameCalendar = viaDefault ? scope.viaDefault : !scope.viaDefault && "calendarId" in args.calendar && args.calendar.calendarId === scope.calendarId;
    if (!sameCalendar) return undefined;
    checkBinding(cursor, {
      mailboxId: args.mailbox.id, apiVersion: args.apiVersion, caller: args.caller, nowSec,
      retentionMs: this.deps.options.retentionMs, scopeKey: scopeKeyOf(cursor),
    });
    const binding = { mailboxId: args.mailbox.id, apiVersion: args.apiVersion, caller: args.caller, issuedAt: nowSec, select: cursor.select, scope };
    return { kind: "complete", items: [], round: this.deps.delta.sameRound(cursor, binding) };
  }

  /**
   * The calendar a later page of a round names, as loadCalendar finds it, reused while the
   * mailbox's watermark (cache 3) is the seq read before it: deleting, creating or re-defaulting
   * a calendar takes a seq, so an entry is never served after such a write is known (catalogue
   * entry 16). Pages are the hot path of an initial sync; polls and first pages always load.
   */
  async #pageCalendar(mailboxId: string, target: CalendarTarget): Promise<Calendar> {
    const key = `${mailboxId}|${"calendarId" in target ? `id:${target.calendarId}` : "default"}`;
    const kept = this.#calendars.get(key);
    const seq = this.deps.delta.watermarks.get(mailboxId) ?? (await this.deps.delta.syncState(mailboxId)).changeSeq;
    if (kept && kept.seq === seq) return kept.calendar;
    const calendar = await loadCalendar(this.deps.store, mailboxId, target);
    this.#calendars.set(key, { calendar, seq });
    return calendar;
  }

  /** A round's groups: computed once per (calendar, window, since, upTo), then every page slices them. */
  private async groups(mailboxId: string, calendarId: string, window: TimeSpan, since: number, upTo: number): Promise<readonly ItemGroup[]> {
    const key = `${mailboxId}|${calendarId}|${window.startMs}|${window.endMs}|${since}`;
    const hit = this.#rounds.get(key, upTo);
    if (hit) return hit;
    const groups = since === 0
      ? await this.snapshot(mailboxId, calendarId, window, upTo)
      : await this.changes(mailboxId, calendarId, window, since, upTo);
    return this.#rounds.set(key, upTo, groups);
  }

  /** The window at `upTo`, grouped: what an initial round sends. */
  private async snapshot(mailboxId: string, calendarId: string, window: TimeSpan, upTo: number): Promise<ItemGroup[]> {
    const readLater = () => this.deps.store.listEventChanges({ mailboxId, calendarId, after: upTo });
    const rows = await windowRowsAt(this.deps.store, { mailboxId, calendarId, window, readLater });
    return snapshotGroups(rows, window);
  }

  /** The changes of (since, upTo], grouped and judged by the window rule. */
  private async changes(mailboxId: string, calendarId: string, window: TimeSpan, since: number, upTo: number): Promise<ItemGroup[]> {
    if (since >= upTo) return [];
    const all = await this.deps.store.listEventChanges({ mailboxId, calendarId, after: since });
    const changes = all.filter((c) => c.seq <= upTo);
    if (changes.length === 0) return [];
    const keys = [...changedKeys(changes)];
    // Each reads its rows and then the log again (window-at.ts, LaterChanges): `all` may be older
    // than the rows it would roll back.
    const readSince = () => this.deps.store.listEventChanges({ mailboxId, calendarId, after: since });
    const readAfterUpTo = () => this.deps.store.listEventChanges({ mailboxId, calendarId, after: upTo });
    const seriesAtStart = await seriesAt(this.deps.store, { mailboxId, masterIds: keys, readLater: readSince });
    const seriesAtEnd = await seriesAt(this.deps.store, { mailboxId, masterIds: keys, readLater: readAfterUpTo });
    return changeGroups({ changes, window, seriesAtStart, seriesAtEnd });
  }
}

function requireWindow(window: TimeSpan | undefined): TimeSpan {
  // The route parses startDateTime/endDateTime (400 ErrorInvalidParameter when missing).
  if (!window) throw new Error("an initial calendarView/delta request needs its window");
  return window;
}

function noScope(): never {
  throw new BadSyncTokenError("token is for another resource");
}
