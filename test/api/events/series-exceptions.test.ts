import { describe, expect, it } from "vitest";
import { useTestServer } from "../../support/harness.js";
import { expectGraphError } from "../../support/graph-assertions.js";
import { occurrenceIdFor } from "../../../src/domain/index.js";
import { calendarView, createEvent, ids, instances, newCaller, starts, type Caller } from "./series-support.js";

// Exceptions and cancellations over HTTP (spec §1.5): editing an occurrence, moving it, deleting
// it, and editing or deleting the master afterwards.

const t = useTestServer();

const DAILY = { pattern: { type: "daily", interval: 1 }, range: { type: "numbered", startDate: "2026-03-02", numberOfOccurrences: 5 } };
const WINDOW = ["2026-03-01", "2026-04-01"] as const;

/** A daily 09:00–10:00 UTC series of five (2–6 March 2026) and its occurrences. */
async function dailySeries(c: Caller) {
  const master = await createEvent(c, { subject: "Daily", start: "2026-03-02T09:00", end: "2026-03-02T10:00", recurrence: DAILY });
  const occurrences = (await instances(c, master.id, ...WINDOW)).body.value as any[];
  expect(occurrences).toHaveLength(5);
  return { master, occurrences };
}

const patch = (c: Caller, id: string, body: unknown) => t.request("PATCH", `/v1.0/me/events/${id}`, { token: c.token, body });
const del = (c: Caller, id: string) => t.request("DELETE", `/v1.0/me/events/${id}`, { token: c.token });
const get = (c: Caller, id: string) => t.request("GET", `/v1.0/me/events/${id}`, { token: c.token });

describe("exceptions", () => {
  it("PATCH an occurrence: an exception under the same id, kept in later expansions and calendarView; the others unchanged", async () => {
    const c = await newCaller(t);
    const { master, occurrences } = await dailySeries(c);
    const target = occurrences[2];
    const res = await patch(c, target.id, { subject: "Moved", start: { dateTime: "2026-03-04T11:00:00", timeZone: "UTC" }, end: { dateTime: "2026-03-04T12:00:00", timeZone: "UTC" } });
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({ id: target.id, type: "exception", subject: "Moved", seriesMasterId: master.id, originalStart: "2026-03-04T09:00:00Z" });

    const after = await instances(c, master.id, ...WINDOW);
    expect(ids(after)).toEqual(occurrences.map((o) => o.id));
    expect(starts(after)).toEqual(["2026-03-02T09:00", "2026-03-03T09:00", "2026-03-04T11:00", "2026-03-05T09:00", "2026-03-06T09:00"]);
    expect(after.body.value.map((o: any) => [o.type, o.subject])).toEqual([
      ["occurrence", "Daily"], ["occurrence", "Daily"], ["exception", "Moved"], ["occurrence", "Daily"], ["occurrence", "Daily"],
    ]);
    const view = await calendarView(c, ...WINDOW);
    expect(ids(view)).toEqual(occurrences.map((o) => o.id));
    expect(view.body.value[2]).toMatchObject({ type: "exception", subject: "Moved" });
    // A window that holds only the exception's new time finds it; one that holds only its original time does not.
    expect(ids(await calendarView(c, "2026-03-04T10:30:00Z", "2026-03-04T11:30:00Z"))).toEqual([target.id]);
    expect(ids(await calendarView(c, "2026-03-04T09:00:00Z", "2026-03-04T10:00:00Z"))).toEqual([]);
    expect((await get(c, target.id)).body).toMatchObject({ type: "exception", subject: "Moved" });
    // A second PATCH updates the same exception.
    expect((await patch(c, target.id, { subject: "Moved again" })).body).toMatchObject({ id: target.id, type: "exception", subject: "Moved again" });
    expect((await get(c, target.id)).body.subject).toBe("Moved again");
  });

  it("PATCH onto or over a neighbour → 400 ErrorOccurrenceCrossingBoundary, nothing changes", async () => {
    const c = await newCaller(t);
    const { master, occurrences } = await dailySeries(c);
    const at = (day: string, from: string, to: string) => ({
      start: { dateTime: `2026-03-${day}T${from}:00`, timeZone: "UTC" }, end: { dateTime: `2026-03-${day}T${to}:00`, timeZone: "UTC" },
    });
    expectGraphError(await patch(c, occurrences[2].id, at("05", "09:00", "10:00")), 400, "ErrorOccurrenceCrossingBoundary");
    expectGraphError(await patch(c, occurrences[2].id, at("06", "12:00", "13:00")), 400, "ErrorOccurrenceCrossingBoundary");
    expectGraphError(await patch(c, occurrences[2].id, at("03", "09:00", "10:00")), 400, "ErrorOccurrenceCrossingBoundary");
    // Overlapping the next one by a minute is crossing too.
    expectGraphError(await patch(c, occurrences[2].id, at("05", "08:00", "09:01")), 400, "ErrorOccurrenceCrossingBoundary");
    // Up to the neighbour's edge is fine: 10:00 on the 3rd (the previous one's end) to 09:00 on the 5th.
    const edge = await patch(c, occurrences[2].id, { start: { dateTime: "2026-03-03T10:00:00", timeZone: "UTC" }, end: { dateTime: "2026-03-05T09:00:00", timeZone: "UTC" } });
    expect(edge.status, edge.text).toBe(200);
    // Now the 4th's neighbours see it where it is: the 5th cannot move back over it.
    expectGraphError(await patch(c, occurrences[3].id, at("04", "20:00", "21:00")), 400, "ErrorOccurrenceCrossingBoundary");
    expect(starts(await instances(c, master.id, ...WINDOW))).toEqual([
      "2026-03-02T09:00", "2026-03-03T09:00", "2026-03-03T10:00", "2026-03-05T09:00", "2026-03-06T09:00",
    ]);
  });

  it("a cancelled occurrence is no neighbour: an occurrence may move onto its slot, but not past the next live one", async () => {
    const c = await newCaller(t);
    const { master, occurrences } = await dailySeries(c);
    expect((await del(c, occurrences[3].id)).status).toBe(204);
    const onto = await patch(c, occurrences[2].id, {
      start: { dateTime: "2026-03-05T09:00:00", timeZone: "UTC" }, end: { dateTime: "2026-03-05T10:00:00", timeZone: "UTC" },
    });
    expect(onto.status, onto.text).toBe(200);
    expectGraphError(await patch(c, occurrences[2].id, {
      start: { dateTime: "2026-03-06T09:00:00", timeZone: "UTC" }, end: { dateTime: "2026-03-06T10:00:00", timeZone: "UTC" },
    }), 400, "ErrorOccurrenceCrossingBoundary");
    expect(starts(await instances(c, master.id, ...WINDOW))).toEqual([
      "2026-03-02T09:00", "2026-03-03T09:00", "2026-03-05T09:00", "2026-03-06T09:00",
    ]);
  });

  it("an occurrence id whose original start is not on the pattern → 404", async () => {
    const c = await newCaller(t);
    const { master, occurrences } = await dailySeries(c);
    const offPattern = occurrenceIdFor(master.id, Date.parse("2026-03-03T10:00:00Z"));
    expect(offPattern).not.toBe(occurrences[1].id);
    expectGraphError(await get(c, offPattern), 404, "ErrorItemNotFound");
    // Past the numbered range's end, too.
    expectGraphError(await get(c, occurrenceIdFor(master.id, Date.parse("2026-03-07T09:00:00Z"))), 404, "ErrorItemNotFound");
    expect((await get(c, occurrenceIdFor(master.id, Date.parse("2026-03-06T09:00:00Z")))).body.id).toBe(occurrences[4].id);
  });

  it("PATCH recurrence on an occurrence → 400", async () => {
    const c = await newCaller(t);
    const { occurrences } = await dailySeries(c);
    const res = await patch(c, occurrences[1].id, { recurrence: DAILY });
    expect(res.status, res.text).toBe(400);
    expect((await get(c, occurrences[1].id)).body.type).toBe("occurrence");
  });
});

describe("cancellations", () => {
  it("DELETE an occurrence: gone from instances and calendarView, GET → 404, the master gets a new changeKey", async () => {
    const c = await newCaller(t);
    const { master, occurrences } = await dailySeries(c);
    expect((await del(c, occurrences[1].id)).status).toBe(204);
    expect(ids(await instances(c, master.id, ...WINDOW))).toEqual([0, 2, 3, 4].map((i) => occurrences[i].id));
    expect(ids(await calendarView(c, ...WINDOW))).toEqual([0, 2, 3, 4].map((i) => occurrences[i].id));
    expectGraphError(await get(c, occurrences[1].id), 404, "ErrorItemNotFound");
    expectGraphError(await del(c, occurrences[1].id), 404, "ErrorItemNotFound");
    const masterAfter = (await get(c, master.id)).body;
    expect(masterAfter.changeKey).not.toBe(master.changeKey);
    expect(masterAfter["@odata.etag"]).not.toBe(master["@odata.etag"]);
    // A numbered series does not make up for it: still four left, not a sixth day.
    expect(starts(await instances(c, master.id, ...WINDOW))).not.toContain("2026-03-07T09:00");
  });

  it("DELETE an exception: cancelled too", async () => {
    const c = await newCaller(t);
    const { master, occurrences } = await dailySeries(c);
    expect((await patch(c, occurrences[3].id, { subject: "Special" })).status).toBe(200);
    expect((await del(c, occurrences[3].id)).status).toBe(204);
    expect(ids(await instances(c, master.id, ...WINDOW))).toEqual([0, 1, 2, 4].map((i) => occurrences[i].id));
    expect(ids(await calendarView(c, ...WINDOW))).toEqual([0, 1, 2, 4].map((i) => occurrences[i].id));
    expectGraphError(await get(c, occurrences[3].id), 404, "ErrorItemNotFound");
    // Only the master is left in /events.
    expect(ids(await t.request("GET", "/v1.0/me/events", { token: c.token }))).toEqual([master.id]);
  });
});

describe("editing the master", () => {
  it("PATCH the master's subject: occurrences show it, exceptions keep their own", async () => {
    const c = await newCaller(t);
    const { master, occurrences } = await dailySeries(c);
    expect((await patch(c, occurrences[0].id, { subject: "Own" })).status).toBe(200);
    expect((await patch(c, master.id, { subject: "Renamed" })).status).toBe(200);
    const after = await instances(c, master.id, ...WINDOW);
    expect(after.body.value.map((o: any) => o.subject)).toEqual(["Own", "Renamed", "Renamed", "Renamed", "Renamed"]);
    expect(ids(after)).toEqual(occurrences.map((o) => o.id));
  });

  it("PATCH the master's pattern: occurrences regenerate; exceptions off the new pattern are dropped (GET → 404), those still on it are kept", async () => {
    const c = await newCaller(t);
    const { master, occurrences } = await dailySeries(c);
    // Exceptions on the 2nd (Monday) and 3rd (Tuesday); a cancellation on the 4th (Wednesday).
    expect((await patch(c, occurrences[0].id, { subject: "Kept" })).status).toBe(200);
    expect((await patch(c, occurrences[1].id, { subject: "Dropped" })).status).toBe(200);
    expect((await del(c, occurrences[2].id)).status).toBe(204);
    // Every other day: 2, 4, 6, 8, 10 March; the 2nd stays on the pattern, the 3rd does not.
    const res = await patch(c, master.id, { recurrence: { ...DAILY, pattern: { type: "daily", interval: 2 } } });
    expect(res.status, res.text).toBe(200);
    const after = await instances(c, master.id, ...WINDOW);
    // The cancellation of the 4th still holds: it is still on the pattern.
    expect(starts(after)).toEqual(["2026-03-02T09:00", "2026-03-06T09:00", "2026-03-08T09:00", "2026-03-10T09:00"]);
    expect(after.body.value.map((o: any) => [o.type, o.subject])).toEqual([
      ["exception", "Kept"], ["occurrence", "Daily"], ["occurrence", "Daily"], ["occurrence", "Daily"],
    ]);
    expect(after.body.value[0].id).toBe(occurrences[0].id);
    expectGraphError(await get(c, occurrences[1].id), 404, "ErrorItemNotFound");
    expect((await get(c, occurrences[0].id)).body).toMatchObject({ type: "exception", subject: "Kept" });
  });

  it("a cancellation dropped by a pattern change stays dropped when the pattern comes back", async () => {
    const c = await newCaller(t);
    const { master, occurrences } = await dailySeries(c);
    expect((await del(c, occurrences[1].id)).status).toBe(204);
    expect((await patch(c, master.id, { recurrence: { ...DAILY, pattern: { type: "daily", interval: 2 } } })).status).toBe(200);
    expect((await patch(c, master.id, { recurrence: DAILY })).status).toBe(200);
    expect(ids(await instances(c, master.id, ...WINDOW))).toEqual(occurrences.map((o) => o.id));
  });

  it("PATCH the master's start time: every occurrence moves, exceptions whose original start moved away are dropped", async () => {
    const c = await newCaller(t);
    const { master, occurrences } = await dailySeries(c);
    expect((await patch(c, occurrences[1].id, { subject: "Dropped" })).status).toBe(200);
    const res = await patch(c, master.id, {
      start: { dateTime: "2026-03-02T14:00:00", timeZone: "UTC" }, end: { dateTime: "2026-03-02T15:00:00", timeZone: "UTC" },
    });
    expect(res.status, res.text).toBe(200);
    const after = await instances(c, master.id, ...WINDOW);
    expect(starts(after)).toEqual(["2026-03-02T14:00", "2026-03-03T14:00", "2026-03-04T14:00", "2026-03-05T14:00", "2026-03-06T14:00"]);
    expect(after.body.value.every((o: any) => o.type === "occurrence" && o.subject === "Daily")).toBe(true);
    expectGraphError(await get(c, occurrences[1].id), 404, "ErrorItemNotFound");
  });

  it("PATCH the master's zone (same wall clock, UTC → Pacific): occurrences move by the offset, exceptions are dropped", async () => {
    const c = await newCaller(t);
    const { master, occurrences } = await dailySeries(c);
    expect((await patch(c, occurrences[0].id, { subject: "Dropped" })).status).toBe(200);
    const res = await patch(c, master.id, {
      start: { dateTime: "2026-03-02T09:00:00", timeZone: "Pacific Standard Time" }, end: { dateTime: "2026-03-02T10:00:00", timeZone: "Pacific Standard Time" },
    });
    expect(res.status, res.text).toBe(200);
    // The range keeps its recurrenceTimeZone (UTC, from the POST), so the pattern still reads in UTC
    // at the new start's UTC time of day: 17:00Z.
    const after = await instances(c, master.id, ...WINDOW);
    expect(starts(after)).toEqual(["02", "03", "04", "05", "06"].map((d) => `2026-03-${d}T17:00`));
    expect(after.body.value.every((o: any) => o.type === "occurrence")).toBe(true);
    expectGraphError(await get(c, occurrences[0].id), 404, "ErrorItemNotFound");
  });

  it("PATCH recurrence null: the master becomes a single instance", async () => {
    const c = await newCaller(t);
    const { master, occurrences } = await dailySeries(c);
    expect((await patch(c, occurrences[1].id, { subject: "Exception" })).status).toBe(200);
    const res = await patch(c, master.id, { recurrence: null });
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({ id: master.id, type: "singleInstance", recurrence: null });
    const view = await calendarView(c, ...WINDOW);
    expect(ids(view)).toEqual([master.id]);
    expect(view.body.value[0].type).toBe("singleInstance");
    expectGraphError(await get(c, occurrences[1].id), 404, "ErrorItemNotFound");
    expectGraphError(await get(c, occurrences[2].id), 404, "ErrorItemNotFound");
  });

  it("PATCH recurrence onto a single instance: it becomes a series master with occurrences", async () => {
    const c = await newCaller(t);
    const single = await createEvent(c, { subject: "Once", start: "2026-03-02T09:00", end: "2026-03-02T10:00" });
    const res = await patch(c, single.id, { recurrence: DAILY });
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({ id: single.id, type: "seriesMaster" });
    expect(res.body.recurrence.range).toMatchObject({ type: "numbered", numberOfOccurrences: 5, recurrenceTimeZone: "UTC" });
    const view = await calendarView(c, ...WINDOW);
    expect(starts(view)).toEqual(["02", "03", "04", "05", "06"].map((d) => `2026-03-${d}T09:00`));
    expect(view.body.value.every((e: any) => e.type === "occurrence" && e.seriesMasterId === single.id)).toBe(true);
  });

  it("PATCH an invalid pattern onto the master → 400, the series is unchanged", async () => {
    const c = await newCaller(t);
    const { master, occurrences } = await dailySeries(c);
    const res = await patch(c, master.id, { recurrence: { ...DAILY, pattern: { type: "weekly", interval: 1 } } });
    expect(res.status, res.text).toBe(400);
    expect(ids(await instances(c, master.id, ...WINDOW))).toEqual(occurrences.map((o) => o.id));
    expect((await get(c, master.id)).body.changeKey).toBe(master.changeKey);
  });

  it("the last occurrence moved past the series' end is still found by windows that hold only its new time", async () => {
    const c = await newCaller(t);
    const { master, occurrences } = await dailySeries(c);
    const moved = await patch(c, occurrences[4].id, {
      start: { dateTime: "2026-03-20T09:00:00", timeZone: "UTC" }, end: { dateTime: "2026-03-20T10:00:00", timeZone: "UTC" },
    });
    expect(moved.status, moved.text).toBe(200);
    expect(ids(await calendarView(c, "2026-03-19", "2026-03-21"))).toEqual([occurrences[4].id]);
    expect(ids(await instances(c, master.id, "2026-03-19", "2026-03-21"))).toEqual([occurrences[4].id]);
    // And the first moved before the series' start.
    expect((await patch(c, occurrences[0].id, {
      start: { dateTime: "2026-02-20T09:00:00", timeZone: "UTC" }, end: { dateTime: "2026-02-20T10:00:00", timeZone: "UTC" },
    })).status).toBe(200);
    expect(ids(await calendarView(c, "2026-02-19", "2026-02-21"))).toEqual([occurrences[0].id]);
  });

  it("DELETE the master: the series and its exceptions are gone", async () => {
    const c = await newCaller(t);
    const { master, occurrences } = await dailySeries(c);
    expect((await patch(c, occurrences[1].id, { subject: "Exception" })).status).toBe(200);
    expect((await del(c, master.id)).status).toBe(204);
    expect(ids(await calendarView(c, ...WINDOW))).toEqual([]);
    expect(ids(await t.request("GET", "/v1.0/me/events", { token: c.token }))).toEqual([]);
    for (const o of occurrences) expectGraphError(await get(c, o.id), 404, "ErrorItemNotFound");
    expectGraphError(await get(c, master.id), 404, "ErrorItemNotFound");
    expectGraphError(await instances(c, master.id, ...WINDOW), 404, "ErrorItemNotFound");
  });
});
