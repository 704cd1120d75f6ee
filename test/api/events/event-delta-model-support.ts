import fc from "fast-check";
import { Temporal } from "temporal-polyfill";
import {
  CalendarService, ChangeLogWriter, EventDeltaService, EventService, DeltaService, ManualClock, MailboxService, OccurrenceCrossingBoundaryError,
  parseOccurrenceId, randomIds, type DeltaCursor, type Event, type EventDeltaItem, type EventDeltaPage, type Mailbox, type Store, type TimeSpan,
} from "../../../src/domain/index.js";
import { openStore } from "../../../src/store/index.js";
import { createPgDatabase } from "../../support/engines.js";

// The calendarView/delta model test (issue 10), driven at the service level: the real
// EventService writes, EventDeltaService.page serves rounds (cursors passed as they are, no
// token codec), over a real store. A client per mailbox applies every page; the test checks it
// against EventService.calendarView of the window taken when the round's first page was served
// (the round's watermark). See event-delta-model.test.ts for the property.

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** The span the windows fall in: two months from here. */
export const SPAN_START = Date.UTC(2026, 2, 2, 0, 0, 0);
const CALLER = "u:owner";

// ---- Operations --------------------------------------------------------------------------

/** Where a time falls relative to a window: hours from its start (edge 0) or its end (edge 1). */
export interface Place {
  edge: 0 | 1;
  hours: number;
}

/** Windows zone names and their IANA zones: UTC, and two with DST changes inside the span (March 8 and 29, 2026). */
const ZONES = { UTC: "UTC", "Pacific Standard Time": "America/Los_Angeles", "W. Europe Standard Time": "Europe/Berlin" } as const;
export type ZoneName = keyof typeof ZONES;

export type PatternKind = "daily" | "weekly" | "absoluteMonthly";
export type RangeKind = "noEnd" | "numbered" | "endDate";

export type Op =
  | { kind: "createSingle"; m: number; at: Place; durationHours: number; zone: ZoneName }
  | { kind: "editSubject"; m: number; k: number }
  | { kind: "move"; m: number; k: number; at: Place }
  | { kind: "deleteSingle"; m: number; k: number }
  | { kind: "createSeries"; m: number; at: Place; durationHours: number; zone: ZoneName; pattern: PatternKind; interval: number; range: RangeKind; count: number }
  | { kind: "editMasterSubject"; m: number; k: number }
  | { kind: "editMasterPattern"; m: number; k: number; pattern: PatternKind; interval: number; range: RangeKind; count: number }
  | { kind: "shiftMaster"; m: number; k: number; hours: number }
  | { kind: "patchOccurrence"; m: number; k: number; j: number; shiftHours: number }
  | { kind: "deleteOccurrence"; m: number; k: number; j: number }
  | { kind: "deleteMaster"; m: number; k: number }
  /** A single instance PATCHed into a series, or a master PATCHed with `recurrence: null` into a single instance. */
  | { kind: "toggleRecurrence"; m: number; k: number; series: boolean; pattern: PatternKind; interval: number; range: RangeKind; count: number }
  /** `pages` pages of the current round (starting one if none is open). */
  | { kind: "pages"; m: number; pages: number; size: number }
  /** The rest of the current round (or a whole new one). */
  | { kind: "finish"; m: number; size: number }
  /** Writes to the mailbox's other calendar: they move the mailbox's watermark but never reach this calendar's rounds. */
  | { kind: "createOther"; m: number; at: Place; durationHours: number; series: boolean }
  | { kind: "deleteOther"; m: number; k: number }
  /** The client gives up on its open round and goes back to what it held at its last completed round. */
  | { kind: "abandon"; m: number }
  /** The last page of the open round requested again with the same cursor: the same items (pages are stateless). */
  | { kind: "replay"; m: number };

const m = fc.nat({ max: 1 });
const k = fc.nat({ max: 50 });
const place: fc.Arbitrary<Place> = fc.record({ edge: fc.constantFrom(0 as const, 1 as const), hours: fc.integer({ min: -72, max: 72 }) });
const pattern = fc.constantFrom<PatternKind>("daily", "weekly", "absoluteMonthly");
const range = fc.constantFrom<RangeKind>("noEnd", "numbered", "endDate");
const size = fc.integer({ min: 1, max: 10 });
const zone = fc.constantFrom<ZoneName>("UTC", "UTC", "Pacific Standard Time", "W. Europe Standard Time");

export const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ kind: fc.constant("createSingle" as const), m, at: place, durationHours: fc.integer({ min: 1, max: 30 }), zone }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("editSubject" as const), m, k }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant("move" as const), m, k, at: place }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("deleteSingle" as const), m, k }) },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant("createSeries" as const), m, at: place, durationHours: fc.integer({ min: 1, max: 20 }), zone,
      pattern, interval: fc.integer({ min: 1, max: 3 }), range, count: fc.integer({ min: 1, max: 12 }),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("editMasterSubject" as const), m, k }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant("editMasterPattern" as const), m, k, pattern, interval: fc.integer({ min: 1, max: 3 }), range, count: fc.integer({ min: 1, max: 12 }),
    }),
  },
  // Small shifts, so that a shift and its reverse happen in one round: kept and dropped exceptions and cancellations come back.
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("shiftMaster" as const), m, k, hours: fc.constantFrom(-48, -24, -2, -1, 1, 2, 24, 48) }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant("patchOccurrence" as const), m, k, j: fc.nat({ max: 30 }), shiftHours: fc.integer({ min: -30, max: 30 }) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("deleteOccurrence" as const), m, k, j: fc.nat({ max: 30 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("deleteMaster" as const), m, k }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant("toggleRecurrence" as const), m, k, series: fc.boolean(), pattern, interval: fc.integer({ min: 1, max: 3 }), range, count: fc.integer({ min: 1, max: 12 }),
    }),
  },
  { weight: 6, arbitrary: fc.record({ kind: fc.constant("pages" as const), m, pages: fc.integer({ min: 1, max: 3 }), size }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant("finish" as const), m, size }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("createOther" as const), m, at: place, durationHours: fc.integer({ min: 1, max: 30 }), series: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("deleteOther" as const), m, k }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("abandon" as const), m }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("replay" as const), m }) },
);

/** A window: whole hours inside the two-month span, a few days to a few weeks long. */
export const windowArb: fc.Arbitrary<TimeSpan> = fc
  .record({ startHour: fc.integer({ min: 0, max: 40 * 24 }), days: fc.integer({ min: 2, max: 21 }), extraHours: fc.integer({ min: 0, max: 23 }) })
  .map(({ startHour, days, extraHours }) => {
    const startMs = SPAN_START + startHour * HOUR;
    return { startMs, endMs: startMs + days * DAY + extraHours * HOUR };
  });

export const caseArb = fc.record({
  windows: fc.tuple(windowArb, windowArb),
  ops: fc.array(opArb, { minLength: 6, maxLength: 45, size: "max" }),
});

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

// ---- Bodies ------------------------------------------------------------------------------

/** The wall clock of `ms` in `zone`, as a request body gives it. */
function dateTime(ms: number, zone: ZoneName = "UTC"): { dateTime: string; timeZone: string } {
  return { dateTime: local(ms, zone).toString().slice(0, 19), timeZone: zone };
}

function local(ms: number, zone: ZoneName): Temporal.PlainDateTime {
  return Temporal.Instant.fromEpochMilliseconds(ms).toZonedDateTimeISO(ZONES[zone]).toPlainDateTime();
}

function zoneOf(e: Event): ZoneName {
  const name = e.start.zone.name;
  if (!(name in ZONES)) throw new Error(`unexpected zone ${name}`);
  return name as ZoneName;
}

function timeAt(window: TimeSpan, at: Place): number {
  return (at.edge === 0 ? window.startMs : window.endMs) + at.hours * HOUR;
}

/** A recurrence whose range starts on the start's local date (as clients send it). */
function recurrence(startMs: number, zone: ZoneName, p: { pattern: PatternKind; interval: number; range: RangeKind; count: number }): unknown {
  const day = local(startMs, zone).toPlainDate();
  const startDate = day.toString();
  const patternBody = p.pattern === "daily" ? { type: "daily", interval: p.interval }
    : p.pattern === "weekly" ? { type: "weekly", interval: p.interval, daysOfWeek: weekdays(day.dayOfWeek % 7, p.count), firstDayOfWeek: "sunday" }
    : { type: "absoluteMonthly", interval: p.interval, dayOfMonth: day.day };
  const rangeBody = p.range === "noEnd" ? { type: "noEnd", startDate }
    : p.range === "numbered" ? { type: "numbered", startDate, numberOfOccurrences: p.count }
    : { type: "endDate", startDate, endDate: day.add({ days: p.count * 3 }).toString() };
  return { pattern: patternBody, range: rangeBody };
}

const DAYS = ["sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"];

/** The start's weekday and, depending on `seed`, one or two others. */
function weekdays(first: number, seed: number): string[] {
  const days = new Set([first, (first + 2 + (seed % 3)) % 7, ...(seed % 2 === 0 ? [(first + 5) % 7] : [])]);
  return [...days].sort((a, b) => a - b).map((d) => DAYS[d] as string);
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

function recurrenceParams(master: Event): { pattern: PatternKind; interval: number; range: RangeKind; count: number } {
  const r = master.recurrence;
  if (!r) throw new Error("a series master without recurrence");
  const p = r.pattern as { type: PatternKind; interval: number };
  const rr = r.range as { type: RangeKind; numberOfOccurrences?: number };
  return { pattern: p.type, interval: p.interval, range: rr.type, count: rr.numberOfOccurrences || 3 };
}

/** A page's items, comparable. */
function show(items: readonly EventDeltaItem[]): string {
  return JSON.stringify(items.map((i) => (i.kind === "removed" ? `-${i.id}` : heldOf(i))));
}

function describe(h: Held): string {
  const at = (ms: number) => new Date(ms).toISOString().slice(5, 16);
  return `${h.type}:${h.id.slice(-10)}@${at(h.startMs)}-${at(h.endMs)}${h.subject === undefined ? "" : `:${h.subject}`}`;
}
