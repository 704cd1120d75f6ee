import type { ApiVersion } from "../../graph/index.js";
import type { Clock } from "../clock.js";
import { AccessDeniedError, MalformedIdError, NotFoundError, OccurrenceCrossingBoundaryError, PreconditionFailedError, ValidationError } from "../errors.js";
import { changeKeyFor, isWellFormedEventId, newEntityId, parseOccurrenceId, type IdSource } from "../ids.js";
import type { Calendar, Event, Mailbox, TimeSpan } from "../model.js";
import type { StoreReader, StoreTx } from "../store.js";
import type { ChangeLogWriter } from "../change-log/change-log-writer.js";
import { loadCalendar, type CalendarTarget, type GroupTarget } from "../calendars/calendar-service.js";
import { checkReadOnly } from "../entity-body.js";
import { newEvent } from "./event-defaults.js";
import { parseEventInput } from "./event-input.js";
import { newEventUid, webLinkFor } from "./event-identity.js";
import type { EventFilter, EventOrder } from "./event-query.js";
import type { CalendarRights } from "../sharing/calendar-rights.js";
import { seesEverything } from "../sharing/shared-event-view.js";
import { queryAsSeen } from "../sharing/shared-event-query.js";
import { WindowCache } from "../cache/window-cache.js";
import { applyEventInput, movesOccurrences, readOnlyView } from "./apply-event-input.js";
import {
  isPatternOccurrence, neighbourOriginals, occurrenceOf, overlapsWindow, seriesExtent, seriesOccurrences, spanOf,
} from "./series/series.js";

// Events with Graph's rules (spec §1–2). Every write is one ChangeLogWriter transaction that
// changes the rows and appends an event change-log entry per item it touched (issue 10 reads them).
//
// Series: a master row carries the pattern and its cancelled occurrences; an occurrence is
// computed (id = master + original start, see ids.ts); editing one stores an exception row under
// the occurrence's id; deleting one cancels it. Editing the master so that its occurrences move
// (start, end, zone or pattern) keeps the exceptions and cancellations whose original start is
// still an occurrence of the new pattern and drops the others, as Outlook drops exceptions that
// no longer fit.

/** Where an event lives: a calendar (by id or the default), optionally inside a group; none = the mailbox. */
export interface EventScope {
  calendar?: CalendarTarget;
  group?: GroupTarget;
}

/** If-Match as the edge read it: `*`, or the changeKeys of the entity tags listed. */
export type IfMatch = { any: true } | { changeKeys: readonly string[] };

export interface EventServiceDeps {
  writer: ChangeLogWriter;
  clock: Clock;
  ids: IdSource;
}

interface EventRef {
  mailbox: Mailbox;
  eventId: string;
  scope: EventScope;
  /** The caller's rights on the scope's calendar when it reaches it through a share (ADR 0011). */
  rights?: CalendarRights | undefined;
}

export class EventService {
  readonly #windows = new WindowCache();

  constructor(private readonly deps: EventServiceDeps) {}

  private get store() {
    return this.deps.writer.store;
  }

  /**
   * Single instances and series masters (spec §1.1), one page, plus whether more follow. A
   * grantee who sees some events reduced has `$filter` and `$orderby` read what it sees.
   */
  async list(args: {
    mailbox: Mailbox; scope: EventScope; filter: EventFilter; orderBy: readonly EventOrder[]; offset: number; limit: number;
    rights?: CalendarRights | undefined;
  }): Promise<{ events: Event[]; hasMore: boolean }> {
    const calendarId = await this.scopeCalendarId(this.store, args.mailbox.id, args.scope);
    if (!seesEverything(args.rights) && (args.filter.length > 0 || args.orderBy.length > 0)) {
      const events = await queryAsSeen(this.store, { ...args, calendarId });
      return { events: events.slice(args.offset, args.offset + args.limit), hasMore: events.length > args.offset + args.limit };
    }
    const rows = await this.store.listEvents({
      mailboxId: args.mailbox.id, filter: args.filter, orderBy: args.orderBy, offset: args.offset, limit: args.limit + 1,
      ...(calendarId !== undefined && { calendarId }),
    });
    return { events: rows.slice(0, args.limit), hasMore: rows.length > args.limit };
  }

  async count(args: { mailbox: Mailbox; scope: EventScope; filter: EventFilter; rights?: CalendarRights | undefined }): Promise<number> {
    const calendarId = await this.scopeCalendarId(this.store, args.mailbox.id, args.scope);
    if (!seesEverything(args.rights) && args.filter.length > 0) {
      return (await queryAsSeen(this.store, { ...args, orderBy: [], calendarId })).length;
    }
    return this.store.countEvents({ mailboxId: args.mailbox.id, filter: args.filter, ...(calendarId !== undefined && { calendarId }) });
  }

  async get(ref: EventRef): Promise<Event> {
    return this.find(this.store, ref);
  }

  /**
   * POST: a new event in the scope's calendar (the default one for the mailbox). With a
   * transactionId already used, the existing event comes back and nothing is created.
   */
  async create(args: { mailbox: Mailbox; scope: EventScope; body: unknown; apiVersion: ApiVersion }): Promise<Event> {
    const { input, readOnly } = parseEventInput(args.body, { apiVersion: args.apiVersion, mode: "create" });
    const mailboxId = args.mailbox.id;
    const replay = (reader: StoreReader) =>
      input.transactionId === undefined ? undefined : reader.findEventByTransactionId({ mailboxId, transactionId: input.transactionId });
    const earlier = await replay(this.store);
    if (earlier) return earlier;
    return this.deps.writer.write(mailboxId, async (tx, seq) => {
      // Again under the mailbox's lock: two retries racing each other create one event.
      const raced = await replay(tx);
      if (raced) return raced;
      const calendar = await loadCalendar(tx, mailboxId, args.scope.calendar ?? { defaultCalendar: true }, args.scope.group);
      checkWritable(calendar);
      const nowMs = this.deps.clock.nowMs();
      const id = newEntityId(this.deps.ids, "event", mailboxId);
      const uid = newEventUid(this.deps.ids, nowMs);
      const event: Event = withRecurrenceZone({
        ...newEvent({ owner: calendar.owner, input, nowMs }),
        id, changeKey: changeKeyFor(mailboxId, seq), iCalUId: uid, uid, webLink: webLinkFor(id),
        createdDateTime: nowMs, lastModifiedDateTime: nowMs, calendarId: calendar.id,
        seriesMasterId: null, originalStart: null, createdSeq: seq, changeSeq: seq, cancelledOccurrences: [],
      });
      checkReadOnly(readOnly, readOnlyView(event));
      const extent = seriesExtent(event);
      await tx.insertEvent({ mailboxId, event, extent });
      await this.deps.writer.logEvent(tx, mailboxId, {
        seq, eventId: id, calendarId: calendar.id, seriesMasterId: null, createdSeq: seq, removed: false,
        before: null, after: event, spanBefore: null, spanAfter: extent,
      });
      return event;
    });
  }

  /** PATCH (spec §1.5): an occurrence becomes an exception; a master's moved pattern regenerates. */
  async update(args: EventRef & { body: unknown; apiVersion: ApiVersion; ifMatch?: IfMatch }): Promise<Event> {
    const { input, readOnly } = parseEventInput(args.body, { apiVersion: args.apiVersion, mode: "update" });
    const mailboxId = args.mailbox.id;
    return this.deps.writer.write(mailboxId, async (tx, seq, takeSeq) => {
      const current = await this.find(tx, args);
      await this.checkWritableEvent(tx, mailboxId, current);
      checkIfMatch(args.ifMatch, current);
      // Echoes of what the client last read are fine (decision 12); changes are not.
      checkReadOnly(readOnly, readOnlyView(current));
      const nowMs = this.deps.clock.nowMs();
      const stamp = { changeKey: changeKeyFor(mailboxId, seq), changeSeq: seq, lastModifiedDateTime: nowMs };

      if (current.type === "occurrence" || current.type === "exception") {
        // `recurrence: null` is what an occurrence has: a PATCH echoing a fetched occurrence sends it.
        if (input.recurrence !== undefined && input.recurrence !== null) {
          throw new ValidationError("The recurrence of an occurrence or exception cannot be set; change the series master.");
        }
        const updated: Event = { ...applyEventInput(current, input), ...stamp, type: "exception" };
        await this.checkNeighbours(tx, mailboxId, updated);
        if (current.type === "occurrence") await tx.insertEvent({ mailboxId, event: updated, extent: spanOf(updated) });
        else await tx.updateEvent({ mailboxId, event: updated, extent: spanOf(updated) });
        await this.deps.writer.logEvent(tx, mailboxId, {
          seq, eventId: updated.id, calendarId: updated.calendarId, seriesMasterId: updated.seriesMasterId,
          createdSeq: updated.createdSeq, removed: false, before: current.type === "exception" ? current : null, after: updated,
          spanBefore: spanOf(current), spanAfter: spanOf(updated),
        });
        return updated;
      }

      let updated: Event = withRecurrenceZone({ ...applyEventInput(current, input), ...stamp });
      updated.type = updated.recurrence ? "seriesMaster" : "singleInstance";
      if (current.type === "seriesMaster" && movesOccurrences(current, updated)) {
        updated = await this.reconcileSeries(tx, mailboxId, current, updated, takeSeq);
      }
      await tx.updateEvent({ mailboxId, event: updated, extent: seriesExtent(updated) });
      await this.deps.writer.logEvent(tx, mailboxId, {
        seq, eventId: updated.id, calendarId: updated.calendarId, seriesMasterId: null, createdSeq: updated.createdSeq,
        removed: false, before: current, after: updated, spanBefore: seriesExtent(current), spanAfter: seriesExtent(updated),
      });
      return updated;
    });
  }

  /** DELETE: an occurrence or exception is cancelled; a master takes its whole series with it. */
  async delete(args: EventRef & { ifMatch?: IfMatch }): Promise<void> {
    const mailboxId = args.mailbox.id;
    await this.deps.writer.write(mailboxId, async (tx, seq, takeSeq) => {
      const current = await this.find(tx, args);
      await this.checkWritableEvent(tx, mailboxId, current);
      checkIfMatch(args.ifMatch, current);
      if ((current.type === "occurrence" || current.type === "exception") && current.seriesMasterId !== null && current.originalStart !== null) {
        const master = await this.requireMaster(tx, mailboxId, current.seriesMasterId);
        // The master's record of its series changes, so it gets a new changeKey (as in Exchange).
        const nowMs = this.deps.clock.nowMs();
        const cancelled = [...master.cancelledOccurrences, current.originalStart].sort((a, b) => a - b);
        const updatedMaster: Event = {
          ...master, cancelledOccurrences: cancelled, changeKey: changeKeyFor(mailboxId, seq), changeSeq: seq, lastModifiedDateTime: nowMs,
        };
        await tx.updateEvent({ mailboxId, event: updatedMaster, extent: seriesExtent(updatedMaster) });
        await this.logMaster(tx, mailboxId, seq, master, updatedMaster);
        if (current.type === "exception") await tx.deleteEvent({ mailboxId, eventId: current.id });
        await this.logRemoval(tx, mailboxId, await takeSeq(), current);
        return;
      }
      if (current.type === "seriesMaster") {
        for (const exception of await tx.listExceptions({ mailboxId, seriesMasterIds: [current.id] })) {
          await tx.deleteEvent({ mailboxId, eventId: exception.id });
          await this.logRemoval(tx, mailboxId, await takeSeq(), exception);
        }
      }
      await tx.deleteEvent({ mailboxId, eventId: current.id });
      await this.logRemoval(tx, mailboxId, seq, current);
    });
  }

  /** GET …/instances: the occurrences and exceptions of a series that overlap the window, in start order. */
  async instances(args: EventRef & { window: TimeSpan }): Promise<Event[]> {
    const master = await this.find(this.store, args);
    if (master.type !== "seriesMaster") return [];
    const exceptions = await this.store.listExceptions({ mailboxId: args.mailbox.id, seriesMasterIds: [master.id] });
    const replaced = new Set(exceptions.map((e) => e.originalStart ?? NaN));
    const items = [
      ...seriesOccurrences(master, { window: args.window, replaced }),
      ...exceptions.filter((e) => overlapsWindow(spanOf(e), args.window)),
    ];
    return items.sort(byStart);
  }

  /**
   * calendarView (spec §2): single instances, occurrences and exceptions of one calendar (the
   * default one when the scope names none) that overlap the window, in start order. Cancelled
   * occurrences are left out; masters never appear.
   */
  async calendarView(args: { mailbox: Mailbox; scope: EventScope; window: TimeSpan }): Promise<readonly Event[]> {
    const mailboxId = args.mailbox.id;
    // The seq first, then the window: see WindowCache for why that order keeps it exact.
    const seq = await this.store.getChangeSeq({ mailboxId });
    const calendar = await loadCalendar(this.store, mailboxId, args.scope.calendar ?? { defaultCalendar: true }, args.scope.group);
    const key = `${mailboxId}|${calendar.id}|${args.window.startMs}|${args.window.endMs}`;
    const hit = seq === undefined ? undefined : this.#windows.get(key, seq);
    if (hit) return hit;
    const { items, masters } = await this.store.listEventsInWindow({ mailboxId, calendarId: calendar.id, ...args.window });
    const replaced = new Map<string, Set<number>>();
    if (masters.length > 0) {
      for (const e of await this.store.listExceptions({ mailboxId, seriesMasterIds: masters.map((m) => m.id) })) {
        if (e.seriesMasterId === null || e.originalStart === null) continue;
        let set = replaced.get(e.seriesMasterId);
        if (!set) replaced.set(e.seriesMasterId, (set = new Set()));
        set.add(e.originalStart);
      }
    }
    const occurrences = masters.flatMap((m) => seriesOccurrences(m, { window: args.window, replaced: replaced.get(m.id) ?? new Set() }));
    const events = [...items, ...occurrences].sort(byStart);
    return seq === undefined ? events : this.#windows.set(key, seq, events);
  }

  /**
   * Removes every event of a calendar that is being deleted, each with its change-log entry
   * (called inside the calendar's delete transaction).
   */
  async removeCalendarEvents(tx: StoreTx, mailboxId: string, calendarId: string, takeSeq: () => Promise<number>): Promise<void> {
    for (const event of await tx.listCalendarEvents({ mailboxId, calendarId })) {
      await tx.deleteEvent({ mailboxId, eventId: event.id });
      await this.logRemoval(tx, mailboxId, await takeSeq(), event);
    }
  }

  private async find(reader: StoreReader, ref: EventRef): Promise<Event> {
    const mailboxId = ref.mailbox.id;
    if (!isWellFormedEventId(ref.eventId)) throw new MalformedIdError(ref.eventId);
    const event = await reader.getEvent({ mailboxId, eventId: ref.eventId }) ?? await this.findOccurrence(reader, mailboxId, ref.eventId);
    if (!event) throw new NotFoundError("event", ref.eventId);
    const calendarId = await this.scopeCalendarId(reader, mailboxId, ref.scope);
    if (calendarId !== undefined && event.calendarId !== calendarId) throw new NotFoundError("event", ref.eventId);
    // A private event cannot be reached by id without private access: Graph answers "The
    // specified object was not found in the store" (calendar-list-events, ADR 0011).
    if (ref.rights && !ref.rights.privateItems && event.sensitivity === "private") throw new NotFoundError("event", ref.eventId);
    return event;
  }

  /** An occurrence by its id: its master exists, the pattern puts one there, and it is not cancelled. */
  private async findOccurrence(reader: StoreReader, mailboxId: string, eventId: string): Promise<Event | undefined> {
    const ref = parseOccurrenceId(eventId);
    if (!ref) return undefined;
    const master = await reader.getEvent({ mailboxId, eventId: ref.masterId });
    if (!master || master.cancelledOccurrences.includes(ref.originalStartMs)) return undefined;
    return isPatternOccurrence(master, ref.originalStartMs) ? occurrenceOf(master, ref.originalStartMs) : undefined;
  }

  private async scopeCalendarId(reader: StoreReader, mailboxId: string, scope: EventScope): Promise<string | undefined> {
    if (!scope.calendar) return undefined;
    return (await loadCalendar(reader, mailboxId, scope.calendar, scope.group)).id;
  }

  private async requireMaster(reader: StoreReader, mailboxId: string, masterId: string): Promise<Event> {
    const master = await reader.getEvent({ mailboxId, eventId: masterId });
    if (!master) throw new NotFoundError("event", masterId);
    return master;
  }

  private async checkWritableEvent(reader: StoreReader, mailboxId: string, event: Event): Promise<void> {
    const calendar = await reader.getCalendar({ mailboxId, calendarId: event.calendarId });
    if (calendar) checkWritable(calendar);
  }

  /**
   * An edited occurrence stays between its neighbours: it may not start before the previous
   * occurrence ends nor end after the next one starts (ErrorOccurrenceCrossingBoundary, §1.5).
   * A neighbour that is itself an exception is where the exception now is.
   */
  private async checkNeighbours(reader: StoreReader, mailboxId: string, updated: Event): Promise<void> {
    if (updated.seriesMasterId === null || updated.originalStart === null) return;
    const master = await this.requireMaster(reader, mailboxId, updated.seriesMasterId);
    const { previous, next } = neighbourOriginals(master, updated.originalStart);
    const exceptions = new Map(
      (await reader.listExceptions({ mailboxId, seriesMasterIds: [master.id] })).map((e) => [e.originalStart, e]),
    );
    const spanAt = (original: number): TimeSpan => {
      const exception = exceptions.get(original);
      return exception ? spanOf(exception) : spanOf(occurrenceOf(master, original));
    };
    if (previous !== undefined && updated.start.epochMs < spanAt(previous).endMs) throw new OccurrenceCrossingBoundaryError();
    if (next !== undefined && updated.end.epochMs > spanAt(next).startMs) throw new OccurrenceCrossingBoundaryError();
  }

  /**
   * A master whose occurrences moved: exceptions and cancellations whose original start is no
   * longer an occurrence are dropped (each exception removal logged); the rest are kept.
   */
  private async reconcileSeries(tx: StoreTx, mailboxId: string, before: Event, after: Event, takeSeq: () => Promise<number>): Promise<Event> {
    const fits = (original: number) => after.type === "seriesMaster" && isPatternOccurrence(after, original);
    for (const exception of await tx.listExceptions({ mailboxId, seriesMasterIds: [before.id] })) {
      if (exception.originalStart !== null && fits(exception.originalStart)) continue;
      await tx.deleteEvent({ mailboxId, eventId: exception.id });
      await this.logRemoval(tx, mailboxId, await takeSeq(), exception);
    }
    return { ...after, cancelledOccurrences: after.cancelledOccurrences.filter(fits) };
  }

  private async logMaster(tx: StoreTx, mailboxId: string, seq: number, before: Event, after: Event): Promise<void> {
    await this.deps.writer.logEvent(tx, mailboxId, {
      seq, eventId: after.id, calendarId: after.calendarId, seriesMasterId: null, createdSeq: after.createdSeq, removed: false,
      before, after, spanBefore: seriesExtent(before), spanAfter: seriesExtent(after),
    });
  }

  /** A removal: a stored item, or an occurrence (before = null: it was never a row). */
  private async logRemoval(tx: StoreTx, mailboxId: string, seq: number, event: Event): Promise<void> {
    await this.deps.writer.logEvent(tx, mailboxId, {
      seq, eventId: event.id, calendarId: event.calendarId, seriesMasterId: event.seriesMasterId, createdSeq: event.createdSeq,
      removed: true, before: event.type === "occurrence" ? null : event, after: null,
      spanBefore: seriesExtent(event), spanAfter: null,
    });
  }
}

/** The Birthdays calendar and others the owner cannot edit refuse event writes. */
function checkWritable(calendar: Calendar): void {
  if (!calendar.canEdit) throw new AccessDeniedError();
}

function checkIfMatch(ifMatch: IfMatch | undefined, event: Event): void {
  if (!ifMatch || "any" in ifMatch) return;
  if (!ifMatch.changeKeys.includes(event.changeKey)) throw new PreconditionFailedError();
}

/**
 * The range's recurrenceTimeZone defaults to the start's zone. The parser can only apply that
 * when the same body gives `start`; a PATCH of the recurrence alone (or a POST without start)
 * would otherwise echo "" and differ from a POST of the same series.
 */
export function withRecurrenceZone(event: Event): Event {
  if (!event.recurrence || event.recurrence.range.recurrenceTimeZone !== "") return event;
  const range = { ...event.recurrence.range, recurrenceTimeZone: event.start.zone.name };
  return { ...event, recurrence: { ...event.recurrence, range } };
}

function byStart(a: Event, b: Event): number {
  return a.start.epochMs - b.start.epochMs || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}
