import fc from "fast-check";
import { sql, type Kysely } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  changeKeyFor, compareEvents, newEntityId, matchesEventFilter, newCalendar, newCalendarGroup, occurrenceIdFor, overlapsWindow,
  randomIds, resolveTimeZone, OPEN_END_MS,
  type Calendar, type Event, type EventChange, type EventCondition, type EventFilter, type EventOrder, type EventQueryView,
  type Mailbox, type Store, type TimeSpan,
} from "../../src/domain/index.js";
import { toEventChange, type StoreSchema } from "../../src/store/index.js";
import { FRESH_EVENT_FLAGS } from "../support/event-defaults.js";
import { ENGINES } from "../support/engines.js";
import { makeStore } from "../support/test-stores.js";

// The event half of the Store contract (conventions §10b), run against every engine. The
// domain's matchesEventFilter / compareEvents / overlapsWindow are the specification the SQL
// translations are checked against.


/** The store's own Kysely handle: the port has no reader for event_changes (nothing in src needs one yet). */
function dbOf(store: Store): Kysely<StoreSchema> {
  return (store as unknown as { db: Kysely<StoreSchema> }).db;
}

const PROPERTY = { seed: 20261202, numRuns: 30 } as const;
const UTC = resolveTimeZone("UTC")!;
const T0 = Date.UTC(2026, 2, 2, 9, 0, 0);
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

function mailbox(): Mailbox {
  const id = randomIds.guid();
  return {
    id, tenantId: "t1", userPrincipalName: `User-${id.slice(0, 8)}@Example.com`, displayName: "U",
    givenName: null, surname: null, mail: null, hasMailbox: true,
  };
}

/** A stored recurrence as the parser leaves it (every field present); the store does not read it. */
const DAILY: Event["recurrence"] = {
  pattern: { type: "daily", interval: 1, month: 0, dayOfMonth: 0, daysOfWeek: [], firstDayOfWeek: "sunday", index: "first" },
  range: { type: "noEnd", startDate: "2026-03-02", endDate: "0001-01-01", recurrenceTimeZone: "UTC", numberOfOccurrences: 0 },
};

interface EventSpec {
  subject?: string; startMs?: number; endMs?: number; createdMs?: number; modifiedMs?: number; isAllDay?: boolean;
  isCancelled?: boolean; categories?: string[]; type?: "singleInstance" | "seriesMaster" | "exception";
  seriesMasterId?: string; originalStart?: number; transactionId?: string; cancelledOccurrences?: number[];
}

/** A complete stored Event; the store does not interpret it beyond its indexed columns. */
function makeEvent(m: Mailbox, calendar: Calendar, seq: number, spec: EventSpec = {}): Event {
  const startMs = spec.startMs ?? T0;
  const type = spec.type ?? "singleInstance";
  const id = type === "exception" ? occurrenceIdFor(spec.seriesMasterId!, spec.originalStart!) : newEntityId(randomIds, "event", m.id);
  const event: Event = {
    ...FRESH_EVENT_FLAGS,
    subject: spec.subject ?? "Subject", body: { contentType: "html", content: "<p>Body</p>" }, bodyPreview: "Body",
    originalStartTimeZone: "UTC", originalEndTimeZone: "UTC", categories: spec.categories ?? [],
    organizer: { emailAddress: { name: "U", address: m.userPrincipalName } },
    responseStatus: { response: "organizer", time: "0001-01-01T00:00:00Z" },
    attendees: [{ type: "required", status: { response: "none", time: "0001-01-01T00:00:00Z" }, emailAddress: { name: "A", address: "a@example.com" } }],
    location: { displayName: "Room", locationType: "default", uniqueIdType: "unknown", address: {}, coordinates: {} },
    locations: [],
    start: { epochMs: startMs, zone: UTC }, end: { epochMs: spec.endMs ?? startMs + HOUR, zone: UTC },
    isAllDay: spec.isAllDay ?? false, isCancelled: spec.isCancelled ?? false, type,
    recurrence: type === "seriesMaster" ? DAILY : null,
    id, changeKey: changeKeyFor(m.id, seq), iCalUId: `ical-${id}`, uid: `uid-${id}`, webLink: `https://example/${id}`,
    createdDateTime: spec.createdMs ?? startMs, lastModifiedDateTime: spec.modifiedMs ?? startMs, calendarId: calendar.id,
    seriesMasterId: type === "exception" ? spec.seriesMasterId! : null, originalStart: type === "exception" ? spec.originalStart! : null,
    createdSeq: seq, changeSeq: seq, cancelledOccurrences: spec.cancelledOccurrences ?? [],
  };
  if (spec.transactionId !== undefined) event.transactionId = spec.transactionId;
  return event;
}

function viewOf(e: Event): EventQueryView {
  return {
    id: e.id, startMs: e.start.epochMs, endMs: e.end.epochMs, createdMs: e.createdDateTime, lastModifiedMs: e.lastModifiedDateTime,
    subject: e.subject, type: e.type, isAllDay: e.isAllDay, isCancelled: e.isCancelled, categories: e.categories,
  };
}

function extentOf(e: Event): TimeSpan {
  return e.type === "seriesMaster" ? { startMs: e.start.epochMs - DAY, endMs: OPEN_END_MS } : { startMs: e.start.epochMs, endMs: e.end.epochMs };
}

// Generators: few distinct values so ties, prefixes and LIKE metacharacters are common.
const CHARS = ["a", "B", "%", "_", "\\", "'", "\"", " ", "x"];
const textArb = fc.array(fc.constantFrom(...CHARS), { maxLength: 4 }).map((cs) => cs.join(""));
const CATEGORY_VALUES = ["Red", "red", "Blue", "%", "a_b", "q\"a", "a", "x\\", "b,\"a"];
const timeArb = fc.integer({ min: 0, max: 6 }).map((n) => T0 + n * HOUR);
const eventSpecArb: fc.Arbitrary<EventSpec> = fc.record({
  subject: textArb,
  startMs: timeArb,
  duration: fc.integer({ min: 0, max: 3 }),
  createdMs: timeArb,
  modifiedMs: timeArb,
  isAllDay: fc.boolean(),
  isCancelled: fc.boolean(),
  categories: fc.uniqueArray(fc.constantFrom(...CATEGORY_VALUES), { maxLength: 3 }),
  type: fc.constantFrom("singleInstance" as const, "singleInstance" as const, "seriesMaster" as const),
}).map(({ duration, ...s }) => ({ ...s, endMs: s.startMs + duration * HOUR }));

const conditionArb: fc.Arbitrary<EventCondition> = fc.oneof(
  fc.record({
    field: fc.constantFrom("start" as const, "end" as const, "createdDateTime" as const, "lastModifiedDateTime" as const),
    op: fc.constantFrom("eq" as const, "ne" as const, "gt" as const, "ge" as const, "lt" as const, "le" as const),
    valueMs: fc.integer({ min: 0, max: 9 }).map((n) => T0 + n * HOUR),
  }),
  fc.record({ field: fc.constant("subject" as const), op: fc.constantFrom("eq" as const, "ne" as const, "startswith" as const, "contains" as const), value: textArb }),
  fc.record({ field: fc.constant("type" as const), op: fc.constantFrom("eq" as const, "ne" as const), value: fc.constantFrom("singleInstance" as const, "seriesMaster" as const, "exception" as const, "occurrence" as const) }),
  fc.record({ field: fc.constantFrom("isAllDay" as const, "isCancelled" as const), op: fc.constantFrom("eq" as const, "ne" as const), value: fc.boolean() }),
  fc.record({ field: fc.constant("categories" as const), op: fc.constant("any" as const), value: fc.constantFrom(...CATEGORY_VALUES, "RED", "b", "q", "\"a\"") }),
);
const filterArb: fc.Arbitrary<EventFilter> = fc.array(conditionArb, { maxLength: 2 });
const orderArb: fc.Arbitrary<EventOrder[]> = fc.array(fc.record({
  field: fc.constantFrom("start" as const, "end" as const, "subject" as const, "createdDateTime" as const, "lastModifiedDateTime" as const),
  descending: fc.boolean(),
}), { maxLength: 2 });

describe.each(ENGINES)("event store contract (%s)", (engine) => {
  let store: Store;
  let dispose: () => Promise<void>;
  beforeAll(async () => {
    ({ store, dispose } = await makeStore(engine));
  });
  afterAll(async () => dispose());

  /** A mailbox with a group and `n` calendars. */
  async function setup(n = 1): Promise<{ m: Mailbox; calendars: Calendar[] }> {
    const m = mailbox();
    const calendars = await store.transaction(async (tx) => {
      await tx.insertMailbox(m, null);
      const seq = await tx.nextChangeSeq({ mailboxId: m.id });
      const group = newCalendarGroup({ ids: randomIds, mailbox: m, seq, name: "My Calendars", isDefault: true });
      await tx.insertCalendarGroup({ mailboxId: m.id, group });
      const cals: Calendar[] = [];
      for (let i = 0; i < n; i++) {
        const cal = newCalendar({ ids: randomIds, mailbox: m, seq, name: `Cal ${i}`, group, explicitGroup: false });
        await tx.insertCalendar({ mailboxId: m.id, calendar: cal });
        cals.push(cal);
      }
      return cals;
    });
    return { m, calendars };
  }

  async function insert(m: Mailbox, events: Event[]): Promise<void> {
    await store.transaction(async (tx) => {
      for (const event of events) await tx.insertEvent({ mailboxId: m.id, event, extent: extentOf(event) });
    });
  }

  async function eventChanges(m: Mailbox): Promise<EventChange[]> {
    const rows = await dbOf(store).selectFrom("event_changes").selectAll().where("mailbox_id", "=", m.id).orderBy("seq").execute();
    return rows.map(toEventChange);
  }

  it("events: insert, get, update and delete round-trip every field through JSON", async () => {
    const { m, calendars: [cal] } = await setup();
    const master = makeEvent(m, cal!, 2, {
      type: "seriesMaster", subject: "Ünïcode 'quoted' \"double\" \\ %_", categories: ["Red", "Blue"],
      transactionId: "tx-1", cancelledOccurrences: [T0 + DAY, T0 + 3 * DAY],
    });
    await insert(m, [master]);
    expect(await store.getEvent({ mailboxId: m.id, eventId: master.id })).toEqual(master);
    const updated: Event = { ...master, subject: "Renamed", cancelledOccurrences: [T0 + DAY], changeSeq: 3, changeKey: changeKeyFor(m.id, 3) };
    await store.transaction((tx) => tx.updateEvent({ mailboxId: m.id, event: updated, extent: extentOf(updated) }));
    expect(await store.getEvent({ mailboxId: m.id, eventId: master.id })).toEqual(updated);
    await store.transaction((tx) => tx.deleteEvent({ mailboxId: m.id, eventId: master.id }));
    expect(await store.getEvent({ mailboxId: m.id, eventId: master.id })).toBeUndefined();
    // Another mailbox never sees the row, even by id.
    const other = await setup();
    await insert(m, [master]);
    expect(await store.getEvent({ mailboxId: other.m.id, eventId: master.id })).toBeUndefined();
  });

  it("findEventByTransactionId: per mailbox; the (mailbox, transactionId) index is unique, NULLs are not", async () => {
    const { m, calendars: [cal] } = await setup();
    const a = makeEvent(m, cal!, 2, { transactionId: "retry-me" });
    await insert(m, [a, makeEvent(m, cal!, 2), makeEvent(m, cal!, 2)]); // two without transactionId coexist
    expect(await store.findEventByTransactionId({ mailboxId: m.id, transactionId: "retry-me" })).toEqual(a);
    expect(await store.findEventByTransactionId({ mailboxId: m.id, transactionId: "other" })).toBeUndefined();
    await expect(insert(m, [makeEvent(m, cal!, 3, { transactionId: "retry-me" })])).rejects.toThrow();
    // The same transactionId in another mailbox is another event.
    const other = await setup();
    const b = makeEvent(other.m, other.calendars[0]!, 2, { transactionId: "retry-me" });
    await insert(other.m, [b]);
    expect((await store.findEventByTransactionId({ mailboxId: other.m.id, transactionId: "retry-me" }))?.id).toBe(b.id);
  });

  it("listEvents/countEvents: exactly what matchesEventFilter admits, in compareEvents order, paged", async () => {
    await fc.assert(fc.asyncProperty(
      fc.array(eventSpecArb, { maxLength: 10 }), fc.array(fc.tuple(filterArb, orderArb, fc.nat({ max: 6 }), fc.integer({ min: 1, max: 12 })), { minLength: 1, maxLength: 4 }),
      fc.boolean(),
      async (specs, queries, oneCalendar) => {
        const { m, calendars } = await setup(2);
        const events = specs.map((s, i) => makeEvent(m, calendars[i % 2]!, 2, s));
        // An exception in the table: never listed (lists show singles and masters).
        const master = events.find((e) => e.type === "seriesMaster");
        const rows = master ? [...events, makeEvent(m, calendars[0]!, 2, { type: "exception", seriesMasterId: master.id, originalStart: T0 + DAY, subject: "exc" })] : events;
        await insert(m, rows);
        for (const [filter, orderBy, offset, limit] of queries) {
          const calendarId = oneCalendar ? calendars[0]!.id : undefined;
          const expected = events
            .filter((e) => calendarId === undefined || e.calendarId === calendarId)
            .filter((e) => matchesEventFilter(viewOf(e), filter))
            .sort((a, b) => compareEvents(orderBy)(viewOf(a), viewOf(b)));
          const label = JSON.stringify({ filter, orderBy, offset, limit });
          const listed = await store.listEvents({ mailboxId: m.id, ...(calendarId && { calendarId }), filter, orderBy, offset, limit });
          expect(listed.map((e) => e.id), label).toEqual(expected.slice(offset, offset + limit).map((e) => e.id));
          expect(await store.countEvents({ mailboxId: m.id, ...(calendarId && { calendarId }), filter }), label).toBe(expected.length);
        }
      },
    ), PROPERTY);
  });

  it("categories/any: a category's quotes, commas and backslashes never make another value match", async () => {
    const { m, calendars: [cal] } = await setup();
    const events = CATEGORY_VALUES.map((c) => makeEvent(m, cal!, 2, { categories: [c], subject: c }));
    events.push(makeEvent(m, cal!, 2, { categories: ["x\\", "a"], subject: "pair" }));
    await insert(m, events);
    for (const value of [...CATEGORY_VALUES, "\"a\"", "a\"", "x\\\"", "q\\"]) {
      const filter: EventFilter = [{ field: "categories", op: "any", value }];
      const expected = events.filter((e) => matchesEventFilter(viewOf(e), filter)).map((e) => e.subject).sort();
      const listed = await store.listEvents({ mailboxId: m.id, filter, orderBy: [], offset: 0, limit: 50 });
      expect(listed.map((e) => e.subject).sort(), value).toEqual(expected);
    }
  });

  it("listEventsInWindow: items and masters equal a brute-force overlap check", async () => {
    const windowArb = fc.tuple(fc.integer({ min: -3, max: 40 }), fc.integer({ min: 0, max: 30 }))
      .map(([a, len]) => ({ startMs: T0 + a * HOUR, endMs: T0 + (a + len) * HOUR }));
    const itemArb = fc.record({
      kind: fc.constantFrom("singleInstance" as const, "exception" as const, "seriesMaster" as const),
      start: fc.integer({ min: -30, max: 40 }), duration: fc.constantFrom(0, 1, 2, 5, 24 * 21),
    });
    await fc.assert(fc.asyncProperty(fc.array(itemArb, { maxLength: 8 }), fc.array(windowArb, { minLength: 1, maxLength: 4 }), async (items, windows) => {
      const { m, calendars: [cal, other] } = await setup(2);
      const master = makeEvent(m, cal!, 2, { type: "seriesMaster", startMs: T0 + 100 * DAY });
      const events = [master, ...items.map((it, i) => makeEvent(m, i % 5 === 4 ? other! : cal!, 2, {
        type: it.kind, startMs: T0 + it.start * HOUR, endMs: T0 + (it.start + it.duration) * HOUR,
        ...(it.kind === "exception" && { seriesMasterId: master.id, originalStart: T0 + i * DAY }),
      }))];
      // The far-future master lies outside every window: its extent starts a day before it.
      await insert(m, events);
      for (const w of windows) {
        const got = await store.listEventsInWindow({ mailboxId: m.id, calendarId: cal!.id, ...w });
        const mine = events.filter((e) => e.calendarId === cal!.id && overlapsWindow(extentOf(e), w));
        const ids = (es: Event[]) => es.map((e) => e.id).sort();
        expect(ids(got.items), JSON.stringify(w)).toEqual(ids(mine.filter((e) => e.type !== "seriesMaster")));
        expect(ids(got.masters), JSON.stringify(w)).toEqual(ids(mine.filter((e) => e.type === "seriesMaster")));
      }
    }), PROPERTY);
  });

  it("listEventsInWindow: a weeks-long event that starts well before the window reaches it (max_event_ms bound)", async () => {
    const { m, calendars: [cal] } = await setup();
    const long = makeEvent(m, cal!, 2, { startMs: T0 - 20 * DAY, endMs: T0 + 10 * DAY });
    const short = makeEvent(m, cal!, 2, { startMs: T0 - 2 * DAY, endMs: T0 - 2 * DAY + HOUR });
    await insert(m, [short, long]);
    const window = { startMs: T0, endMs: T0 + DAY };
    expect((await store.listEventsInWindow({ mailboxId: m.id, calendarId: cal!.id, ...window })).items.map((e) => e.id)).toEqual([long.id]);
    // Shortening the long event (max_event_ms only grows) keeps answers exact.
    const shortened = { ...long, end: { epochMs: T0 - 19 * DAY, zone: UTC } };
    await store.transaction((tx) => tx.updateEvent({ mailboxId: m.id, event: shortened, extent: extentOf(shortened) }));
    expect((await store.listEventsInWindow({ mailboxId: m.id, calendarId: cal!.id, ...window })).items).toEqual([]);
    // A window ending exactly at an event's start, or starting exactly at its end, misses it.
    expect((await store.listEventsInWindow({ mailboxId: m.id, calendarId: cal!.id, startMs: T0 - 2 * DAY + HOUR, endMs: T0 })).items).toEqual([]);
    expect((await store.listEventsInWindow({ mailboxId: m.id, calendarId: cal!.id, startMs: T0 - 3 * DAY, endMs: T0 - 2 * DAY })).items).toEqual([]);
  });

  it("listExceptions and listCalendarEvents", async () => {
    const { m, calendars: [cal, cal2] } = await setup(2);
    const a = makeEvent(m, cal!, 2, { type: "seriesMaster" });
    const b = makeEvent(m, cal!, 3, { type: "seriesMaster" });
    const a2 = makeEvent(m, cal!, 4, { type: "exception", seriesMasterId: a.id, originalStart: T0 + 2 * DAY, startMs: T0 + 2 * DAY });
    const a1 = makeEvent(m, cal!, 5, { type: "exception", seriesMasterId: a.id, originalStart: T0 + DAY, startMs: T0 + DAY });
    const b1 = makeEvent(m, cal!, 6, { type: "exception", seriesMasterId: b.id, originalStart: T0 + DAY, startMs: T0 + DAY });
    const single = makeEvent(m, cal!, 7);
    const elsewhere = makeEvent(m, cal2!, 8);
    await insert(m, [a, b, a2, a1, b1, single, elsewhere]);
    expect((await store.listExceptions({ mailboxId: m.id, seriesMasterIds: [a.id] }))).toEqual([a1, a2]);
    expect((await store.listExceptions({ mailboxId: m.id, seriesMasterIds: [a.id, b.id] })).map((e) => e.id).sort()).toEqual([a1.id, a2.id, b1.id].sort());
    expect(await store.listExceptions({ mailboxId: m.id, seriesMasterIds: [] })).toEqual([]);
    // Every kind of row of the calendar, in creation order; none of another calendar.
    expect((await store.listCalendarEvents({ mailboxId: m.id, calendarId: cal!.id })).map((e) => e.id)).toEqual([a, b, a2, a1, b1, single].map((e) => e.id));
    expect(await store.listCalendarEvents({ mailboxId: m.id, calendarId: cal2!.id })).toEqual([elsewhere]);
  });

  it("appendEventChange: entries round-trip (snapshots, spans, removal, series master)", async () => {
    const { m, calendars: [cal] } = await setup();
    const master = makeEvent(m, cal!, 2, { type: "seriesMaster", cancelledOccurrences: [T0 + DAY] });
    const changedAt = new Date(Date.UTC(2026, 2, 1, 8, 0, 0, 123));
    const entries: EventChange[] = [
      { seq: 2, eventId: master.id, calendarId: cal!.id, seriesMasterId: null, createdSeq: 2, removed: false, before: null, after: master, spanBefore: null, spanAfter: extentOf(master), changedAt },
      { seq: 3, eventId: occurrenceIdFor(master.id, T0 + DAY), calendarId: cal!.id, seriesMasterId: master.id, createdSeq: 2, removed: true, before: null, after: null, spanBefore: { startMs: T0 + DAY, endMs: T0 + DAY + HOUR }, spanAfter: null, changedAt },
    ];
    await store.transaction(async (tx) => {
      for (const change of entries) await tx.appendEventChange({ mailboxId: m.id, change });
    });
    expect(await eventChanges(m)).toEqual(entries);
  });

  it("listEventChanges: one calendar's entries, or the whole mailbox's without calendarId, in (after, upTo] seq order", async () => {
    const { m, calendars: [cal, cal2] } = await setup(2);
    const changedAt = new Date(Date.UTC(2026, 2, 1));
    const entry = (seq: number, calendar: Calendar): EventChange => {
      const event = makeEvent(m, calendar, seq);
      return { seq, eventId: event.id, calendarId: calendar.id, seriesMasterId: null, createdSeq: seq, removed: false, before: null, after: event, spanBefore: null, spanAfter: extentOf(event), changedAt };
    };
    const entries = [entry(2, cal!), entry(3, cal2!), entry(4, cal!), entry(5, cal2!)];
    await store.transaction(async (tx) => {
      for (const change of entries) await tx.appendEventChange({ mailboxId: m.id, change });
    });
    // Another mailbox's log never shows.
    const other = await setup();
    await store.transaction((tx) => tx.appendEventChange({ mailboxId: other.m.id, change: { ...entry(3, other.calendars[0]!), calendarId: other.calendars[0]!.id } }));
    const seqs = (changes: EventChange[]) => changes.map((c) => c.seq);
    expect(seqs(await store.listEventChanges({ mailboxId: m.id, calendarId: cal!.id, after: 0 }))).toEqual([2, 4]);
    expect(seqs(await store.listEventChanges({ mailboxId: m.id, after: 0 }))).toEqual([2, 3, 4, 5]);
    expect(seqs(await store.listEventChanges({ mailboxId: m.id, after: 2, upTo: 4 }))).toEqual([3, 4]);
    expect(await store.listEventChanges({ mailboxId: m.id, after: 0 })).toEqual(entries);
  });

  it("transaction: a throw leaves neither the event row nor its change entry", async () => {
    const { m, calendars: [cal] } = await setup();
    const before = await store.getSyncState({ mailboxId: m.id });
    const event = makeEvent(m, cal!, 2, { transactionId: "ghost" });
    await expect(store.transaction(async (tx) => {
      const seq = await tx.nextChangeSeq({ mailboxId: m.id });
      await tx.insertEvent({ mailboxId: m.id, event, extent: extentOf(event) });
      await tx.appendEventChange({ mailboxId: m.id, change: { seq, eventId: event.id, calendarId: cal!.id, seriesMasterId: null, createdSeq: seq, removed: false, before: null, after: event, spanBefore: null, spanAfter: extentOf(event), changedAt: new Date() } });
      throw new Error("boom");
    })).rejects.toThrow("boom");
    expect(await store.getEvent({ mailboxId: m.id, eventId: event.id })).toBeUndefined();
    expect(await store.findEventByTransactionId({ mailboxId: m.id, transactionId: "ghost" })).toBeUndefined();
    expect(await eventChanges(m)).toEqual([]);
    expect(await store.getSyncState({ mailboxId: m.id })).toEqual(before);
  });

  it("pruneChanges: event entries at or below the watermark go; the watermark counts event changes", async () => {
    const { m, calendars: [cal] } = await setup();
    const OLD = new Date(Date.UTC(2001, 5, 1));
    const CUTOFF = new Date(Date.UTC(2002, 0, 1));
    const event = makeEvent(m, cal!, 2);
    const entry = (seq: number, changedAt: Date): EventChange => ({
      seq, eventId: event.id, calendarId: cal!.id, seriesMasterId: null, createdSeq: 2, removed: false,
      before: null, after: event, spanBefore: null, spanAfter: extentOf(event), changedAt,
    });
    // Event changes only (no calendar entry after seq 1): the watermark must come from them.
    const seqs = await store.transaction(async (tx) => {
      const taken = [await tx.nextChangeSeq({ mailboxId: m.id }), await tx.nextChangeSeq({ mailboxId: m.id }), await tx.nextChangeSeq({ mailboxId: m.id })];
      await tx.insertEvent({ mailboxId: m.id, event, extent: extentOf(event) });
      await tx.appendEventChange({ mailboxId: m.id, change: entry(taken[0]!, OLD) });
      await tx.appendEventChange({ mailboxId: m.id, change: entry(taken[1]!, OLD) });
      await tx.appendEventChange({ mailboxId: m.id, change: entry(taken[2]!, new Date()) });
      return taken;
    });
    const { pruned } = await store.pruneChanges({ before: CUTOFF });
    expect(pruned).toBeGreaterThanOrEqual(2);
    expect((await store.getSyncState({ mailboxId: m.id }))!.pruneSeq).toBe(seqs[1]);
    expect((await eventChanges(m)).map((c) => c.seq)).toEqual([seqs[2]]);
    // The event itself is untouched.
    expect(await store.getEvent({ mailboxId: m.id, eventId: event.id })).toEqual(event);
    // Raw check that nothing at or below the watermark is left for the mailbox.
    const left = await sql<{ n: number }>`select count(*) as n from event_changes where mailbox_id = ${m.id} and seq <= ${seqs[1]!}`.execute(dbOf(store));
    expect(Number(left.rows[0]!.n)).toBe(0);
  });
});
