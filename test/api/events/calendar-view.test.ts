import { describe, expect, it } from "vitest";
import { useTestServer } from "../../support/harness.js";
import { expectGraphError, pathOf } from "../../support/graph-assertions.js";
import { calendarView, createEvent, ids, newCaller, starts, windowQuery, type Caller } from "./series-support.js";

// calendarView over HTTP (spec §2): its five URL forms, the window parameters, the overlap
// edges, what it lists (instances, occurrences, exceptions; never masters or cancelled ones),
// order, paging, $select, Prefer: outlook.timezone, and lazy expansion of old open series.

const t = useTestServer();

const WINDOW_REQUIRED = "This request requires a time window specified by the query string parameters StartDateTime and EndDateTime.";

describe("URL forms", () => {
  it("/me/calendarView, /me/calendar/…, /me/calendars/{id}/…, /me/calendarGroups/{id}/calendars/{id}/…, /users/{id}/… list the same", async () => {
    const mailbox = await t.newMailbox();
    const c: Caller = { t, token: await t.userToken(mailbox) };
    const single = await createEvent(c, { start: "2026-03-02T09:00", end: "2026-03-02T10:00" });
    const calendar = (await t.request("GET", "/v1.0/me/calendar", { token: c.token })).body;
    const group = (await t.request("GET", "/v1.0/me/calendarGroups", { token: c.token })).body.value[0];
    const paths = [
      "/v1.0/me/calendarView", "/v1.0/me/calendar/calendarView", `/v1.0/me/calendars/${calendar.id}/calendarView`,
      `/v1.0/me/calendarGroups/${group.id}/calendars/${calendar.id}/calendarView`, `/v1.0/users/${mailbox.id}/calendarView`,
      `/beta/users/${mailbox.userPrincipalName}/calendarView`, "/beta/me/calendarview",
    ];
    for (const path of paths) {
      expect(ids(await calendarView(c, "2026-03-01", "2026-04-01", { path })), path).toEqual([single.id]);
    }
  });

  it("another calendar's events are in its own view only, not in the default calendar's", async () => {
    const c = await newCaller(t);
    const other = (await t.request("POST", "/v1.0/me/calendars", { token: c.token, body: { name: "Other" } })).body;
    const inOther = await createEvent(c, { start: "2026-03-02T09:00", end: "2026-03-02T10:00" }, `/v1.0/me/calendars/${other.id}/events`);
    const inDefault = await createEvent(c, { start: "2026-03-03T09:00", end: "2026-03-03T10:00" });
    expect(ids(await calendarView(c, "2026-03-01", "2026-04-01", { path: `/v1.0/me/calendars/${other.id}/calendarView` }))).toEqual([inOther.id]);
    expect(ids(await calendarView(c, "2026-03-01", "2026-04-01"))).toEqual([inDefault.id]);
  });
});

describe("a series in another calendar", () => {
  it("its occurrences are in that calendar's view (flat and group forms) and its instances under that calendar", async () => {
    const c = await newCaller(t);
    const other = (await t.request("POST", "/v1.0/me/calendars", { token: c.token, body: { name: "Team" } })).body;
    const group = (await t.request("GET", "/v1.0/me/calendarGroups", { token: c.token })).body.value[0];
    const master = await createEvent(c, {
      start: "2026-03-02T09:00", end: "2026-03-02T10:00",
      recurrence: { pattern: { type: "weekly", interval: 1, daysOfWeek: ["monday"] }, range: { type: "numbered", startDate: "2026-03-02", numberOfOccurrences: 3 } },
    }, `/v1.0/me/calendars/${other.id}/events`);
    const expected = ["2026-03-02T09:00", "2026-03-09T09:00", "2026-03-16T09:00"];
    for (const path of [`/v1.0/me/calendars/${other.id}/calendarView`, `/v1.0/me/calendarGroups/${group.id}/calendars/${other.id}/calendarView`]) {
      expect(starts(await calendarView(c, "2026-03-01", "2026-04-01", { path })), path).toEqual(expected);
    }
    expect(starts(await calendarView(c, "2026-03-01", "2026-04-01"))).toEqual([]);
    const scoped = await t.request("GET", `/v1.0/me/calendars/${other.id}/events/${master.id}/instances?${windowQuery("2026-03-01", "2026-04-01")}`, { token: c.token });
    expect(starts(scoped)).toEqual(expected);
  });
});

describe("window parameters", () => {
  it("missing either parameter → 400 ErrorInvalidParameter with Graph's sentence", async () => {
    const c = await newCaller(t);
    for (const query of ["", "?startDateTime=2026-03-01T00:00:00Z", "?endDateTime=2026-03-01T00:00:00Z", "?startDateTime=&endDateTime=2026-03-01"]) {
      expectGraphError(await t.request("GET", `/v1.0/me/calendarView${query}`, { token: c.token }), 400, "ErrorInvalidParameter", WINDOW_REQUIRED);
    }
  });

  it("parameter names are case-insensitive", async () => {
    const c = await newCaller(t);
    const e = await createEvent(c, { start: "2026-03-02T09:00", end: "2026-03-02T10:00" });
    for (const query of ["StartDateTime=2026-03-01&EndDateTime=2026-03-03", "STARTDATETIME=2026-03-01&enddatetime=2026-03-03"]) {
      const res = await t.request("GET", `/v1.0/me/calendarView?${query}`, { token: c.token });
      expect(ids(res), query).toEqual([e.id]);
    }
  });

  it("an offset in the value is honoured; no offset means UTC", async () => {
    const c = await newCaller(t);
    const e = await createEvent(c, { start: "2026-03-02T17:00", end: "2026-03-02T18:00" });
    // 09:00-08:00 is 17:00Z: the event starts exactly at the window's end, so it is out; it is in from 09:30-08:00.
    expect(ids(await calendarView(c, "2026-03-02T08:00:00-08:00", "2026-03-02T09:00:00-08:00"))).toEqual([]);
    expect(ids(await calendarView(c, "2026-03-02T08:00:00-08:00", "2026-03-02T09:30:00-08:00"))).toEqual([e.id]);
    expect(ids(await calendarView(c, "2026-03-02T16:00:00", "2026-03-02T17:00:00"))).toEqual([]);
    expect(ids(await calendarView(c, "2026-03-02T16:00:00", "2026-03-02T17:30:00"))).toEqual([e.id]);
    expect(ids(await calendarView(c, "2026-03-02T18:00:00+01:00", "2026-03-02T18:30:00+01:00"))).toEqual([e.id]);
  });

  it("an unparseable value or a day that does not exist → 400 ErrorInvalidParameter", async () => {
    const c = await newCaller(t);
    for (const [from, to] of [["yesterday", "2026-03-02"], ["2026-03-01", "2026-13-45T00:00:00"], ["2026-03-01", "2026-03-02T25:00:00"],
      // Date.parse would roll these over to 2 and 3 March: Graph refuses them.
      ["2026-02-30T00:00:00Z", "2026-03-05"], ["2026-03-01", "2026-02-31"], ["2026-03-01", "2026-03-02T24:00:00Z"], ["2026-04-31", "2026-05-02"]]) {
      expectGraphError(await calendarView(c, from as string, to as string), 400, "ErrorInvalidParameter");
    }
  });
});

describe("what the window holds", () => {
  it("overlap edges: ending at the window start is out, starting at its end is out, spanning it is in, zero-length at its start is in", async () => {
    const c = await newCaller(t);
    const at = (from: string, to: string, subject: string) => createEvent(c, { subject, start: `2026-03-10T${from}`, end: `2026-03-10T${to}` });
    await at("09:00", "10:00", "ends at window start");
    await at("12:00", "13:00", "starts at window end");
    await at("08:00", "14:00", "spans the window");
    await at("10:00", "10:00", "zero-length at window start");
    await at("12:00", "12:00", "zero-length at window end");
    await at("09:59", "10:01", "straddles the start");
    await at("11:59", "12:01", "straddles the end");
    const res = await calendarView(c, "2026-03-10T10:00:00Z", "2026-03-10T12:00:00Z");
    expect(res.body.value.map((e: any) => e.subject)).toEqual([
      "spans the window", "straddles the start", "zero-length at window start", "straddles the end",
    ]);
  });

  it("single instances, occurrences and exceptions together, ordered by start; masters and cancelled occurrences never", async () => {
    const c = await newCaller(t);
    const master = await createEvent(c, {
      subject: "Series", start: "2026-03-02T09:00", end: "2026-03-02T10:00",
      recurrence: { pattern: { type: "daily", interval: 1 }, range: { type: "endDate", startDate: "2026-03-02", endDate: "2026-03-05" } },
    });
    await createEvent(c, { subject: "Single", start: "2026-03-03T08:00", end: "2026-03-03T08:30" });
    await createEvent(c, { subject: "Outside", start: "2026-03-09T08:00", end: "2026-03-09T08:30" });
    const occurrences = (await t.request("GET", `/v1.0/me/events/${master.id}/instances?${windowQuery("2026-03-01", "2026-03-08")}`, { token: c.token })).body.value;
    expect((await t.request("PATCH", `/v1.0/me/events/${occurrences[3].id}`, {
      token: c.token, body: { subject: "Exception", start: { dateTime: "2026-03-05T07:00:00", timeZone: "UTC" }, end: { dateTime: "2026-03-05T07:30:00", timeZone: "UTC" } },
    })).status).toBe(200);
    expect((await t.request("DELETE", `/v1.0/me/events/${occurrences[1].id}`, { token: c.token })).status).toBe(204);
    const res = await calendarView(c, "2026-03-01", "2026-03-08");
    expect(res.body.value.map((e: any) => [e.start.dateTime.slice(0, 16), e.type, e.subject])).toEqual([
      ["2026-03-02T09:00", "occurrence", "Series"],
      ["2026-03-03T08:00", "singleInstance", "Single"],
      ["2026-03-04T09:00", "occurrence", "Series"],
      ["2026-03-05T07:00", "exception", "Exception"],
    ]);
    expect(ids(res)).not.toContain(master.id);
  });
});

describe("paging, $select and Prefer", () => {
  /** Seven events on 2–8 March, returned in start order. */
  async function sevenDays(c: Caller): Promise<string[]> {
    const made: string[] = [];
    // Created out of order, so start order is not creation order.
    for (const day of ["05", "02", "08", "03", "07", "04", "06"]) {
      made.push((await createEvent(c, { subject: `day ${day}`, start: `2026-03-${day}T09:00`, end: `2026-03-${day}T10:00` })).id);
    }
    const all = await calendarView(c, "2026-03-01", "2026-04-01");
    expect(starts(all)).toEqual(["02", "03", "04", "05", "06", "07", "08"].map((d) => `2026-03-${d}T09:00`));
    return ids(all);
  }

  async function follow(c: Caller, first: string, headers: Record<string, string> = {}): Promise<{ pages: number[]; ids: string[] }> {
    const out: { pages: number[]; ids: string[] } = { pages: [], ids: [] };
    let url: string | undefined = first;
    while (url) {
      const res = await t.request("GET", url, { token: c.token, headers });
      expect(res.status, res.text).toBe(200);
      out.pages.push(res.body.value.length);
      out.ids.push(...ids(res));
      const next: string | undefined = res.body["@odata.nextLink"];
      url = next === undefined ? undefined : pathOf(next);
      expect(out.pages.length).toBeLessThan(20);
    }
    return out;
  }

  it("Prefer: odata.maxpagesize=2: following @odata.nextLink collects exactly the full list", async () => {
    const c = await newCaller(t);
    const all = await sevenDays(c);
    const first = await t.request("GET", `/v1.0/me/calendarView?${windowQuery("2026-03-01", "2026-04-01")}`, {
      token: c.token, headers: { prefer: "odata.maxpagesize=2" },
    });
    expect(first.headers["preference-applied"]).toContain("odata.maxpagesize=2");
    const walked = await follow(c, `/v1.0/me/calendarView?${windowQuery("2026-03-01", "2026-04-01")}`, { prefer: "odata.maxpagesize=2" });
    expect(walked.pages).toEqual([2, 2, 2, 1]);
    expect(walked.ids).toEqual(all);
  });

  it("$top=3: following @odata.nextLink collects exactly the full list", async () => {
    const c = await newCaller(t);
    const all = await sevenDays(c);
    const walked = await follow(c, `/v1.0/me/calendarView?${windowQuery("2026-03-01", "2026-04-01")}&$top=3`);
    expect(walked.pages).toEqual([3, 3, 1]);
    expect(walked.ids).toEqual(all);
  });

  it("the default page is 10", async () => {
    const c = await newCaller(t);
    for (let i = 0; i < 12; i++) await createEvent(c, { start: `2026-03-02T${String(i + 8).padStart(2, "0")}:00`, end: `2026-03-02T${String(i + 8).padStart(2, "0")}:30` });
    const walked = await follow(c, `/v1.0/me/calendarView?${windowQuery("2026-03-01", "2026-04-01")}`);
    expect(walked.pages).toEqual([10, 2]);
    expect(new Set(walked.ids).size).toBe(12);
  });

  it("$select: only the chosen properties (and id, etag)", async () => {
    const c = await newCaller(t);
    await createEvent(c, { subject: "Picked", start: "2026-03-02T09:00", end: "2026-03-02T10:00" });
    const res = await t.request("GET", `/v1.0/me/calendarView?${windowQuery("2026-03-01", "2026-04-01")}&$select=subject,start`, { token: c.token });
    expect(res.status, res.text).toBe(200);
    const [item] = res.body.value;
    expect(Object.keys(item).sort()).toEqual(["@odata.etag", "id", "start", "subject"]);
    expect(item.subject).toBe("Picked");
  });

  it("Prefer: outlook.timezone changes how times read, not the window", async () => {
    const c = await newCaller(t);
    const e = await createEvent(c, { start: "2026-03-02T17:00", end: "2026-03-02T18:00" });
    // The window (16:00Z–17:30Z) would miss the event if it were read in Pacific time (00:00Z–01:30Z next day).
    const res = await calendarView(c, "2026-03-02T16:00:00", "2026-03-02T17:30:00", { headers: { prefer: 'outlook.timezone="Pacific Standard Time"' } });
    expect(ids(res)).toEqual([e.id]);
    expect(res.body.value[0].start).toEqual({ dateTime: "2026-03-02T09:00:00.0000000", timeZone: "Pacific Standard Time" });
    expect(res.headers["preference-applied"]).toContain('outlook.timezone="Pacific Standard Time"');
  });
});

describe("lazy expansion", () => {
  it("a daily noEnd series started ten years ago: a one-week view gives 7 occurrences and stores nothing but the master", async () => {
    const mailbox = await t.newMailbox();
    const c: Caller = { t, token: await t.userToken(mailbox) };
    const master = await createEvent(c, {
      start: "2016-11-25T09:00", end: "2016-11-25T09:30",
      recurrence: { pattern: { type: "daily", interval: 1 }, range: { type: "noEnd", startDate: "2016-11-25" } },
    });
    const res = await calendarView(c, "2026-11-23", "2026-11-30");
    expect(starts(res)).toEqual(["23", "24", "25", "26", "27", "28", "29"].map((d) => `2026-11-${d}T09:00`));
    expect(res.body.value.every((e: any) => e.seriesMasterId === master.id)).toBe(true);
    // The rows straight from the store: one, the master.
    const calendar = (await t.request("GET", "/v1.0/me/calendar", { token: c.token })).body;
    const rows = await t.server.store.listCalendarEvents({ mailboxId: mailbox.id, calendarId: calendar.id });
    expect(rows.map((r) => [r.id, r.type])).toEqual([[master.id, "seriesMaster"]]);
  });
});
