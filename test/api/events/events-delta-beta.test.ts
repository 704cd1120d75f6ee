import { describe, expect, it } from "vitest";
import { useTestServer, type TestResponse } from "../../support/harness.js";
import { expectGraphError } from "../../support/graph-assertions.js";
import { pathOf } from "../delta-support.js";
import { createEvent, instances, newCaller, windowQuery, type Caller } from "./series-support.js";

// beta events/delta (issue 10, spec §3.1–3.2, §6 X5): singles and masters only, as skeletons,
// round by round from the event change log; v1.0 refuses it with Graph's message.

// GRAPH_EXTENSIONS: the 410's Location is a graphcal extension (graph-parity.test.ts: none in parity mode).
const t = useTestServer({ env: { GRAPH_EXTENSIONS: "1" } });

type Json = Record<string, any>;

const DAILY = { pattern: { type: "daily", interval: 1 }, range: { type: "numbered", startDate: "2026-03-02", numberOfOccurrences: 5 } };

const get = (c: Caller, url: string, headers?: Record<string, string>): Promise<TestResponse> =>
  t.request("GET", pathOf(url), { token: c.token, ...(headers && { headers }) });
const patch = (c: Caller, id: string, body: unknown) => t.request("PATCH", `/v1.0/me/events/${id}`, { token: c.token, body });
const del = (c: Caller, id: string) => t.request("DELETE", `/v1.0/me/events/${id}`, { token: c.token });

/** Follows nextLinks to the end of a round: every item and the deltaLink. */
async function round(c: Caller, url: string, headers?: Record<string, string>): Promise<{ items: Json[]; deltaLink: string; pages: Json[] }> {
  const items: Json[] = [];
  const pages: Json[] = [];
  let next: string | undefined = url;
  for (let guard = 0; next !== undefined; guard++) {
    expect(guard).toBeLessThan(50);
    const res = await get(c, next, headers);
    expect(res.status, res.text).toBe(200);
    pages.push(res.body);
    items.push(...res.body.value);
    if (res.body["@odata.deltaLink"]) return { items, deltaLink: res.body["@odata.deltaLink"], pages };
    next = res.body["@odata.nextLink"];
    expect(typeof next).toBe("string");
  }
  throw new Error("unreachable");
}

/** The shape rule: an item has exactly these keys; a removal exactly those. */
function expectShape(item: Json): void {
  if ("@removed" in item) {
    expect(item).toEqual({ "@odata.type": "#microsoft.graph.event", id: item.id, "@removed": { reason: "deleted" } });
    return;
  }
  expect(Object.keys(item).sort()).toEqual(["@odata.type", "end", "id", "start", "type"]);
  expect(item["@odata.type"]).toBe("#microsoft.graph.event");
  expect(["singleInstance", "seriesMaster"]).toContain(item.type);
  for (const edge of [item.start, item.end]) expect(Object.keys(edge).sort()).toEqual(["dateTime", "timeZone"]);
}

const summary = (items: Json[]) => items.map((i) => ("@removed" in i ? `-${i.id}` : `${i.type}:${i.id}`));

async function newCalendar(c: Caller, name: string): Promise<string> {
  const res = await t.request("POST", "/v1.0/me/calendars", { token: c.token, body: { name } });
  expect(res.status, res.text).toBe(201);
  return res.body.id;
}

describe("beta events/delta: initial round", () => {
  it("lists singles and masters only, each with only @odata.type, id, type, start, end (camelCase, Prefer zone)", async () => {
    const c = await newCaller(t);
    const single = await createEvent(c, { subject: "One", start: "2026-03-01T09:00", end: "2026-03-01T10:00" });
    const master = await createEvent(c, { subject: "Daily", start: "2026-03-02T09:00", end: "2026-03-02T10:00", recurrence: DAILY });
    // An exception and a cancellation: neither is ever an item.
    const occ = (await instances(c, master.id, "2026-03-01", "2026-04-01")).body.value as Json[];
    expect((await patch(c, occ[1]?.id, { subject: "Moved" })).status).toBe(200);
    expect((await del(c, occ[2]?.id)).status).toBe(204);

    const res = await get(c, "/beta/me/events/delta", { prefer: 'outlook.timezone="Europe/Paris"' });
    expect(res.status, res.text).toBe(200);
    expect(res.body["@odata.context"]).toMatch(/\/beta\/\$metadata#Collection\(event\)$/);
    expect(res.body["@odata.deltaLink"]).toMatch(/^https?:\/\/[^/]+\/beta\/me\/events\/delta\?\$deltatoken=[A-Za-z0-9_.-]+$/);
    expect(res.headers["preference-applied"]).toBe('odata.track-changes, outlook.timezone="Europe/Paris"');
    res.body.value.forEach(expectShape);
    expect(summary(res.body.value)).toEqual([`singleInstance:${single.id}`, `seriesMaster:${master.id}`]);
    expect(res.body.value[0].start).toEqual({ dateTime: "2026-03-01T10:00:00.0000000", timeZone: "Europe/Paris" });
    expect(res.body.value[1].end).toEqual({ dateTime: "2026-03-02T11:00:00.0000000", timeZone: "Europe/Paris" });
  });

  it("/me/events/delta covers every calendar; a calendar's own URL forms only that calendar", async () => {
    const c = await newCaller(t);
    const mailbox = (await t.request("GET", "/v1.0/me", { token: c.token })).body;
    const other = await newCalendar(c, "Other");
    const inDefault = await createEvent(c, { start: "2026-03-01T09:00", end: "2026-03-01T10:00" });
    const inOther = await createEvent(c, { start: "2026-03-01T11:00", end: "2026-03-01T12:00" }, `/v1.0/me/calendars/${other}/events`);
    const group = await t.request("POST", "/v1.0/me/calendarGroups", { token: c.token, body: { name: "Projects" } });
    expect(group.status, group.text).toBe(201);
    const grouped = await t.request("POST", `/v1.0/me/calendarGroups/${group.body.id}/calendars`, { token: c.token, body: { name: "Grouped" } });
    expect(grouped.status, grouped.text).toBe(201);
    const inGrouped = await createEvent(c, { start: "2026-03-01T13:00", end: "2026-03-01T14:00" }, `/v1.0/me/calendars/${grouped.body.id}/events`);

    const ids = async (url: string) => (await round(c, url)).items.map((i) => i.id);
    expect(await ids("/beta/me/events/delta")).toEqual([inDefault.id, inOther.id, inGrouped.id]);
    expect(await ids(`/beta/users/${mailbox.id}/events/delta`)).toEqual([inDefault.id, inOther.id, inGrouped.id]);
    expect(await ids("/beta/me/calendar/events/delta")).toEqual([inDefault.id]);
    expect(await ids(`/beta/me/calendars/${other}/events/delta`)).toEqual([inOther.id]);
    expect(await ids(`/beta/users/${mailbox.userPrincipalName}/calendars/${other}/events/delta`)).toEqual([inOther.id]);
    expect(await ids(`/beta/me/calendarGroups/${group.body.id}/calendars/${grouped.body.id}/events/delta`)).toEqual([inGrouped.id]);
    // OData function syntax resolves the same way; the links keep the URL's calendar form.
    const fn = await round(c, `/beta/me/calendars('${other}')/events/microsoft.graph.delta()`);
    expect(fn.items.map((i) => i.id)).toEqual([inOther.id]);
    expect(pathOf(fn.deltaLink)).toMatch(new RegExp(`^/beta/me/calendars/${other}/events/delta\\?\\$deltatoken=`));
    // A calendar in another group is not found through the wrong group.
    expectGraphError(await get(c, `/beta/me/calendarGroups/${group.body.id}/calendars/${other}/events/delta`), 404, "ErrorItemNotFound");
  });

  it("startDateTime keeps the events that end after it (a master: its series extent); the bound stays in the token", async () => {
    const c = await newCaller(t);
    const early = await createEvent(c, { start: "2026-01-05T09:00", end: "2026-01-05T10:00" });
    const spanning = await createEvent(c, { start: "2026-02-28T23:00", end: "2026-03-01T01:00" });
    const late = await createEvent(c, { start: "2026-03-10T09:00", end: "2026-03-10T10:00" });
    const oldSeries = await createEvent(c, {
      start: "2025-06-02T09:00", end: "2025-06-02T10:00",
      recurrence: { ...DAILY, range: { type: "numbered", startDate: "2025-06-02", numberOfOccurrences: 3 } },
    });
    const series = await createEvent(c, { start: "2026-02-20T09:00", end: "2026-02-20T10:00", recurrence: { ...DAILY, range: { type: "noEnd", startDate: "2026-02-20" } } });
    const first = await round(c, "/beta/me/events/delta?startDateTime=2026-03-01T00:00:00Z");
    expect(first.items.map((i) => i.id)).toEqual([series.id, spanning.id, late.id]);
    expect(first.items.map((i) => i.id)).not.toContain(early.id);
    expect(first.items.map((i) => i.id)).not.toContain(oldSeries.id);

    // Later rounds keep the bound: an edit moving an item before it is a removal, one into it an item,
    // and an item created before it a removal too (§3.5: changes outside the range are tombstones).
    expect((await patch(c, late.id, { start: { dateTime: "2026-02-01T09:00:00", timeZone: "UTC" }, end: { dateTime: "2026-02-01T10:00:00", timeZone: "UTC" } })).status).toBe(200);
    expect((await patch(c, early.id, { start: { dateTime: "2026-04-01T09:00:00", timeZone: "UTC" }, end: { dateTime: "2026-04-01T10:00:00", timeZone: "UTC" } })).status).toBe(200);
    const before = await createEvent(c, { start: "2026-01-07T09:00", end: "2026-01-07T10:00" });
    const second = await round(c, first.deltaLink);
    expect(summary(second.items)).toEqual([`-${late.id}`, `singleInstance:${early.id}`, `-${before.id}`]);
    expect(pathOf(second.deltaLink)).toMatch(/^\/beta\/me\/events\/delta\?\$deltatoken=/);
  });
});

describe("beta events/delta: later rounds", () => {
  it("each kind of change: create, update, delete, series edits (master re-sent), exception and occurrence entries ignored", async () => {
    const c = await newCaller(t);
    const keep = await createEvent(c, { start: "2026-03-01T08:00", end: "2026-03-01T09:00" });
    const edit = await createEvent(c, { start: "2026-03-01T09:00", end: "2026-03-01T10:00" });
    const gone = await createEvent(c, { start: "2026-03-01T10:00", end: "2026-03-01T11:00" });
    const master = await createEvent(c, { start: "2026-03-02T09:00", end: "2026-03-02T10:00", recurrence: DAILY });
    const first = await round(c, "/beta/me/events/delta");
    expect(first.items.map((i) => i.id)).toEqual([keep.id, edit.id, gone.id, master.id]);

    // Nothing happened: an empty round.
    const quiet = await round(c, first.deltaLink);
    expect(quiet.items).toEqual([]);

    expect((await patch(c, edit.id, { subject: "Edited" })).status).toBe(200);
    expect((await del(c, gone.id)).status).toBe(204);
    const created = await createEvent(c, { start: "2026-03-05T09:00", end: "2026-03-05T10:00" });
    const createdAndDeleted = await createEvent(c, { start: "2026-03-06T09:00", end: "2026-03-06T10:00" });
    expect((await del(c, createdAndDeleted.id)).status).toBe(204);
    const second = await round(c, quiet.deltaLink);
    second.items.forEach(expectShape);
    expect(summary(second.items)).toEqual([`singleInstance:${edit.id}`, `-${gone.id}`, `singleInstance:${created.id}`, `-${createdAndDeleted.id}`]);

    // An exception edit alone writes only the exception's entry: nothing to say (the client reads
    // series from masters; the master row itself did not change).
    const occ = (await instances(c, master.id, "2026-03-01", "2026-04-01")).body.value as Json[];
    expect((await patch(c, occ[0]?.id, { subject: "Exception" })).status).toBe(200);
    const third = await round(c, second.deltaLink);
    expect(third.items).toEqual([]);

    // Cancelling an occurrence changes the master's cancellations: the master is re-sent, never the occurrence.
    expect((await del(c, occ[3]?.id)).status).toBe(204);
    const fourth = await round(c, third.deltaLink);
    expect(summary(fourth.items)).toEqual([`seriesMaster:${master.id}`]);

    // Editing the master, then deleting it: one removal (collapsed per id), nothing for its exceptions.
    expect((await patch(c, master.id, { subject: "Renamed" })).status).toBe(200);
    expect((await del(c, master.id)).status).toBe(204);
    const fifth = await round(c, fourth.deltaLink);
    expect(summary(fifth.items)).toEqual([`-${master.id}`]);
  });

  it("deleting a calendar: /me/events/delta says @removed for its events; its own chain ends with 404", async () => {
    const c = await newCaller(t);
    const other = await newCalendar(c, "Doomed");
    const e = await createEvent(c, { start: "2026-03-01T09:00", end: "2026-03-01T10:00" }, `/v1.0/me/calendars/${other}/events`);
    const all = await round(c, "/beta/me/events/delta");
    const own = await round(c, `/beta/me/calendars/${other}/events/delta`);
    expect(all.items.map((i) => i.id)).toEqual([e.id]);
    expect((await t.request("DELETE", `/v1.0/me/calendars/${other}`, { token: c.token })).status).toBe(204);
    expect(summary((await round(c, all.deltaLink)).items)).toEqual([`-${e.id}`]);
    expectGraphError(await get(c, own.deltaLink), 404, "ErrorItemNotFound");
  });

  it("a single made recurring is re-sent as a seriesMaster", async () => {
    const c = await newCaller(t);
    const e = await createEvent(c, { start: "2026-03-02T09:00", end: "2026-03-02T10:00" });
    const first = await round(c, "/beta/me/events/delta");
    expect(summary(first.items)).toEqual([`singleInstance:${e.id}`]);
    expect((await patch(c, e.id, { recurrence: DAILY })).status).toBe(200);
    const second = await round(c, first.deltaLink);
    expect(summary(second.items)).toEqual([`seriesMaster:${e.id}`]);
  });

  it("paging with maxpagesize: pages of at most n, writes during the round do not change it, the next round has them", async () => {
    const c = await newCaller(t);
    const created: string[] = [];
    for (let day = 1; day <= 7; day++) created.push((await createEvent(c, { start: `2026-03-0${day}T09:00`, end: `2026-03-0${day}T10:00` })).id);
    const prefer = { prefer: "odata.maxpagesize=3" };
    const page1 = await get(c, "/beta/me/events/delta", prefer);
    expect(page1.status, page1.text).toBe(200);
    expect(page1.headers["preference-applied"]).toBe("odata.track-changes, odata.maxpagesize=3");
    expect(page1.body.value.map((i: Json) => i.id)).toEqual(created.slice(0, 3));
    expect(page1.body["@odata.nextLink"]).toMatch(/^https?:\/\/[^/]+\/beta\/me\/events\/delta\?\$skiptoken=[A-Za-z0-9_.-]+$/);
    // Mid-round writes: a delete and a move of items still to come, and a new event. The round is unchanged.
    expect((await del(c, created[5] as string)).status).toBe(204);
    const moved = await patch(c, created[4] as string, { start: { dateTime: "2026-03-09T09:00:00", timeZone: "UTC" }, end: { dateTime: "2026-03-09T10:00:00", timeZone: "UTC" } });
    expect(moved.status, moved.text).toBe(200);
    const late = await createEvent(c, { start: "2026-03-01T07:00", end: "2026-03-01T08:00" });
    const rest = await round(c, page1.body["@odata.nextLink"], prefer);
    expect(rest.pages.map((p) => p.value.length)).toEqual([3, 1]);
    expect(rest.items.map((i) => i.id)).toEqual(created.slice(3));
    expect(rest.items[1]?.start.dateTime).toBe("2026-03-05T09:00:00.0000000");
    const next = await round(c, rest.deltaLink, prefer);
    expect(summary(next.items)).toEqual([`-${created[5]}`, `singleInstance:${created[4]}`, `singleInstance:${late.id}`]);
    expect(next.items[1]?.start.dateTime).toBe("2026-03-09T09:00:00.0000000");
  });
});

describe("beta events/delta: tokens and refusals", () => {
  it("tokens are scoped: calendarView/delta and events/delta refuse each other's, another calendar's, another bound's", async () => {
    const c = await newCaller(t);
    const other = await newCalendar(c, "Other");
    await createEvent(c, { start: "2026-03-01T09:00", end: "2026-03-01T10:00" });
    const tokenOf = (link: string) => new URL(link).searchParams.get("$deltatoken") as string;

    const events = tokenOf((await round(c, "/beta/me/events/delta")).deltaLink);
    const calendarEvents = tokenOf((await round(c, "/beta/me/calendar/events/delta")).deltaLink);
    const bounded = tokenOf((await round(c, "/beta/me/events/delta?startDateTime=2026-01-01")).deltaLink);
    const view = await get(c, `/beta/me/calendarView/delta?${windowQuery("2026-03-01", "2026-04-01")}`);
    expect(view.status, view.text).toBe(200);
    const viewToken = tokenOf(view.body["@odata.deltaLink"]);

    // Each works where it was issued.
    expect((await get(c, `/beta/me/events/delta?$deltatoken=${events}`)).status).toBe(200);
    expect((await get(c, `/beta/me/calendar/events/delta?$deltatoken=${calendarEvents}`)).status).toBe(200);
    expect((await get(c, `/beta/me/calendarView/delta?$deltatoken=${viewToken}`)).status).toBe(200);
    // …and nowhere else.
    expectGraphError(await get(c, `/beta/me/events/delta?$deltatoken=${viewToken}`), 400, "BadRequest");
    expectGraphError(await get(c, `/beta/me/calendarView/delta?$deltatoken=${events}`), 400, "BadRequest");
    expectGraphError(await get(c, `/beta/me/calendarView/delta?$deltatoken=${calendarEvents}`), 400, "BadRequest");
    expectGraphError(await get(c, `/beta/me/calendars/delta?$deltatoken=${events}`), 400, "BadRequest");
    expectGraphError(await get(c, `/beta/me/events/delta?$deltatoken=${calendarEvents}`), 400, "BadRequest");
    expectGraphError(await get(c, `/beta/me/calendar/events/delta?$deltatoken=${events}`), 400, "BadRequest");
    expectGraphError(await get(c, `/beta/me/calendars/${other}/events/delta?$deltatoken=${calendarEvents}`), 400, "BadRequest");
    // The bound is part of the scope, yet a later request's startDateTime is ignored (the token's wins).
    const withBound = await get(c, `/beta/me/events/delta?$deltatoken=${bounded}&startDateTime=2030-01-01`);
    expect(withBound.status, withBound.text).toBe(200);
    // Another caller of the same mailbox (an app) cannot use a user's token.
    const app = await t.appToken(["Calendars.Read"]);
    const me = (await t.request("GET", "/v1.0/me", { token: c.token })).body;
    const asApp = await t.request("GET", `/beta/users/${me.id}/events/delta?$deltatoken=${events}`, { token: app });
    expectGraphError(asApp, 400, "BadRequest");
  });

  it("after resetSync: 410 ResyncRequired whose Location restarts the chain with its calendar and startDateTime", async () => {
    const c = await newCaller(t);
    const me = (await t.request("GET", "/v1.0/me", { token: c.token })).body;
    const other = await newCalendar(c, "Other");
    const e = await createEvent(c, { start: "2026-03-01T09:00", end: "2026-03-01T10:00" }, `/v1.0/me/calendars/${other}/events`);
    const first = await round(c, `/beta/me/calendars/${other}/events/delta?startDateTime=2026-02-01T00:00:00Z`);
    const admin = await t.appToken(["Graphcal.Admin"]);
    expect((await t.request("POST", `/_graphcal/mailboxes/${me.id}/resetSync`, { token: admin })).status).toBe(204);
    const gone = await get(c, first.deltaLink);
    expectGraphError(gone, 410, "ResyncRequired");
    const location = new URL(String(gone.headers.location));
    expect(location.pathname).toBe(`/beta/me/calendars/${other}/events/delta`);
    expect(location.searchParams.get("startDateTime")).toBe("2026-02-01T00:00:00.000Z");
    expect((await round(c, `${location.pathname}${location.search}`)).items.map((i) => i.id)).toEqual([e.id]);
  });

  it("v1.0 refuses every URL form with Graph's message", async () => {
    const c = await newCaller(t);
    const other = await newCalendar(c, "Other");
    const message = "Unsupported request: Change tracking is not supported against 'microsoft.graph.event'.";
    for (const url of ["/v1.0/me/events/delta", "/v1.0/me/calendar/events/delta()", `/v1.0/me/calendars/${other}/events/delta`, "/v1.0/me/events/microsoft.graph.delta()"]) {
      expectGraphError(await get(c, url), 400, "BadRequest", message);
    }
  });

  it("endDateTime → 400 ErrorInvalidParameter; a bad startDateTime, $top, $select, $filter → 400", async () => {
    const c = await newCaller(t);
    expectGraphError(await get(c, "/beta/me/events/delta?endDateTime=2026-04-01T00:00:00Z"), 400, "ErrorInvalidParameter", /EndDateTime/);
    expectGraphError(await get(c, "/beta/me/events/delta?startDateTime=2026-03-01&endDateTime=2026-04-01"), 400, "ErrorInvalidParameter");
    expectGraphError(await get(c, "/beta/me/events/delta?startDateTime=not-a-date"), 400, "ErrorInvalidParameter", /StartDateTime/);
    expectGraphError(await get(c, "/beta/me/events/delta?$top=5"), 400, "ErrorInvalidUrlQuery", /odata\.maxpagesize/);
    expectGraphError(await get(c, "/beta/me/events/delta?$select=subject"), 400, "ErrorInvalidUrlQuery");
    expectGraphError(await get(c, "/beta/me/events/delta?$filter=subject eq 'x'"), 400, "ErrorInvalidUrlQuery");
    // POST is not a method of the function.
    const post = await t.request("POST", "/beta/me/events/delta", { token: c.token, body: {} });
    expect(post.status).toBe(405);
  });
});
