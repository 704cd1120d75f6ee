import { describe, expect, it } from "vitest";
import { useTestServer } from "../../support/harness.js";
import { expectGraphError, pathOf } from "../../support/graph-assertions.js";
import { at, freshUser, hourOn, postEvent, type User } from "../../support/event-fixtures.js";

// GET …/events (spec §1.1): single instances and series masters only, $select, $top/$skip with
// @odata.nextLink, $orderby, $filter, $count, and which calendars each collection covers.

const DAILY = {
  pattern: { type: "daily", interval: 1 },
  range: { type: "numbered", startDate: "2026-12-21", numberOfOccurrences: 5 },
};

describe("events: list endpoints and query options", () => {
  const t = useTestServer();

  /** Five events whose subject, start, end and lastModified orders all differ, plus a series. */
  async function seeded(): Promise<{ user: User; events: Array<Record<string, any>> }> {
    const user = await freshUser(t);
    const specs = [
      { subject: "Charlie", start: "2026-12-22T09:00:00", end: "2026-12-22T12:00:00" },
      { subject: "alpha", start: "2026-12-24T09:00:00", end: "2026-12-24T09:30:00" },
      { subject: "Echo", start: "2026-12-20T09:00:00", end: "2026-12-25T10:00:00" },
      { subject: "Delta", start: "2026-12-23T09:00:00", end: "2026-12-23T10:00:00" },
      { subject: "Bravo", start: "2026-12-19T09:00:00", end: "2026-12-19T18:00:00" },
    ];
    const events: Array<Record<string, any>> = [];
    for (const s of specs) {
      t.clock.advance(1000);
      events.push(await postEvent(t, user.token, { subject: s.subject, start: at(s.start), end: at(s.end) }));
    }
    t.clock.advance(1000);
    events.push(await postEvent(t, user.token, {
      subject: "Series", start: at("2026-12-21T15:00:00"), end: at("2026-12-21T15:30:00"), recurrence: DAILY,
    }));
    // Touch "Charlie" last, so lastModifiedDateTime order differs from creation order.
    t.clock.advance(1000);
    const touched = await t.request("PATCH", `/v1.0/me/events/${events[0]?.id}`, { token: user.token, body: { importance: "high" } });
    events[0] = touched.body;
    return { user, events };
  }

  it("lists single instances and series masters, never occurrences; the default order is start then id", async () => {
    const { user, events } = await seeded();
    const res = await t.request("GET", "/v1.0/me/events?$top=100", { token: user.token });
    expect(res.status).toBe(200);
    expect(res.body["@odata.context"]).toBe("http://localhost:80/v1.0/$metadata#me/events");
    const value = res.body.value as Array<Record<string, any>>;
    expect(value).toHaveLength(6);
    expect(value.map((e) => e.type).sort()).toEqual(["seriesMaster", ...Array(5).fill("singleInstance")].sort());
    expect(value.map((e) => e.start.dateTime)).toEqual([...value.map((e) => e.start.dateTime)].sort());
    expect(new Set(value.map((e) => e.id))).toEqual(new Set(events.map((e) => e.id)));
    // The series does have occurrences; they are just not listed here.
    const series = events[5] as Record<string, any>;
    const instances = await t.request("GET", `/v1.0/me/events/${series.id}/instances?startDateTime=2026-12-21T00:00:00Z&endDateTime=2026-12-31T00:00:00Z`, { token: user.token });
    expect(instances.body.value).toHaveLength(5);
  });

  it("$select returns the chosen properties plus id and @odata.etag, and names them (id first, as for calendars) in @odata.context", async () => {
    const { user } = await seeded();
    const res = await t.request("GET", "/v1.0/me/events?$select=subject,start", { token: user.token });
    expect(res.status).toBe(200);
    expect(res.body["@odata.context"]).toBe("http://localhost:80/v1.0/$metadata#me/events(id,subject,start)");
    for (const e of res.body.value) expect(Object.keys(e).sort()).toEqual(["@odata.etag", "id", "start", "subject"]);
    const one = res.body.value[0];
    const got = await t.request("GET", `/v1.0/me/events/${one.id}?$select=showAs`, { token: user.token });
    expect(got.body).toEqual({
      "@odata.context": "http://localhost:80/v1.0/$metadata#me/events(id,showAs)/$entity",
      "@odata.etag": one["@odata.etag"], id: one.id, showAs: "busy",
    });
    expect((await t.request("GET", "/v1.0/me/events?$select=noSuchThing", { token: user.token })).status).toBe(400);
  });

  it("$top/$skip page the list; @odata.nextLink followed to the end visits every event once", async () => {
    const { user, events } = await seeded();
    const seen: string[] = [];
    let url: string | undefined = "/v1.0/me/events?$top=2";
    let pages = 0;
    while (url) {
      const res = await t.request("GET", url, { token: user.token });
      expect(res.status).toBe(200);
      expect(res.body.value.length).toBeLessThanOrEqual(2);
      seen.push(...res.body.value.map((e: any) => e.id));
      url = res.body["@odata.nextLink"] && pathOf(res.body["@odata.nextLink"]);
      if (url) expect(url).toMatch(/\$skip=\d+/);
      pages++;
    }
    expect(pages).toBe(3);
    expect(seen).toHaveLength(6);
    expect(new Set(seen)).toEqual(new Set(events.map((e) => e.id)));
    const all = (await t.request("GET", "/v1.0/me/events", { token: user.token })).body.value.map((e: any) => e.id);
    expect(seen).toEqual(all);
    const skipped = await t.request("GET", "/v1.0/me/events?$skip=4", { token: user.token });
    expect(skipped.body.value.map((e: any) => e.id)).toEqual(all.slice(4));
    expect(skipped.body["@odata.nextLink"]).toBeUndefined();
    // Prefer odata.maxpagesize is the page size when $top is absent.
    const preferred = await t.request("GET", "/v1.0/me/events", { token: user.token, headers: { prefer: "odata.maxpagesize=4" } });
    expect(preferred.body.value).toHaveLength(4);
    expect(preferred.body["@odata.nextLink"]).toBeDefined();
  });

  it("$orderby on start/dateTime, end/dateTime, subject and lastModifiedDateTime, asc and desc", async () => {
    const { user, events } = await seeded();
    const order = async (clause: string) =>
      (await t.request("GET", `/v1.0/me/events?$orderby=${encodeURIComponent(clause)}&$top=100`, { token: user.token })).body.value.map((e: any) => e.subject);
    const sortedBy = (key: (e: Record<string, any>) => string, desc = false) => {
      const out = [...events].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0)).map((e) => e.subject);
      return desc ? out.reverse() : out;
    };
    expect(await order("start/dateTime")).toEqual(sortedBy((e) => e.start.dateTime));
    expect(await order("start/dateTime desc")).toEqual(sortedBy((e) => e.start.dateTime, true));
    expect(await order("end/dateTime asc")).toEqual(sortedBy((e) => e.end.dateTime));
    expect(await order("end/dateTime desc")).toEqual(sortedBy((e) => e.end.dateTime, true));
    expect(await order("lastModifiedDateTime desc")).toEqual(sortedBy((e) => e.lastModifiedDateTime, true));
    expect(await order("lastModifiedDateTime")).toEqual(sortedBy((e) => e.lastModifiedDateTime));
    // Subject order is case-insensitive, as Exchange sorts strings.
    expect(await order("subject")).toEqual(["alpha", "Bravo", "Charlie", "Delta", "Echo", "Series"]);
    expect(await order("subject desc")).toEqual(["Series", "Echo", "Delta", "Charlie", "Bravo", "alpha"]);
    // The orders really differ, so each assertion above tests its own key.
    expect(await order("start/dateTime")).not.toEqual(await order("end/dateTime"));
    expectGraphError(await t.request("GET", "/v1.0/me/events?$orderby=importance", { token: user.token }), 400, "ErrorInvalidUrlQuery");
  });

  it("$filter on start/dateTime, subject, type, combined with and; $count=true counts the filtered list", async () => {
    const { user } = await seeded();
    const filter = async (clause: string, extra = "") => {
      const res = await t.request("GET", `/v1.0/me/events?$filter=${encodeURIComponent(clause)}&$orderby=subject${extra}`, { token: user.token });
      expect(res.status, `${clause}: ${res.text.slice(0, 200)}`).toBe(200);
      return res;
    };
    const subjects = async (clause: string) => (await filter(clause)).body.value.map((e: any) => e.subject);
    expect(await subjects("start/dateTime ge '2026-12-22T00:00:00'")).toEqual(["alpha", "Charlie", "Delta"]);
    expect(await subjects("start/dateTime lt '2026-12-21T00:00:00'")).toEqual(["Bravo", "Echo"]);
    expect(await subjects("subject eq 'Delta'")).toEqual(["Delta"]);
    expect(await subjects("type eq 'seriesMaster'")).toEqual(["Series"]);
    expect(await subjects("type eq 'singleInstance' and start/dateTime ge '2026-12-20T00:00:00' and end/dateTime le '2026-12-23T23:00:00'")).toEqual(["Charlie", "Delta"]);
    const counted = await filter("start/dateTime ge '2026-12-21T00:00:00'", "&$count=true&$top=1");
    expect(counted.body["@odata.count"]).toBe(4);
    expect(counted.body.value).toHaveLength(1);
    expect(Object.keys(counted.body)).toEqual(["@odata.context", "@odata.count", "value", "@odata.nextLink"]);
    const all = await t.request("GET", "/v1.0/me/events?$count=true", { token: user.token });
    expect(all.body["@odata.count"]).toBe(6);
    expect((await t.request("GET", "/v1.0/me/events", { token: user.token })).body["@odata.count"]).toBeUndefined();
  });

  it("unsupported filters are 400 BadRequest \"Invalid filter clause\"", async () => {
    const { token } = await freshUser(t);
    for (const clause of ["importance eq 'high'", "subject eq 'a' or subject eq 'b'", "not (subject eq 'a')", "start/dateTime ge 'yesterday'", "subject eq"]) {
      const res = await t.request("GET", `/v1.0/me/events?$filter=${encodeURIComponent(clause)}`, { token });
      expectGraphError(res, 400, "BadRequest", /^Invalid filter clause/);
    }
  });

  it("/me/events lists every calendar; /me/calendars/{id}/events lists one; POST /me/events goes to the default calendar", async () => {
    const { token } = await freshUser(t);
    const other = (await t.request("POST", "/v1.0/me/calendars", { token, body: { name: "Side" } })).body.id as string;
    const inDefault = await postEvent(t, token, hourOn("2026-12-28", 9, "default"));
    const inOther = await postEvent(t, token, hourOn("2026-12-28", 10, "side"), `/v1.0/me/calendars/${other}/events`);
    const ids = async (path: string) => (await t.request("GET", path, { token })).body.value.map((e: any) => e.id);
    expect(await ids("/v1.0/me/events")).toEqual([inDefault.id, inOther.id]);
    expect(await ids("/beta/me/calendar/events")).toEqual([inDefault.id]);
    expect(await ids(`/v1.0/me/calendars/${other}/events`)).toEqual([inOther.id]);
    const context = (await t.request("GET", `/v1.0/me/calendars/${other}/events`, { token })).body["@odata.context"];
    expect(context).toBe(`http://localhost:80/v1.0/$metadata#me/calendars('${other}')/events`);
    const counted = await t.request("GET", `/v1.0/me/calendars/${other}/events?$count=true`, { token });
    expect(counted.body["@odata.count"]).toBe(1);
  });
});
