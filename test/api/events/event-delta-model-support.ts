import {
  CalendarService, ChangeLogWriter, EventDeltaService, EventService, DeltaService, ManualClock, MailboxService, OccurrenceCrossingBoundaryError,
  parseOccurrenceId, randomIds, type DeltaCursor, type Event, type EventDeltaItem, type EventDeltaPage, type Mailbox, type Store, type TimeSpan,
} from "../../../src/domain/index.js";
import { openStore } from "../../../src/store/index.js";
import { createPgDatabase } from "../../support/engines.js";
import { dateTime, recurrence, recurrenceParams, timeAt, zoneOf, type Op } from "./event-delta-model-ops.js";

// The calendarView/delta model test (issue 10), driven at the service level: the real
// EventService writes, EventDeltaService.page serves rounds (cursors passed as they are, no
// token codec), over a real store. A client per mailbox applies every page; the test checks it
// against EventService.calendarView of the window taken when the round's first page was served
// (the round's watermark). See event-delta-model.test.ts for the property.

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const CALLER = "u:owner";

// ---- Services over a real store ---------------------------------------------------------

export interface Services {
  store: Store;
  clock: ManualClock;
  mailboxes: MailboxService;
  calendars: CalendarService;
  events: EventService;
  eventDelta: EventDeltaService;
  close: () => Promise<void>;
}

/** The services wired as server/create-server.ts wires them, over SQLite :memory: or a fresh PostgreSQL database. */
export async function openServices(engine: "sqlite" | "postgres"): Promise<Services> {
  const clock = new ManualClock(Date.UTC(2026, 1, 20, 9, 0, 0));
  const now = () => clock.now().getTime();
  const db = engine === "postgres" ? await createPgDatabase() : undefined;
  const store = await openStore(db ? { dataDir: ":memory:", databaseUrl: db.url, now } : { dataDir: ":memory:", now });
  const writer = new ChangeLogWriter(store, clock);
  const retentionMs = 30 * DAY;
  const delta = new DeltaService({ store, clock, writer, options: { retentionMs, watermarkTtlMs: 1000 } });
  const events = new EventService({ writer, clock, ids: randomIds });
  return {
    store, clock, events,
    mailboxes: new MailboxService({ writer, ids: randomIds, clock, birthdays: false }),
    calendars: new CalendarService({ writer, clock, ids: randomIds, events }),
    eventDelta: new EventDeltaService({ store, clock, delta, options: { retentionMs } }),
    close: async () => {
      await store.close();
      await db?.drop();
    },
  };
}

// ---- One mailbox: its writes, its client --------------------------------------------------

/** What the client holds for an id: the fields the comparison reads. */
export interface Held {
  id: string;
  type: string;
  seriesMasterId: string | null;
  startMs: number;
  endMs: number;
  /** Absent for occurrence skeletons (they carry no subject). */
  subject?: string;
}

export function heldOf(item: Exclude<EventDeltaItem, { kind: "removed" }>): Held {
  const e = item.event;
  const base = { id: e.id, type: e.type, seriesMasterId: e.seriesMasterId, startMs: e.start.epochMs, endMs: e.end.epochMs };
  return item.kind === "occurrence" ? base : { ...base, subject: e.subject };
}

/** What calendarView says, in the client's terms (occurrences without subject, as skeletons carry none). */
export function viewOf(events: readonly Event[]): Held[] {
  return events.map((e) => heldOf(e.type === "occurrence" ? { kind: "occurrence", event: e } : { kind: "event", event: e })).sort(byId);
}

export function byId(a: Held, b: Held): number {
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

interface OpenRound {
  cursor: DeltaCursor;
  /** The cursor and items of the round's last page when it was a continuation (a first page fixes a new watermark). */
  last?: { cursor: DeltaCursor; items: string };
  /** calendarView when the round's first page was served: what the completed round must give. */
  expected: Held[];
  served: Set<string>;
  pageSize: number;
  /** Per series (master id) or single instance: its items in the round and the pages they came on. */
  series: Map<string, { items: number; pages: Set<number> }>;
  pages: number;
}

export class Box {
  client = new Map<string, Held>();
  /** What the client held after its last completed round. */
  checkpoint = new Map<string, Held>();
  readonly singles: string[] = [];
  readonly masters: string[] = [];
  /** Events of the other calendar. */
  readonly others: string[] = [];
  round: OpenRound | undefined;
  next: DeltaCursor = { kind: "initial" };
  completed = 0;
  #subjects = 0;

  constructor(readonly s: Services, readonly mailbox: Mailbox, readonly window: TimeSpan, readonly otherCalendarId: string) {}

  /** A new mailbox (its default calendar, where the client syncs, and one other calendar) and its client. */
  static async open(s: Services, upn: string, window: TimeSpan): Promise<Box> {
    const mailbox = await s.mailboxes.provision({ tenantId: "t1", userPrincipalName: upn, displayName: "Model" });
    const other = await s.calendars.create({ mailbox, body: { name: "Other" }, apiVersion: "v1.0" });
    return new Box(s, mailbox, window, other.id);
  }

  private subject(prefix: string): string {
    return `${prefix} ${this.#subjects++}`;
  }

  private pick(list: readonly string[], k: number): string | undefined {
    return list.length === 0 ? undefined : list[k % list.length];
  }

  /** Applies one write; writes Graph refuses for the random input (crossing a neighbour) are skipped. */
  async write(op: Exclude<Op, { kind: "pages" | "finish" | "abandon" | "replay" }>): Promise<void> {
    const { events } = this.s;
    const mailbox = this.mailbox;
    const scope = {};
    const apiVersion = "v1.0" as const;
    switch (op.kind) {
      case "createOther": {
        const start = timeAt(this.window, op.at);
        const e = await events.create({
          mailbox, scope: { calendar: { calendarId: this.otherCalendarId } }, apiVersion,
          body: {
            subject: this.subject("Other"), start: dateTime(start), end: dateTime(start + op.durationHours * HOUR),
            ...(op.series && { recurrence: recurrence(start, "UTC", { pattern: "daily", interval: 1, range: "noEnd", count: 1 }) }),
          },
        });
        this.others.push(e.id);
        return;
      }
      case "deleteOther": {
        const id = this.pick(this.others, op.k);
        if (!id) return;
        await events.delete({ mailbox, scope: { calendar: { calendarId: this.otherCalendarId } }, eventId: id });
        this.others.splice(this.others.indexOf(id), 1);
        return;
      }
      case "createSingle": {
        const start = timeAt(this.window, op.at);
        const body = { subject: this.subject("Single"), start: dateTime(start, op.zone), end: dateTime(start + op.durationHours * HOUR, op.zone) };
        const e = await events.create({ mailbox, scope, apiVersion, body });
        this.singles.push(e.id);
        return;
      }
      case "editSubject": {
        const id = this.pick(this.singles, op.k);
        if (id) await events.update({ mailbox, scope, apiVersion, eventId: id, body: { subject: this.subject("Edited") } });
        return;
      }
      case "move": {
        const id = this.pick(this.singles, op.k);
        if (!id) return;
        const e = await events.get({ mailbox, scope, eventId: id });
        const start = timeAt(this.window, op.at);
        await events.update({ mailbox, scope, apiVersion, eventId: id, body: { start: dateTime(start, zoneOf(e)), end: dateTime(start + e.end.epochMs - e.start.epochMs, zoneOf(e)) } });
        return;
      }
      case "deleteSingle": {
        const id = this.pick(this.singles, op.k);
        if (!id) return;
        await events.delete({ mailbox, scope, eventId: id });
        this.singles.splice(this.singles.indexOf(id), 1);
        return;
      }
      case "createSeries": {
        const start = timeAt(this.window, op.at);
        const e = await events.create({
          mailbox, scope, apiVersion,
          body: {
            subject: this.subject("Series"), start: dateTime(start, op.zone), end: dateTime(start + op.durationHours * HOUR, op.zone),
            recurrence: recurrence(start, op.zone, op),
          },
        });
        this.masters.push(e.id);
        return;
      }
      case "editMasterSubject": {
        const id = this.pick(this.masters, op.k);
        if (id) await events.update({ mailbox, scope, apiVersion, eventId: id, body: { subject: this.subject("Master") } });
        return;
      }
      case "editMasterPattern": {
        const id = this.pick(this.masters, op.k);
        if (!id) return;
        const master = await events.get({ mailbox, scope, eventId: id });
        await events.update({ mailbox, scope, apiVersion, eventId: id, body: { recurrence: recurrence(master.start.epochMs, zoneOf(master), op) } });
        return;
      }
      case "shiftMaster": {
        const id = this.pick(this.masters, op.k);
        if (!id || op.hours === 0) return;
        const master = await events.get({ mailbox, scope, eventId: id });
        const start = master.start.epochMs + op.hours * HOUR;
        // The range starts on the start's date, as a client moving the series sends it.
        await events.update({
          mailbox, scope, apiVersion, eventId: id,
          body: {
            start: dateTime(start, zoneOf(master)), end: dateTime(master.end.epochMs + op.hours * HOUR, zoneOf(master)),
            recurrence: recurrence(start, zoneOf(master), recurrenceParams(master)),
          },
        });
        return;
      }
      case "patchOccurrence":
      case "deleteOccurrence": {
        const target = await this.instance(op.k, op.j);
        if (!target) return;
        if (op.kind === "deleteOccurrence") {
          await events.delete({ mailbox, scope, eventId: target.id });
          return;
        }
        const body: Record<string, unknown> = { subject: this.subject("Exception") };
        if (op.shiftHours !== 0) {
          body.start = dateTime(target.start.epochMs + op.shiftHours * HOUR, zoneOf(target));
          body.end = dateTime(target.end.epochMs + op.shiftHours * HOUR, zoneOf(target));
        }
        try {
          await events.update({ mailbox, scope, apiVersion, eventId: target.id, body });
        } catch (error) {
          if (!(error instanceof OccurrenceCrossingBoundaryError)) throw error;
        }
        return;
      }
      case "toggleRecurrence": {
        const [from, to] = op.series ? [this.singles, this.masters] : [this.masters, this.singles];
        const id = this.pick(from, op.k);
        if (!id) return;
        const e = await events.get({ mailbox, scope, eventId: id });
        await events.update({ mailbox, scope, apiVersion, eventId: id, body: { recurrence: op.series ? recurrence(e.start.epochMs, zoneOf(e), op) : null } });
        from.splice(from.indexOf(id), 1);
        to.push(id);
        return;
      }
      case "deleteMaster": {
        const id = this.pick(this.masters, op.k);
        if (!id) return;
        await events.delete({ mailbox, scope, eventId: id });
        this.masters.splice(this.masters.indexOf(id), 1);
        return;
      }
    }
  }

  /** The j-th occurrence or exception of a master, within a week of the window. */
  private async instance(kk: number, j: number): Promise<Event | undefined> {
    const id = this.pick(this.masters, kk);
    if (!id) return undefined;
    const around = { startMs: this.window.startMs - 7 * DAY, endMs: this.window.endMs + 7 * DAY };
    const list = await this.s.events.instances({ mailbox: this.mailbox, scope: {}, eventId: id, window: around });
    return list.length === 0 ? undefined : list[j % list.length];
  }

  abandon(): void {
    this.round = undefined;
    this.client = new Map(this.checkpoint);
  }

  async replay(problems: string[]): Promise<void> {
    const last = this.round?.last;
    if (!last || !this.round) return;
    const again = show((await this.request(last.cursor, this.round.pageSize)).items);
    if (again !== last.items) problems.push(`a page requested again differs:\n  ${again}\nfirst time\n  ${last.items}`);
  }

  private request(cursor: DeltaCursor, pageSize: number): Promise<EventDeltaPage> {
    return this.s.eventDelta.page({
      mailbox: this.mailbox, calendar: { defaultCalendar: true }, cursor,
      ...(cursor.kind === "initial" && { window: this.window }),
      pageSize, apiVersion: "v1.0", select: null, caller: CALLER,
    });
  }

  /** One page of the current round (opening one if none is); returns whether the round completed. */
  async page(pageSize: number, problems: string[]): Promise<boolean> {
    if (!this.round) {
      this.round = { cursor: this.next, expected: await this.view(), served: new Set(), pageSize, series: new Map(), pages: 0 };
    }
    const round = this.round;
    const page = await this.request(round.cursor, round.pageSize);
    if (round.cursor.kind === "page") round.last = { cursor: round.cursor, items: show(page.items) };
    if (page.items.length > round.pageSize) problems.push(`a page of ${page.items.length} items for $maxpagesize ${round.pageSize}`);
    for (const item of page.items) {
      const id = item.kind === "removed" ? item.id : item.event.id;
      if (round.served.has(id)) problems.push(`${id} twice in one round`);
      round.served.add(id);
      // An occurrence's or exception's id names its master (ids.ts), removed ones included.
      const key = item.kind !== "removed" && item.event.seriesMasterId !== null ? item.event.seriesMasterId : parseOccurrenceId(id)?.masterId ?? id;
      const seen = round.series.get(key) ?? { items: 0, pages: new Set<number>() };
      seen.items++;
      seen.pages.add(round.pages);
      round.series.set(key, seen);
      if (item.kind === "removed") this.client.delete(id);
      else this.client.set(id, heldOf(item));
    }
    round.pages++;
    if (page.kind === "more") {
      if (page.items.length === 0) problems.push("an empty page says more follow");
      round.cursor = page.next;
      return false;
    }
    this.next = page.round;
    this.round = undefined;
    this.completed++;
    // A series shares a page boundary only when it alone is larger than a page (issue 10).
    for (const [key, seen] of round.series) {
      if (seen.pages.size > 1 && seen.items <= round.pageSize) problems.push(`${key} (${seen.items} items) split across pages of ${round.pageSize}`);
    }
    this.check(round.expected, problems);
    this.checkpoint = new Map(this.client);
    return true;
  }

  async view(): Promise<Held[]> {
    return viewOf(await this.s.events.calendarView({ mailbox: this.mailbox, scope: {}, window: this.window }));
  }

  /** The client after a completed round: the window at the round's watermark, every occurrence with its master. */
  check(expected: Held[], problems: string[]): void {
    const held = [...this.client.values()];
    const got = held.filter((h) => h.type !== "seriesMaster").sort(byId);
    const masters = new Set(held.filter((h) => h.type === "seriesMaster").map((h) => h.id));
    const show = (list: Held[]) => JSON.stringify(list.map(describe));
    if (JSON.stringify(got) !== JSON.stringify(expected)) problems.push(`round ${this.completed} of ${this.mailbox.id}: client\n  ${show(got)}\nwindow at watermark\n  ${show(expected)}`);
    for (const h of got) {
      if (h.type === "occurrence" && (h.seriesMasterId === null || !masters.has(h.seriesMasterId))) problems.push(`occurrence ${h.id} without its master`);
    }
  }
}

/** A page's items, comparable. */
function show(items: readonly EventDeltaItem[]): string {
  return JSON.stringify(items.map((i) => (i.kind === "removed" ? `-${i.id}` : heldOf(i))));
}

function describe(h: Held): string {
  const at = (ms: number) => new Date(ms).toISOString().slice(5, 16);
  return `${h.type}:${h.id.slice(-10)}@${at(h.startMs)}-${at(h.endMs)}${h.subject === undefined ? "" : `:${h.subject}`}`;
}
