import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { EVENT_TYPES, type EventType } from "../../graph/index.js";
import {
  compareEvents, matchesEventFilter, type ComparisonOp, type EventCondition, type EventQueryView, type EventTimeField,
} from "./event-query.js";

const T0 = Date.UTC(2026, 11, 1, 9, 0, 0);
const HOUR = 3_600_000;

function view(overrides: Partial<EventQueryView> = {}): EventQueryView {
  return {
    startMs: T0, endMs: T0 + HOUR, createdMs: T0 - 24 * HOUR, lastModifiedMs: T0 - HOUR,
    subject: "Weekly sync", type: "singleInstance", isAllDay: false, isCancelled: false,
    categories: ["Red category"], id: "a", ...overrides,
  };
}

describe("matchesEventFilter", () => {
  it("matchesEventFilter: an empty filter matches everything", () => {
    expect(matchesEventFilter(view(), [])).toBe(true);
  });

  it("matchesEventFilter: each comparison operator on each time field", () => {
    const fields: [EventTimeField, number][] = [
      ["start", T0], ["end", T0 + HOUR], ["createdDateTime", T0 - 24 * HOUR], ["lastModifiedDateTime", T0 - HOUR],
    ];
    for (const [field, at] of fields) {
      const check = (op: ComparisonOp, valueMs: number) => matchesEventFilter(view(), [{ field, op, valueMs }]);
      expect([check("eq", at), check("eq", at + 1)]).toEqual([true, false]);
      expect([check("ne", at), check("ne", at + 1)]).toEqual([false, true]);
      expect([check("gt", at - 1), check("gt", at)]).toEqual([true, false]);
      expect([check("ge", at), check("ge", at + 1)]).toEqual([true, false]);
      expect([check("lt", at + 1), check("lt", at)]).toEqual([true, false]);
      expect([check("le", at), check("le", at - 1)]).toEqual([true, false]);
    }
  });

  it("matchesEventFilter: subject comparisons ignore case", () => {
    const v = view({ subject: "Weekly Sync" });
    expect(matchesEventFilter(v, [{ field: "subject", op: "eq", value: "weekly SYNC" }])).toBe(true);
    expect(matchesEventFilter(v, [{ field: "subject", op: "ne", value: "weekly sync" }])).toBe(false);
    expect(matchesEventFilter(v, [{ field: "subject", op: "startswith", value: "WEEK" }])).toBe(true);
    expect(matchesEventFilter(v, [{ field: "subject", op: "startswith", value: "sync" }])).toBe(false);
    expect(matchesEventFilter(v, [{ field: "subject", op: "contains", value: "LY s" }])).toBe(true);
    expect(matchesEventFilter(v, [{ field: "subject", op: "contains", value: "daily" }])).toBe(false);
  });

  it("matchesEventFilter: type and the flags compare exactly", () => {
    const v = view({ type: "seriesMaster", isAllDay: true, isCancelled: false });
    expect(matchesEventFilter(v, [{ field: "type", op: "eq", value: "seriesMaster" }])).toBe(true);
    expect(matchesEventFilter(v, [{ field: "type", op: "ne", value: "seriesMaster" }])).toBe(false);
    expect(matchesEventFilter(v, [{ field: "type", op: "eq", value: "occurrence" }])).toBe(false);
    expect(matchesEventFilter(v, [{ field: "isAllDay", op: "eq", value: true }])).toBe(true);
    expect(matchesEventFilter(v, [{ field: "isAllDay", op: "ne", value: true }])).toBe(false);
    expect(matchesEventFilter(v, [{ field: "isCancelled", op: "eq", value: true }])).toBe(false);
    expect(matchesEventFilter(v, [{ field: "isCancelled", op: "ne", value: true }])).toBe(true);
  });

  it("matchesEventFilter: categories/any matches one category, ignoring case", () => {
    const v = view({ categories: ["Blue category", "Red category"] });
    expect(matchesEventFilter(v, [{ field: "categories", op: "any", value: "red CATEGORY" }])).toBe(true);
    expect(matchesEventFilter(v, [{ field: "categories", op: "any", value: "Red" }])).toBe(false);
    expect(matchesEventFilter(view({ categories: [] }), [{ field: "categories", op: "any", value: "Red category" }])).toBe(false);
  });

  it("matchesEventFilter: a conjunction needs every condition", () => {
    const both: EventCondition[] = [
      { field: "start", op: "ge", valueMs: T0 }, { field: "subject", op: "eq", value: "weekly sync" },
    ];
    expect(matchesEventFilter(view(), both)).toBe(true);
    expect(matchesEventFilter(view({ subject: "Other" }), both)).toBe(false);
    expect(matchesEventFilter(view({ startMs: T0 - 1 }), both)).toBe(false);
  });
});

describe("compareEvents", () => {
  const ids = (views: EventQueryView[]) => views.map((v) => v.id);

  it("compareEvents: no orders sorts by start, then id", () => {
    const list = [view({ id: "c", startMs: T0 + 1 }), view({ id: "b" }), view({ id: "a" })];
    expect(ids(list.sort(compareEvents([])))).toEqual(["a", "b", "c"]);
  });

  it("compareEvents: descending reverses the field, not the tie-breakers", () => {
    const list = [
      view({ id: "b", endMs: T0 + HOUR }), view({ id: "a", endMs: T0 + HOUR }), view({ id: "c", endMs: T0 + 2 * HOUR }),
    ];
    expect(ids(list.sort(compareEvents([{ field: "end", descending: true }])))).toEqual(["c", "a", "b"]);
  });

  it("compareEvents: earlier orders take precedence over later ones", () => {
    const list = [
      view({ id: "1", subject: "b", createdMs: 1 }), view({ id: "2", subject: "a", createdMs: 2 }),
      view({ id: "3", subject: "a", createdMs: 1 }),
    ];
    expect(ids([...list].sort(compareEvents([
      { field: "subject", descending: false }, { field: "createdDateTime", descending: true },
    ])))).toEqual(["2", "3", "1"]);
    expect(ids([...list].sort(compareEvents([
      { field: "createdDateTime", descending: false }, { field: "subject", descending: false },
    ])))).toEqual(["3", "1", "2"]);
  });

  it("compareEvents: subject compares case-insensitively by code unit, not by locale", () => {
    const list = [view({ id: "1", subject: "beta" }), view({ id: "2", subject: "Alpha" }), view({ id: "3", subject: "_x" })];
    expect(ids(list.sort(compareEvents([{ field: "subject", descending: false }])))).toEqual(["3", "2", "1"]);
    // Code units, so SQL can match: "ä" (U+00E4) sorts after "z", where localeCompare puts it before.
    const cmp = compareEvents([{ field: "subject", descending: false }]);
    expect(cmp(view({ subject: "ä" }), view({ subject: "z" }))).toBe(1);
  });

  it("compareEvents: lastModifiedDateTime orders and ties fall back to start", () => {
    const list = [
      view({ id: "x", lastModifiedMs: 5, startMs: T0 + 1 }), view({ id: "y", lastModifiedMs: 5, startMs: T0 }),
      view({ id: "z", lastModifiedMs: 1 }),
    ];
    expect(ids(list.sort(compareEvents([{ field: "lastModifiedDateTime", descending: false }])))).toEqual(["z", "y", "x"]);
  });
});

// A straightforward reference, written per case the way the Graph docs read.
function reference(v: EventQueryView, c: EventCondition): boolean {
  if ("valueMs" in c) {
    const left = { start: v.startMs, end: v.endMs, createdDateTime: v.createdMs, lastModifiedDateTime: v.lastModifiedMs }[c.field];
    const right = c.valueMs;
    return { eq: left === right, ne: left !== right, gt: left > right, ge: left >= right, lt: left < right, le: left <= right }[c.op];
  }
  if (c.field === "categories") return v.categories.map((x) => x.toLowerCase()).includes(c.value.toLowerCase());
  if (c.field === "subject") {
    const s = v.subject.toLowerCase();
    const x = c.value.toLowerCase();
    if (c.op === "eq") return s === x;
    if (c.op === "ne") return s !== x;
    if (c.op === "startswith") return s.slice(0, x.length) === x;
    return s.indexOf(x) >= 0;
  }
  if (c.field === "type") return c.op === "eq" ? v.type === c.value : v.type !== c.value;
  const actual = c.field === "isAllDay" ? v.isAllDay : v.isCancelled;
  return c.op === "eq" ? actual === c.value : actual !== c.value;
}

describe("matchesEventFilter (property)", () => {
  // Small alphabets and time ranges so equal values and prefixes actually occur.
  const text = fc.string({ unit: fc.constantFrom("a", "A", "b", "B", " ", "é", "É"), maxLength: 4 });
  const time = fc.integer({ min: 0, max: 4 });
  const eventType = fc.constantFrom<EventType>(...EVENT_TYPES);
  const arbView = fc.record({
    startMs: time, endMs: time, createdMs: time, lastModifiedMs: time, subject: text, type: eventType,
    isAllDay: fc.boolean(), isCancelled: fc.boolean(), categories: fc.array(text, { maxLength: 3 }), id: fc.string(),
  });
  const arbCondition: fc.Arbitrary<EventCondition> = fc.oneof(
    fc.record({
      field: fc.constantFrom<EventTimeField>("start", "end", "createdDateTime", "lastModifiedDateTime"),
      op: fc.constantFrom<ComparisonOp>("eq", "ne", "gt", "ge", "lt", "le"), valueMs: time,
    }),
    fc.record({ field: fc.constant("subject" as const), op: fc.constantFrom("eq", "ne", "startswith", "contains" as const), value: text }),
    fc.record({ field: fc.constant("type" as const), op: fc.constantFrom("eq", "ne" as const), value: eventType }),
    fc.record({ field: fc.constantFrom("isAllDay", "isCancelled" as const), op: fc.constantFrom("eq", "ne" as const), value: fc.boolean() }),
    fc.record({ field: fc.constant("categories" as const), op: fc.constant("any" as const), value: text }),
  );

  it("matchesEventFilter: agrees with a reference for random views and single conditions", () => {
    fc.assert(fc.property(arbView, arbCondition, (v, c) => {
      expect(matchesEventFilter(v, [c])).toBe(reference(v, c));
    }), { numRuns: 1000, seed: 20261201 });
  });
});
