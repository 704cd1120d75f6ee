import type { ApiVersion } from "../../graph/index.js";
import type { Clock } from "../clock.js";
import { BadSyncTokenError } from "../errors.js";
import type { Event, EventChange, Mailbox, TimeSpan } from "../model.js";
import type { Store } from "../store.js";
import type { DeltaCursor, EventsScope } from "../delta/delta-cursor.js";
import { checkBinding, scopeKeyOf } from "../delta/cursor-checks.js";
import { pageOfRound, type EventDeltaPage } from "./grouped-round.js";
import type { DeltaService } from "../delta/delta-service.js";
import { loadCalendar, type CalendarTarget, type GroupTarget } from "../calendars/calendar-service.js";
import { OPEN_END_MS, overlapsWindow, seriesExtent, spanOf } from "../events/series/series.js";
import { type EventDeltaItem, type ItemGroup } from "./round-items.js";
import { firstChangeAfter } from "./window-at.js";

// beta events/delta (issue 10, spec §3.1–3.2): the stored single instances and series masters of
// one calendar, or of every calendar of the mailbox (`/me/events/delta`, as `/me/events` lists
// them all), round by round. Occurrences and exceptions are never items: a client reads a series
// from its master. Served from the event change log with calendarView/delta's guarantees
// (domain/delta/README.md):
//
// - An initial round is the stored singles and masters as they were at the round's watermark
//   `upTo` (current rows rolled back with the log, as window-at.ts does), so every page of it
//   sees the same mailbox whatever is written meanwhile.
// - A later round is the log slice (since, upTo] collapsed per event id, keeping only the
//   entries of singles and masters (those with no seriesMasterId: exception and occurrence
//   entries are ignored; a master whose cancellations or exceptions change writes an entry of
//   its own and is re-sent). What the item is at `upTo` decides: gone, or outside the
//   startDateTime bound → `@removed` (the §3.5 rule: changes outside the range are tombstones,
//   never silence); otherwise the item.
//
// startDateTime (optional) is read as "events that end after it": a single instance whose span
// reaches past it, a master whose series extent does (the extent is padded by a day or two at
// its ends, so a series ending just before the bound may still be listed). The docs say
// "starting on/after"; an event in progress at the bound is still relevant to a client syncing
// from that instant, so the overlap reading is kept (spec §3.1 leaves it to us).

export type EventsDeltaPage = EventDeltaPage;

export interface EventsDeltaOptions {
  retentionMs: number;
}

/** More than any mailbox holds: a snapshot is read in one query, so no write can shift its pages. */
const ALL_ROWS = 2_147_483_647;

export class EventsDeltaService {
  constructor(private readonly deps: { store: Store; clock: Clock; delta: DeltaService; options: EventsDeltaOptions }) {}

  async page(args: {
    mailbox: Mailbox;
    /** The calendar of `/…/calendar(s/{id})/events/delta`; absent for `/…/events/delta` (every calendar). */
    calendar?: CalendarTarget; group?: GroupTarget; cursor: DeltaCursor;
    /** startDateTime of an initial request (a later request's is ignored: the token holds it). */
    startMs?: number;
    pageSize: number; apiVersion: ApiVersion; caller: string;
  }): Promise<EventsDeltaPage> {
    const { mailbox, cursor } = args;
    const { store } = this.deps;
    // A named calendar must still exist: a deleted one is 404, as for calendarView/delta.
    const calendarId = args.calendar ? (await loadCalendar(store, mailbox.id, args.calendar, args.group)).id : null;
    const requested: EventsScope = { resource: "events", calendarId, startMs: args.startMs ?? null };
    let scope: EventsScope = requested;
    if (cursor.kind !== "initial") {
      // Another resource's token (calendarView/delta, calendars/delta) is refused by the key check.
      scope = cursor.scope?.resource === "events" ? cursor.scope : noScope();
    }
    const nowSec = Math.floor(this.deps.clock.nowMs() / 1000);
    // events/delta takes no $select (spec §3.2): items are skeletons.
    const binding = { mailboxId: mailbox.id, apiVersion: args.apiVersion, caller: args.caller, issuedAt: nowSec, select: null, scope };
    if (cursor.kind !== "initial") {
      checkBinding(cursor, {
        mailboxId: mailbox.id, apiVersion: args.apiVersion, caller: args.caller, nowSec,
        retentionMs: this.deps.options.retentionMs,
        // The calendar is the one the URL names; the bound comes from the token.
        scopeKey: scopeKeyOf({ scope: { ...scope, calendarId } }),
      });
    }
    const bound = boundOf(scope);
    return pageOfRound({
      delta: this.deps.delta, mailboxId: mailbox.id, cursor, pageSize: args.pageSize, binding,
      groupsFor: (since, upTo) => since === 0
        ? this.snapshot(mailbox.id, scope.calendarId, bound, upTo)
        : this.changes(mailbox.id, scope.calendarId, bound, since, upTo),
    });
  }

  /** The stored singles and masters at `upTo` inside the bound, in start order. */
  private async snapshot(mailboxId: string, calendarId: string | null, bound: TimeSpan, upTo: number): Promise<ItemGroup[]> {
    const { store } = this.deps;
    const inCalendar = calendarId === null ? {} : { calendarId };
    // Rows first, then the log: the log read must reach at least what the rows reflect
    // (window-at.ts), or a write landing in between would be neither rolled back nor seen.
    const now = await store.listEvents({ mailboxId, ...inCalendar, filter: [], orderBy: [], offset: 0, limit: ALL_ROWS });
    const later = await store.listEventChanges({ mailboxId, ...inCalendar, after: upTo });
    const first = firstChangeAfter(later);
    const rows = new Map<string, Event>();
    for (const row of now) {
      const change = first.get(row.id);
      const then = change ? change.before : row;
      if (then) rows.set(then.id, then);
    }
    // Items that existed at `upTo` but are gone since (deleted, or no longer a single/master).
    for (const [id, change] of first) {
      if (!rows.has(id) && change.before !== null) rows.set(id, change.before);
    }
    return [...rows.values()]
      .filter((e) => isTracked(e) && inBound(e, bound))
      .sort((a, b) => a.start.epochMs - b.start.epochMs || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
      .map((event) => ({ key: event.id, items: [{ kind: "event", event }] }));
  }

  /** The changes of (since, upTo], one item per single or master, in the order of its first change. */
  private async changes(mailboxId: string, calendarId: string | null, bound: TimeSpan, since: number, upTo: number): Promise<ItemGroup[]> {
    if (since >= upTo) return [];
    const changes = await this.deps.store.listEventChanges({ mailboxId, ...(calendarId !== null && { calendarId }), after: since, upTo });
    const last = new Map<string, EventChange>();
    for (const c of changes) {
      // Exception and occurrence entries: the series is read from its master.
      if (c.seriesMasterId !== null) continue;
      last.delete(c.eventId);
      last.set(c.eventId, c);
    }
    const order = orderOfFirst(changes);
    return [...last.values()]
      .sort((a, b) => (order.get(a.eventId) as number) - (order.get(b.eventId) as number))
      .map((c): ItemGroup => {
        const now = c.removed ? null : c.after;
        const item: EventDeltaItem = now && isTracked(now) && inBound(now, bound) ? { kind: "event", event: now } : { kind: "removed", id: c.eventId };
        return { key: c.eventId, items: [item] };
      });
  }
}

/** Seq of each event id's first entry in the round. */
function orderOfFirst(changes: readonly EventChange[]): Map<string, number> {
  const order = new Map<string, number>();
  for (const c of changes) if (!order.has(c.eventId)) order.set(c.eventId, c.seq);
  return order;
}

function isTracked(event: Event): boolean {
  return event.type === "singleInstance" || event.type === "seriesMaster";
}

function boundOf(scope: EventsScope): TimeSpan {
  return { startMs: scope.startMs ?? -OPEN_END_MS, endMs: OPEN_END_MS };
}

/** Ends after the bound's start (a master: its series extent does). */
function inBound(event: Event, bound: TimeSpan): boolean {
  return overlapsWindow(event.type === "seriesMaster" ? seriesExtent(event) : spanOf(event), bound);
}

function noScope(): never {
  throw new BadSyncTokenError("token is for another resource");
}
