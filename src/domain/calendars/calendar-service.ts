import type { ApiVersion } from "../../graph/index.js";
import type { Clock } from "../clock.js";
import {
  DistinguishedFolderError, MalformedIdError, NameConflictError, NotFoundError, ValidationError,
} from "../errors.js";
import { changeKeyFor, isWellFormedId, type IdSource } from "../ids.js";
import type { Calendar, CalendarGroup, Mailbox } from "../model.js";
import type { StoreReader, StoreTx } from "../store.js";
import { ChangeLogWriter } from "../change-log/change-log-writer.js";
import { newCalendar } from "./calendar-defaults.js";
import { parseCalendarInput } from "./calendar-input.js";
import { checkReadOnly } from "../entity-body.js";
import { nameKeyOf } from "./name-key.js";
import { CalendarListCache, type CalendarListPage } from "../cache/calendar-list-cache.js";
import { calendarSeenBy, type CalendarRights, type SharedCalendars } from "../sharing/calendar-rights.js";

/** A calendar addressed by id, or the mailbox's default calendar (`/calendar`). */
export type CalendarTarget = { calendarId: string } | { defaultCalendar: true };
/** A calendar group addressed by id, or the default group (`/calendarGroup`). */
export type GroupTarget = { groupId: string } | { defaultGroup: true };

/** What deleting a calendar does to its events (EventService): removes and logs each, in the same transaction. */
export interface CalendarEventsRemover {
  removeCalendarEvents(tx: StoreTx, mailboxId: string, calendarId: string, takeSeq: () => Promise<number>): Promise<void>;
}

export interface CalendarServiceDeps {
  writer: ChangeLogWriter;
  clock: Clock;
  ids: IdSource;
  events: CalendarEventsRemover;
}

export function checkCalendarId(id: string): void {
  if (!isWellFormedId(id, "calendar")) throw new MalformedIdError(id);
}

export async function resolveGroup(reader: StoreReader, mailboxId: string, target: GroupTarget): Promise<CalendarGroup> {
  if ("defaultGroup" in target) {
    const group = await reader.getDefaultCalendarGroup({ mailboxId });
    if (!group) throw new NotFoundError("calendarGroup", "calendarGroup");
    return group;
  }
  if (!isWellFormedId(target.groupId, "calendarGroup")) throw new MalformedIdError(target.groupId);
  const group = await reader.getCalendarGroup({ mailboxId, groupId: target.groupId });
  if (!group) throw new NotFoundError("calendarGroup", target.groupId);
  return group;
}

/** The calendar a target names (optionally within a group), or NotFound / MalformedId. */
export async function loadCalendar(reader: StoreReader, mailboxId: string, target: CalendarTarget, groupTarget?: GroupTarget): Promise<Calendar> {
  let calendar: Calendar | undefined;
  if ("defaultCalendar" in target) {
    calendar = await reader.getDefaultCalendar({ mailboxId });
  } else {
    checkCalendarId(target.calendarId);
    calendar = await reader.getCalendar({ mailboxId, calendarId: target.calendarId });
  }
  const id = "calendarId" in target ? target.calendarId : "calendar";
  if (!calendar) throw new NotFoundError("calendar", id);
  if (groupTarget) {
    const group = await resolveGroup(reader, mailboxId, groupTarget);
    if (calendar.groupId !== group.id) throw new NotFoundError("calendar", id);
  }
  return calendar;
}

/** Calendar CRUD with Graph's rules; every write goes through ChangeLogWriter, which logs it. */
export class CalendarService {
  readonly #lists = new CalendarListCache();

  constructor(private readonly deps: CalendarServiceDeps) {}

  private get store() {
    return this.deps.writer.store;
  }

  /**
   * A page of the mailbox's calendars (frozen: it may be shared through the list cache); with
   * `shared`, only those calendars, as their grantee sees them (ADR 0011).
   */
  async list(args: { mailbox: Mailbox; group?: GroupTarget; offset: number; limit: number; shared?: SharedCalendars }): Promise<CalendarListPage> {
    if (args.shared) {
      const calendars = await this.sharedCalendars({ ...args, shared: args.shared });
      return { calendars: calendars.slice(args.offset, args.offset + args.limit), hasMore: calendars.length > args.offset + args.limit };
    }
    const mailboxId = args.mailbox.id;
    const group = args.group === undefined ? "" : "defaultGroup" in args.group ? "default" : `g:${args.group.groupId}`;
    const key = `${mailboxId}|${group}|${args.offset}|${args.limit}`;
    // The seq first, then the page: see CalendarListCache for why that order keeps it exact.
    const seq = await this.store.getChangeSeq({ mailboxId });
    const hit = seq === undefined ? undefined : this.#lists.get(key, seq);
    if (hit) return hit;
    const groupId = args.group ? (await resolveGroup(this.store, mailboxId, args.group)).id : undefined;
    const rows = await this.store.listCalendars({
      mailboxId, offset: args.offset, limit: args.limit + 1, ...(groupId !== undefined && { groupId }),
    });
    const page = { calendars: rows.slice(0, args.limit), hasMore: rows.length > args.limit };
    return seq === undefined ? page : this.#lists.set(key, seq, page);
  }

  async count(args: { mailbox: Mailbox; group?: GroupTarget; shared?: SharedCalendars }): Promise<number> {
    if (args.shared) return (await this.sharedCalendars({ ...args, shared: args.shared })).length;
    const groupId = args.group ? (await resolveGroup(this.store, args.mailbox.id, args.group)).id : undefined;
    return this.store.countCalendars({ mailboxId: args.mailbox.id, ...(groupId !== undefined && { groupId }) });
  }

  /** One calendar; with `rights`, as the grantee of a share sees it (ADR 0011). */
  async get(args: { mailbox: Mailbox; target: CalendarTarget; group?: GroupTarget; rights?: CalendarRights }): Promise<Calendar> {
    const calendar = await this.find(this.store, args);
    return args.rights ? calendarSeenBy(calendar, args.rights) : calendar;
  }

  /**
   * The shared calendars that still exist (in the group, if one is named), in list order
   * (creation), as their grantee sees them. A grantee has a handful: no cache, no paging in SQL.
   */
  private async sharedCalendars(args: { mailbox: Mailbox; group?: GroupTarget; shared: SharedCalendars }): Promise<Calendar[]> {
    const mailboxId = args.mailbox.id;
    const groupId = args.group ? (await resolveGroup(this.store, mailboxId, args.group)).id : undefined;
    const found: Calendar[] = [];
    for (const [calendarId, rights] of args.shared) {
      const calendar = await this.store.getCalendar({ mailboxId, calendarId });
      if (calendar && (groupId === undefined || calendar.groupId === groupId)) found.push(calendarSeenBy(calendar, rights));
    }
    // A mailbox's first calendars share one seq; the default one was created first.
    return found.sort((a, b) => a.createdSeq - b.createdSeq || Number(b.isDefaultCalendar) - Number(a.isDefaultCalendar));
  }

  async create(args: { mailbox: Mailbox; group?: GroupTarget; body: unknown; apiVersion: ApiVersion }): Promise<Calendar> {
    const { input, readOnly } = parseCalendarInput(args.body, { apiVersion: args.apiVersion, mode: "create" });
    if (input.isDefaultCalendar === true) {
      throw new ValidationError("A new calendar cannot be created as the default calendar.");
    }
    return this.deps.writer.write(args.mailbox.id, async (tx, seq) => {
      const group = await resolveGroup(tx, args.mailbox.id, args.group ?? { defaultGroup: true });
      const name = input.name as string;
      await this.assertNameFree(tx, args.mailbox.id, name);
      const calendar: Calendar = {
        ...newCalendar({ ids: this.deps.ids, mailbox: args.mailbox, seq, name, group, explicitGroup: args.group !== undefined }),
        ...(input.color !== undefined && { color: input.color }),
        ...(input.hexColor !== undefined && { hexColor: input.hexColor }),
      };
      checkReadOnly(readOnly, calendar);
      await tx.insertCalendar({ mailboxId: args.mailbox.id, calendar });
      await this.deps.writer.log(tx, args.mailbox.id, calendar);
      return calendar;
    });
  }

  async update(args: { mailbox: Mailbox; target: CalendarTarget; group?: GroupTarget; body: unknown; apiVersion: ApiVersion }): Promise<Calendar> {
    const { input, readOnly } = parseCalendarInput(args.body, { apiVersion: args.apiVersion, mode: "update" });
    const mailboxId = args.mailbox.id;
    return this.deps.writer.write(mailboxId, async (tx, seq, takeSeq) => {
      const current = await this.find(tx, args);
      if (input.name !== undefined && nameKeyOf(input.name) !== nameKeyOf(current.name)) {
        await this.assertNameFree(tx, mailboxId, input.name);
      }
      let updated: Calendar = {
        ...current,
        ...(input.name !== undefined && { name: input.name }),
        ...(input.color !== undefined && { color: input.color }),
        ...(input.hexColor !== undefined && { hexColor: input.hexColor }),
        changeKey: changeKeyFor(mailboxId, seq),
        changeSeq: seq,
      };
      if (input.isDefaultCalendar === false && current.isDefaultCalendar) {
        throw new ValidationError("The default calendar cannot be unset; make another calendar the default instead.");
      }
      if (input.isDefaultCalendar === true && !current.isDefaultCalendar) {
        if (!current.canEdit) throw new ValidationError("A read-only calendar cannot become the default calendar.");
        await this.demoteDefault(tx, mailboxId, takeSeq);
        updated = { ...updated, isDefaultCalendar: true, isRemovable: false, isTallyingResponses: true };
      }
      // Echoed read-only values are what the client last read, so they match the calendar as it
      // was: an SDK PATCHing back a fetched entity carries the old changeKey.
      checkReadOnly(readOnly, current);
      await tx.updateCalendar({ mailboxId, calendar: updated });
      await this.deps.writer.log(tx, mailboxId, updated);
      return updated;
    });
  }

  async delete(args: { mailbox: Mailbox; target: CalendarTarget; group?: GroupTarget }): Promise<void> {
    const mailboxId = args.mailbox.id;
    await this.deps.writer.write(mailboxId, async (tx, seq, takeSeq) => {
      const current = await this.find(tx, args);
      if (current.isDefaultCalendar || !current.isRemovable) throw new DistinguishedFolderError();
      // Its events go with it (Graph has no move for events), each logged for event delta.
      await this.deps.events.removeCalendarEvents(tx, mailboxId, current.id, takeSeq);
      await tx.deleteCalendar({ mailboxId, calendarId: current.id });
      await this.deps.writer.logRemoval(tx, mailboxId, current, seq);
    });
  }

  private async find(reader: StoreReader, args: { mailbox: Mailbox; target: CalendarTarget; group?: GroupTarget }): Promise<Calendar> {
    return loadCalendar(reader, args.mailbox.id, args.target, args.group);
  }

  private async assertNameFree(reader: StoreReader, mailboxId: string, name: string): Promise<void> {
    if (await reader.findCalendarByName({ mailboxId, nameKey: nameKeyOf(name) })) throw new NameConflictError(name);
  }

  /** Moving the default flag changes the old default too: it gets its own change (decision 13). */
  private async demoteDefault(tx: StoreTx, mailboxId: string, takeSeq: () => Promise<number>): Promise<void> {
    const old = await tx.getDefaultCalendar({ mailboxId });
    if (!old) return;
    const seq = await takeSeq();
    const demoted: Calendar = {
      ...old, isDefaultCalendar: false, isRemovable: true, isTallyingResponses: false,
      changeKey: changeKeyFor(mailboxId, seq), changeSeq: seq,
    };
    await tx.updateCalendar({ mailboxId, calendar: demoted });
    await this.deps.writer.log(tx, mailboxId, demoted);
  }
}
