import { afterAll, describe, expect, it } from "vitest";
import { rmSync } from "node:fs";
import { startTestServer, tempDataDir, useTestServer } from "../../support/harness.js";
import { expectGraphError } from "../../support/graph-assertions.js";
import { ManualClock } from "../../../src/server/index.js";
import { createEvent, eventBody, instances, newCaller, starts } from "./series-support.js";

// Recurring series over HTTP (spec §1.2–1.3): every pattern and range type against occurrence
// lists worked out by hand from a printed calendar, the fields an occurrence carries, the
// validation of each type's required fields, and DST in two zones.

const t = useTestServer();

/** A series in UTC at 09:00–09:30 starting on `startDate` (the range's startDate too). */
async function utcSeries(startDate: string, pattern: Record<string, unknown>, range: Record<string, unknown>) {
  const c = await newCaller(t);
  const master = await createEvent(c, {
    start: `${startDate}T09:00`, end: `${startDate}T09:30`,
    recurrence: { pattern, range: { startDate, ...range } },
  });
  return { c, master };
}

describe("pattern and range types (hand-checked occurrence lists)", () => {
  it("daily, interval 2, endDate: the end date is inclusive", async () => {
    const { c, master } = await utcSeries("2026-01-30", { type: "daily", interval: 2 }, { type: "endDate", endDate: "2026-02-05" });
    expect(starts(await instances(c, master.id, "2026-01-01", "2026-03-01"))).toEqual([
      "2026-01-30T09:00", "2026-02-01T09:00", "2026-02-03T09:00", "2026-02-05T09:00",
    ]);
  });

  it("weekly, interval 2, several days, firstDayOfWeek sunday: weeks run Sunday–Saturday", async () => {
    const { c, master } = await utcSeries("2026-01-04", {
      type: "weekly", interval: 2, daysOfWeek: ["monday", "sunday"], firstDayOfWeek: "sunday",
    }, { type: "numbered", numberOfOccurrences: 4 });
    expect(starts(await instances(c, master.id, "2026-01-01", "2026-03-01"))).toEqual([
      "2026-01-04T09:00", "2026-01-05T09:00", "2026-01-18T09:00", "2026-01-19T09:00",
    ]);
  });

  it("weekly, same days, firstDayOfWeek monday: Sunday closes the week, so the fortnights pair differently", async () => {
    const { c, master } = await utcSeries("2026-01-04", {
      type: "weekly", interval: 2, daysOfWeek: ["monday", "sunday"], firstDayOfWeek: "monday",
    }, { type: "numbered", numberOfOccurrences: 4 });
    expect(starts(await instances(c, master.id, "2026-01-01", "2026-03-01"))).toEqual([
      "2026-01-04T09:00", "2026-01-12T09:00", "2026-01-18T09:00", "2026-01-26T09:00",
    ]);
  });

  it("weekly numbered: dates of the first week before startDate do not count", async () => {
    // 2026-01-01 is a Thursday; Monday 29 Dec 2025 is in the same week but before the start.
    const { c, master } = await utcSeries("2026-01-01", {
      type: "weekly", interval: 2, daysOfWeek: ["thursday", "monday"], firstDayOfWeek: "monday",
    }, { type: "numbered", numberOfOccurrences: 5 });
    expect(starts(await instances(c, master.id, "2025-12-01", "2026-03-01"))).toEqual([
      "2026-01-01T09:00", "2026-01-12T09:00", "2026-01-15T09:00", "2026-01-26T09:00", "2026-01-29T09:00",
    ]);
  });

  it("absoluteMonthly dayOfMonth 31, noEnd: the last day of shorter months (Feb 28, Apr 30, Jun 30)", async () => {
    const { c, master } = await utcSeries("2026-01-31", { type: "absoluteMonthly", interval: 1, dayOfMonth: 31 }, { type: "noEnd" });
    expect(starts(await instances(c, master.id, "2026-01-01", "2026-07-01"))).toEqual([
      "2026-01-31T09:00", "2026-02-28T09:00", "2026-03-31T09:00", "2026-04-30T09:00", "2026-05-31T09:00", "2026-06-30T09:00",
    ]);
  });

  it("absoluteMonthly dayOfMonth 31 in a leap year: Feb 29", async () => {
    const { c, master } = await utcSeries("2027-12-31", { type: "absoluteMonthly", interval: 1, dayOfMonth: 31 }, { type: "numbered", numberOfOccurrences: 4 });
    expect(starts(await instances(c, master.id, "2027-12-01", "2028-12-01"))).toEqual([
      "2027-12-31T09:00", "2028-01-31T09:00", "2028-02-29T09:00", "2028-03-31T09:00",
    ]);
  });

  it("relativeMonthly index last friday, endDate", async () => {
    const { c, master } = await utcSeries("2026-01-30", {
      type: "relativeMonthly", interval: 1, daysOfWeek: ["friday"], index: "last",
    }, { type: "endDate", endDate: "2026-05-31" });
    expect(starts(await instances(c, master.id, "2026-01-01", "2026-12-01"))).toEqual([
      "2026-01-30T09:00", "2026-02-27T09:00", "2026-03-27T09:00", "2026-04-24T09:00", "2026-05-29T09:00",
    ]);
  });

  it("relativeMonthly second tuesday every 2 months, numbered", async () => {
    const { c, master } = await utcSeries("2026-01-13", {
      type: "relativeMonthly", interval: 2, daysOfWeek: ["tuesday"], index: "second",
    }, { type: "numbered", numberOfOccurrences: 3 });
    expect(starts(await instances(c, master.id, "2026-01-01", "2027-01-01"))).toEqual([
      "2026-01-13T09:00", "2026-03-10T09:00", "2026-05-12T09:00",
    ]);
  });

  it("absoluteYearly March 15, numbered", async () => {
    const { c, master } = await utcSeries("2026-03-15", { type: "absoluteYearly", interval: 1, month: 3, dayOfMonth: 15 }, { type: "numbered", numberOfOccurrences: 3 });
    expect(starts(await instances(c, master.id, "2026-01-01", "2030-01-01"))).toEqual([
      "2026-03-15T09:00", "2027-03-15T09:00", "2028-03-15T09:00",
    ]);
  });

  it("relativeYearly fourth thursday of November, noEnd", async () => {
    const { c, master } = await utcSeries("2026-11-26", {
      type: "relativeYearly", interval: 1, month: 11, daysOfWeek: ["thursday"], index: "fourth",
    }, { type: "noEnd" });
    expect(starts(await instances(c, master.id, "2026-01-01", "2029-01-01"))).toEqual([
      "2026-11-26T09:00", "2027-11-25T09:00", "2028-11-23T09:00",
    ]);
  });

  it("the window clips the list: only occurrences overlapping it", async () => {
    const { c, master } = await utcSeries("2026-01-01", { type: "daily", interval: 1 }, { type: "noEnd" });
    // 09:00–09:30 on the 3rd ends exactly at the window start: out. The 6th starts at the window end: out.
    expect(starts(await instances(c, master.id, "2026-01-03T09:30:00Z", "2026-01-06T09:00:00Z"))).toEqual([
      "2026-01-04T09:00", "2026-01-05T09:00",
    ]);
  });
});

describe("the master and its occurrences", () => {
  it("the master echoes the normalised recurrence: every field present, unused ones zero-valued", async () => {
    const { master } = await utcSeries("2026-01-30", {
      type: "relativeMonthly", interval: 1, daysOfWeek: ["friday"], index: "last",
    }, { type: "noEnd" });
    expect(master.type).toBe("seriesMaster");
    expect(master.recurrence).toEqual({
      pattern: { type: "relativeMonthly", interval: 1, month: 0, dayOfMonth: 0, daysOfWeek: ["friday"], firstDayOfWeek: "sunday", index: "last" },
      range: { type: "noEnd", startDate: "2026-01-30", endDate: "0001-01-01", recurrenceTimeZone: "UTC", numberOfOccurrences: 0 },
    });
    const daily = await utcSeries("2026-01-30", { type: "daily", interval: 3, daysOfWeek: ["monday"], index: "last" }, { type: "numbered", numberOfOccurrences: 2 });
    expect(daily.master.recurrence).toEqual({
      pattern: { type: "daily", interval: 3, month: 0, dayOfMonth: 0, daysOfWeek: [], firstDayOfWeek: "sunday", index: "first" },
      range: { type: "numbered", startDate: "2026-01-30", endDate: "0001-01-01", recurrenceTimeZone: "UTC", numberOfOccurrences: 2 },
    });
  });

  it("occurrences: type, seriesMasterId, originalStart, no recurrence, distinct iCalUIds, ids stable across requests", async () => {
    const c = await newCaller(t);
    const master = await createEvent(c, {
      subject: "Standup", start: "2026-03-02T09:00", end: "2026-03-02T09:15", zone: "Pacific Standard Time",
      recurrence: { pattern: { type: "daily", interval: 1 }, range: { type: "numbered", startDate: "2026-03-02", numberOfOccurrences: 3 } },
    });
    const first = await instances(c, master.id, "2026-03-01", "2026-04-01");
    const values = first.body.value as any[];
    expect(values.map((o) => o.originalStart)).toEqual(["2026-03-02T17:00:00Z", "2026-03-03T17:00:00Z", "2026-03-04T17:00:00Z"]);
    for (const o of values) {
      expect(o.type).toBe("occurrence");
      expect(o.seriesMasterId).toBe(master.id);
      expect(o.recurrence).toBeNull();
      expect(o.subject).toBe("Standup");
      expect(o.id).toHaveLength(51);
      expect(o.iCalUId).not.toBe(master.iCalUId);
    }
    expect(new Set(values.map((o) => o.iCalUId)).size).toBe(3);
    expect(new Set(values.map((o) => o.id)).size).toBe(3);
    // A narrower window lists the same occurrence under the same id.
    const again = await instances(c, master.id, "2026-03-03T00:00:00Z", "2026-03-04T00:00:00Z");
    expect(again.body.value.map((o: any) => o.id)).toEqual([values[1].id]);
    // Each occurrence reads back by its id.
    const one = await t.request("GET", `/v1.0/me/events/${values[2].id}`, { token: c.token });
    expect(one.status).toBe(200);
    expect(one.body).toMatchObject({ id: values[2].id, type: "occurrence", originalStart: "2026-03-04T17:00:00Z", seriesMasterId: master.id });
  });

  it("instances of a single instance is an empty list; a missing window is 400", async () => {
    const c = await newCaller(t);
    const single = await createEvent(c, { start: "2026-03-02T09:00", end: "2026-03-02T10:00" });
    expect(starts(await instances(c, single.id, "2026-03-01", "2026-04-01"))).toEqual([]);
    const res = await t.request("GET", `/v1.0/me/events/${single.id}/instances`, { token: c.token });
    expectGraphError(res, 400, "ErrorInvalidParameter");
  });

  it("recurrenceTimeZone: a start given in UTC with the pattern read in Pacific time follows Pacific DST", async () => {
    const c = await newCaller(t);
    const master = await createEvent(c, {
      start: "2026-03-02T17:00", end: "2026-03-02T18:00", zone: "UTC",
      recurrence: {
        pattern: { type: "weekly", interval: 1, daysOfWeek: ["monday"] },
        range: { type: "numbered", startDate: "2026-03-02", numberOfOccurrences: 3, recurrenceTimeZone: "Pacific Standard Time" },
      },
    });
    expect(master.recurrence.range.recurrenceTimeZone).toBe("Pacific Standard Time");
    expect(starts(await instances(c, master.id, "2026-03-01", "2026-04-01"))).toEqual([
      "2026-03-02T17:00", "2026-03-09T16:00", "2026-03-16T16:00",
    ]);
  });
});

describe("validation of each type's required fields → 400", () => {
  const cases: [string, Record<string, unknown>, Record<string, unknown>][] = [
    ["weekly without daysOfWeek", { type: "weekly", interval: 1 }, { type: "noEnd" }],
    ["weekly with empty daysOfWeek", { type: "weekly", interval: 1, daysOfWeek: [] }, { type: "noEnd" }],
    ["weekly with an unknown day", { type: "weekly", interval: 1, daysOfWeek: ["funday"] }, { type: "noEnd" }],
    ["relativeMonthly without daysOfWeek", { type: "relativeMonthly", interval: 1, index: "first" }, { type: "noEnd" }],
    ["relativeMonthly with a bad index", { type: "relativeMonthly", interval: 1, daysOfWeek: ["monday"], index: "fifth" }, { type: "noEnd" }],
    ["absoluteMonthly with dayOfMonth 0", { type: "absoluteMonthly", interval: 1, dayOfMonth: 0 }, { type: "noEnd" }],
    ["absoluteMonthly without dayOfMonth", { type: "absoluteMonthly", interval: 1 }, { type: "noEnd" }],
    ["absoluteMonthly with dayOfMonth 32", { type: "absoluteMonthly", interval: 1, dayOfMonth: 32 }, { type: "noEnd" }],
    ["absoluteYearly without month", { type: "absoluteYearly", interval: 1, dayOfMonth: 3 }, { type: "noEnd" }],
    ["absoluteYearly with month 13", { type: "absoluteYearly", interval: 1, dayOfMonth: 3, month: 13 }, { type: "noEnd" }],
    ["relativeYearly without month", { type: "relativeYearly", interval: 1, daysOfWeek: ["monday"], index: "first" }, { type: "noEnd" }],
    ["an unknown pattern type", { type: "hourly", interval: 1 }, { type: "noEnd" }],
    ["interval 0", { type: "daily", interval: 0 }, { type: "noEnd" }],
    ["no interval", { type: "daily" }, { type: "noEnd" }],
    ["numbered without numberOfOccurrences", { type: "daily", interval: 1 }, { type: "numbered" }],
    ["numbered with 0 occurrences", { type: "daily", interval: 1 }, { type: "numbered", numberOfOccurrences: 0 }],
    ["endDate without endDate", { type: "daily", interval: 1 }, { type: "endDate" }],
    ["endDate before startDate", { type: "daily", interval: 1 }, { type: "endDate", endDate: "2026-02-28" }],
    ["an unknown range type", { type: "daily", interval: 1 }, { type: "forever" }],
    ["a malformed startDate", { type: "daily", interval: 1 }, { type: "noEnd", startDate: "2026-02-30" }],
  ];
  for (const [name, pattern, range] of cases) {
    it(name, async () => {
      const c = await newCaller(t);
      const res = await t.request("POST", "/v1.0/me/events", {
        token: c.token,
        body: eventBody({ start: "2026-03-02T09:00", end: "2026-03-02T10:00", recurrence: { pattern, range: { startDate: "2026-03-02", ...range } } }),
      });
      expect(res.status, res.text).toBe(400);
      expect(Object.keys(res.body)).toEqual(["error"]);
      expect(res.body.error.code).toMatch(/^Error|^BadRequest$/);
      // Nothing was created.
      expect((await t.request("GET", "/v1.0/me/events", { token: c.token })).body.value).toEqual([]);
    });
  }
});

describe("DST: a weekly 09:00 meeting stays at 09:00 local", () => {
  it("Pacific Standard Time: 17:00Z before the March 8 switch, 16:00Z until November 1, 17:00Z after", async () => {
    const c = await newCaller(t);
    const master = await createEvent(c, {
      start: "2026-03-02T09:00", end: "2026-03-02T10:00", zone: "Pacific Standard Time",
      recurrence: { pattern: { type: "weekly", interval: 1, daysOfWeek: ["monday"] }, range: { type: "noEnd", startDate: "2026-03-02" } },
    });
    expect(starts(await instances(c, master.id, "2026-03-01", "2026-03-17"))).toEqual([
      "2026-03-02T17:00", "2026-03-09T16:00", "2026-03-16T16:00",
    ]);
    expect(starts(await instances(c, master.id, "2026-10-20", "2026-11-10"))).toEqual([
      "2026-10-26T16:00", "2026-11-02T17:00", "2026-11-09T17:00",
    ]);
    expect(starts(await instances(c, master.id, "2026-03-01", "2026-03-17", "Pacific Standard Time"))).toEqual([
      "2026-03-02T09:00", "2026-03-09T09:00", "2026-03-16T09:00",
    ]);
    const november = await instances(c, master.id, "2026-10-20", "2026-11-10", "Pacific Standard Time");
    expect(starts(november)).toEqual(["2026-10-26T09:00", "2026-11-02T09:00", "2026-11-09T09:00"]);
    expect(november.body.value[0].start.timeZone).toBe("Pacific Standard Time");
    expect(november.body.value[0].end.dateTime.slice(0, 16)).toBe("2026-10-26T10:00");
    // originalStart is an instant (DateTimeOffset), always in UTC whatever the Prefer zone.
    expect(november.body.value.map((o: any) => o.originalStart)).toEqual(["2026-10-26T16:00:00Z", "2026-11-02T17:00:00Z", "2026-11-09T17:00:00Z"]);
  });

  it("W. Europe Standard Time: 08:00Z before March 29, 07:00Z until October 25, 08:00Z after", async () => {
    const c = await newCaller(t);
    const master = await createEvent(c, {
      start: "2026-03-16T09:00", end: "2026-03-16T10:00", zone: "W. Europe Standard Time",
      recurrence: { pattern: { type: "weekly", interval: 1, daysOfWeek: ["monday"] }, range: { type: "noEnd", startDate: "2026-03-16" } },
    });
    // The US already switched on March 8; Europe switches on the last Sunday of March (the 29th).
    expect(starts(await instances(c, master.id, "2026-03-15", "2026-04-07"))).toEqual([
      "2026-03-16T08:00", "2026-03-23T08:00", "2026-03-30T07:00", "2026-04-06T07:00",
    ]);
    expect(starts(await instances(c, master.id, "2026-10-15", "2026-11-03"))).toEqual([
      "2026-10-19T07:00", "2026-10-26T08:00", "2026-11-02T08:00",
    ]);
    expect(starts(await instances(c, master.id, "2026-03-15", "2026-04-07", "W. Europe Standard Time"))).toEqual([
      "2026-03-16T09:00", "2026-03-23T09:00", "2026-03-30T09:00", "2026-04-06T09:00",
    ]);
  });
});

describe("DST edges: wall-clock times the switch skips or repeats", () => {
  it("02:30 daily in Pacific time: on March 8 (no 02:30) it is 03:30 PDT; on November 1 (01:30 twice) the earlier one", async () => {
    const c = await newCaller(t);
    const skipped = await createEvent(c, {
      start: "2026-03-07T02:30", end: "2026-03-07T02:45", zone: "Pacific Standard Time",
      recurrence: { pattern: { type: "daily", interval: 1 }, range: { type: "numbered", startDate: "2026-03-07", numberOfOccurrences: 3 } },
    });
    expect(starts(await instances(c, skipped.id, "2026-03-01", "2026-04-01"))).toEqual([
      "2026-03-07T10:30", "2026-03-08T10:30", "2026-03-09T09:30",
    ]);
    expect(starts(await instances(c, skipped.id, "2026-03-01", "2026-04-01", "Pacific Standard Time"))).toEqual([
      "2026-03-07T02:30", "2026-03-08T03:30", "2026-03-09T02:30",
    ]);
    const repeated = await createEvent(c, {
      start: "2026-10-31T01:30", end: "2026-10-31T01:45", zone: "Pacific Standard Time",
      recurrence: { pattern: { type: "daily", interval: 1 }, range: { type: "numbered", startDate: "2026-10-31", numberOfOccurrences: 3 } },
    });
    expect(starts(await instances(c, repeated.id, "2026-10-01", "2026-12-01"))).toEqual([
      "2026-10-31T08:30", "2026-11-01T08:30", "2026-11-02T09:30",
    ]);
  });
});

describe("old and long series are expanded lazily", () => {
  it("instances of a daily noEnd series started ten years ago: one week gives seven", async () => {
    const c = await newCaller(t);
    const master = await createEvent(c, {
      start: "2016-11-25T09:00", end: "2016-11-25T09:30",
      recurrence: { pattern: { type: "daily", interval: 1 }, range: { type: "noEnd", startDate: "2016-11-25" } },
    });
    expect(starts(await instances(c, master.id, "2026-11-23", "2026-11-30"))).toEqual(
      ["23", "24", "25", "26", "27", "28", "29"].map((d) => `2026-11-${d}T09:00`));
  });

  it("numbered series ten years old: 10000 daily occurrences still run this week; 3000 ended on 10 February 2025", async () => {
    const c = await newCaller(t);
    const recurrence = (count: number) => ({
      pattern: { type: "daily", interval: 1 }, range: { type: "numbered", startDate: "2016-11-25", numberOfOccurrences: count },
    });
    const long = await createEvent(c, { subject: "long", start: "2016-11-25T09:00", end: "2016-11-25T09:30", recurrence: recurrence(10000) });
    const short = await createEvent(c, { subject: "short", start: "2016-11-25T10:00", end: "2016-11-25T10:30", recurrence: recurrence(3000) });
    const week = await t.request("GET", `/v1.0/me/calendarView?startDateTime=2026-11-23&endDateTime=2026-11-30`, { token: c.token });
    expect(week.body.value.map((e: any) => e.seriesMasterId)).toEqual(Array(7).fill(long.id));
    // 2016-11-25 plus 2999 days is 2025-02-10 (three leap days between), the 3000th and last.
    expect(starts(await instances(c, short.id, "2025-02-01", "2025-03-01"))).toEqual(
      ["01", "02", "03", "04", "05", "06", "07", "08", "09", "10"].map((d) => `2025-02-${d}T10:00`));
  });
});

describe("occurrence ids across a restart", () => {
  const dataDir = tempDataDir();
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it("the same occurrences come back under the same ids after restarting over the same data", async () => {
    const clock = new ManualClock(Date.UTC(2026, 10, 25, 12, 0, 0));
    const first = await startTestServer({ dataDir, clock });
    let before: any[];
    let masterId: string;
    let token: string;
    try {
      const c = await newCaller(first);
      token = c.token;
      const master = await createEvent(c, {
        start: "2026-01-05T09:00", end: "2026-01-05T10:00", zone: "Pacific Standard Time",
        recurrence: { pattern: { type: "weekly", interval: 1, daysOfWeek: ["monday", "wednesday"] }, range: { type: "noEnd", startDate: "2026-01-05" } },
      });
      masterId = master.id;
      before = (await instances(c, master.id, "2026-01-01", "2026-02-01")).body.value;
      expect(before).toHaveLength(8);
    } finally {
      await first.close();
    }
    const second = await startTestServer({ dataDir, clock });
    try {
      const after = (await instances({ t: second, token }, masterId, "2026-01-01", "2026-02-01")).body.value;
      expect(after.map((o: any) => [o.id, o.iCalUId, o.originalStart])).toEqual(before.map((o: any) => [o.id, o.iCalUId, o.originalStart]));
    } finally {
      await second.close();
    }
  });
});
