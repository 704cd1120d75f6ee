import type { ApiVersion } from "../../graph/index.js";
import type { Clock } from "../clock.js";
import { BadSyncTokenError } from "../errors.js";
import type { Mailbox, TimeSpan } from "../model.js";
import type { Store } from "../store.js";
import type { CalendarViewScope, DeltaCursor } from "../delta/delta-cursor.js";
import { checkBinding, scopeKeyOf } from "../delta/cursor-checks.js";
import { pageOfRound, type EventDeltaPage } from "./grouped-round.js";
import type { DeltaService } from "../delta/delta-service.js";
import { loadCalendar, type CalendarTarget, type GroupTarget } from "../calendars/calendar-service.js";
import { changedKeys, changeGroups, snapshotGroups, type ItemGroup } from "./round-items.js";
import { seriesAt, windowRowsAt } from "./window-at.js";

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
  constructor(private readonly deps: { store: Store; clock: Clock; delta: DeltaService; options: EventDeltaOptions }) {}

  async page(args: {
    mailbox: Mailbox; calendar: CalendarTarget; group?: GroupTarget; cursor: DeltaCursor;
    /** The window of an initial request (required then; a later request's is ignored, as Graph does). */
    window?: TimeSpan;
    pageSize: number; apiVersion: ApiVersion; select: string[] | null; caller: string;
  }): Promise<EventDeltaPage> {
    const { mailbox, cursor } = args;
    const { store } = this.deps;
    // The calendar must still exist (and be the one the token names): a deleted calendar is 404.
    const calendar = await loadCalendar(store, mailbox.id, args.calendar, args.group);
    // An events/delta token (DeltaScope is a union since beta events/delta) is another resource's.
    const scope: CalendarViewScope = cursor.kind === "initial"
      ? { resource: "calendarView", calendarId: calendar.id, window: requireWindow(args.window) }
      : (cursor.scope?.resource === "calendarView" ? cursor.scope : noScope());
    const nowSec = Math.floor(this.deps.clock.now().getTime() / 1000);
    const binding = {
      mailboxId: mailbox.id, apiVersion: args.apiVersion, caller: args.caller, issuedAt: nowSec,
      select: cursor.kind === "initial" ? args.select : cursor.select, scope,
    };
    if (cursor.kind !== "initial") {
      checkBinding(cursor, {
        mailboxId: mailbox.id, apiVersion: args.apiVersion, caller: args.caller, nowSec,
        retentionMs: this.deps.options.retentionMs,
        scopeKey: scopeKeyOf({ scope: { ...scope, calendarId: calendar.id } }),
      });
    }
    return pageOfRound({
      delta: this.deps.delta, mailboxId: mailbox.id, cursor, pageSize: args.pageSize, binding,
      groupsFor: (since, upTo) => since === 0
        ? this.snapshot(mailbox.id, calendar.id, scope.window, upTo)
        : this.changes(mailbox.id, calendar.id, scope.window, since, upTo),
    });
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
