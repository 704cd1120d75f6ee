import { describe, expect, it } from "vitest";
import { useTestServer } from "../../support/harness.js";
import {
  EventDeltaClient, WIN, calendarViewAll, create, dailySeries, deltaUrl, eventBody, expectEventDeltaPage, newUser, pathOf,
  send, type Json, type User,
} from "./event-delta-support.js";

// calendarView/delta over HTTP, the docs' flow (issue 10, spec §3.1–§3.4, §3.6): the initial
// round is the window's calendarView, pages chain with one link each, the Prefer headers are
// honoured per request, and every URL form answers the same way.

const t = useTestServer();

/** Three single events inside the window, one outside, and a 3-occurrence series inside. */
async function populate(u: User, base = "/v1.0/me"): Promise<void> {
  const events = `${base}/events`;
  await create(u, eventBody("2026-12-02T10:00", "2026-12-02T11:00", "A"), events);
  await create(u, eventBody("2026-12-03T10:00", "2026-12-03T11:00", "B"), events);
  await create(u, eventBody("2026-12-07T23:30", "2026-12-08T00:30", "C straddles the end"), events);
  await create(u, eventBody("2026-12-20T10:00", "2026-12-20T11:00", "Outside"), events);
  await create(u, dailySeries("2026-12-04", 3), events);
}

const shape = (e: Json) => ({ id: e.id, type: e.type, start: e.start, end: e.end });
const byId = (a: Json, b: Json) => (a.id < b.id ? -1 : 1);

describe("calendarView/delta: the initial round", () => {
  it("missing startDateTime or endDateTime → 400 ErrorInvalidParameter with the calendarView message", async () => {
    const u = await newUser(t);
    for (const url of ["/v1.0/me/calendarView/delta", `/v1.0/me/calendarView/delta?startDateTime=${WIN.from}`, `/beta/me/calendarView/delta?endDateTime=${WIN.to}`]) {
      const res = await send(u, "GET", url);
      expect(res.status, url).toBe(400);
      expect(res.body.error.code).toBe("ErrorInvalidParameter");
      expect(res.body.error.message).toBe("This request requires a time window specified by the query string parameters StartDateTime and EndDateTime.");
    }
  });

  it("returns exactly the window's calendarView (ids, type, start, end), no tombstones, in pages with one link each", async () => {
    const u = await newUser(t);
    await populate(u);
    const view = await calendarViewAll(u);
    expect(view).toHaveLength(6);
    const client = new EventDeltaClient(u, deltaUrl());
    const round = await client.round({ pageSize: 2 });
    expect(round.pages.length).toBeGreaterThan(1);
    for (const page of round.pages.slice(0, -1)) expect(page["@odata.nextLink"]).toContain("$skiptoken=");
    expect(round.deltaLink).toContain("$deltatoken=");
    expect(round.items.filter((i) => "@removed" in i)).toEqual([]);
    // The series master comes too (occurrences hang on it); the rest is calendarView exactly.
    const delivered = round.items.filter((i) => i.type !== "seriesMaster");
    expect(delivered.map(shape).sort(byId)).toEqual(view.map(shape).sort(byId));
    expect(round.items.filter((i) => i.type === "seriesMaster")).toHaveLength(1);
    for (const item of round.items) expect(item["@odata.etag"]).toMatch(/^W\/"/);
  });

  it("a poll with no changes is an empty page with a deltaLink", async () => {
    const u = await newUser(t);
    await populate(u);
    const client = new EventDeltaClient(u, deltaUrl());
    await client.round();
    for (let i = 0; i < 2; i++) {
      const again = await client.round();
      expect(again.pages).toHaveLength(1);
      expect(again.items).toEqual([]);
      expect(again.deltaLink).toContain("$deltatoken=");
    }
  });

  it("an empty window: one empty page with a deltaLink", async () => {
    const u = await newUser(t);
    const round = await new EventDeltaClient(u, deltaUrl()).round();
    expect(round.pages).toHaveLength(1);
    expect(round.items).toEqual([]);
  });

  it("Prefer: odata.maxpagesize is re-read on every request (the links do not fix it)", async () => {
    const u = await newUser(t);
    for (let i = 0; i < 6; i++) await create(u, eventBody(`2026-12-0${i + 1}T08:00`, `2026-12-0${i + 1}T09:00`, `E${i}`));
    const first = await send(u, "GET", deltaUrl(), undefined);
    expect(first.status).toBe(200);
    const p1 = await t.request("GET", deltaUrl(), { token: u.token, headers: { prefer: "odata.maxpagesize=1" } });
    expect(p1.body.value).toHaveLength(1);
    expect(p1.headers["preference-applied"]).toBe("odata.track-changes, odata.maxpagesize=1");
    const p2 = await t.request("GET", pathOf(p1.body["@odata.nextLink"]), { token: u.token, headers: { prefer: "odata.maxpagesize=3" } });
    expect(p2.body.value).toHaveLength(3);
    expect(p2.headers["preference-applied"]).toBe("odata.track-changes, odata.maxpagesize=3");
    const p3 = await t.request("GET", pathOf(p2.body["@odata.nextLink"]), { token: u.token });
    expect(p3.body.value).toHaveLength(2);
    expect(p3.body["@odata.deltaLink"]).toBeDefined();
    expect(p3.headers["preference-applied"]).toBe("odata.track-changes");
  });

  it("Prefer: outlook.timezone renders start/end of full items and skeletons (and is re-read per page)", async () => {
    const u = await newUser(t);
    await create(u, eventBody("2026-12-02T10:00", "2026-12-02T11:00", "A"));
    await create(u, dailySeries("2026-12-04", 2));
    const zone = { prefer: 'outlook.timezone="Pacific Standard Time"' };
    const res = await t.request("GET", deltaUrl(), { token: u.token, headers: zone });
    expect(res.status).toBe(200);
    expect(String(res.headers["preference-applied"])).toContain('outlook.timezone="Pacific Standard Time"');
    for (const item of res.body.value as Json[]) {
      expect(item.start.timeZone, item.type).toBe("Pacific Standard Time");
      expect(item.end.timeZone).toBe("Pacific Standard Time");
    }
    const single = res.body.value.find((i: Json) => i.subject === "A");
    expect(single.start.dateTime).toBe("2026-12-02T02:00:00.0000000");
    const occurrence = res.body.value.find((i: Json) => i.type === "occurrence");
    expect(occurrence.start.dateTime).toBe("2026-12-04T01:00:00.0000000");
    // Without the header the next request is in UTC again.
    const utc = await t.request("GET", deltaUrl(), { token: u.token });
    for (const item of utc.body.value as Json[]) expect(item.start.timeZone).toBe("UTC");
  });

  it("a later request's startDateTime/endDateTime are ignored: the token's window rules", async () => {
    const u = await newUser(t);
    const client = new EventDeltaClient(u, deltaUrl());
    await client.round();
    const inside = await create(u, eventBody("2026-12-02T10:00", "2026-12-02T11:00", "inside"));
    const far = await create(u, eventBody("2027-03-02T10:00", "2027-03-02T11:00", "far"));
    // A client appends another window to the deltaLink: the original window still decides.
    const link = `${pathOf(client.deltaLink as string)}&startDateTime=2027-03-01T00:00:00Z&endDateTime=2027-03-31T00:00:00Z`;
    const res = await send(u, "GET", link, undefined, 200);
    const byIdMap = new Map((res.body.value as Json[]).map((i) => [i.id, i]));
    expect(byIdMap.get(inside.id)?.subject).toBe("inside");
    expect(byIdMap.get(far.id)).toEqual({ "@odata.type": "#microsoft.graph.event", id: far.id, "@removed": { reason: "deleted" } });
    // The links keep naming no window of their own: the token carries it.
    expect(res.body["@odata.deltaLink"]).not.toContain("startDateTime");
  });
});

describe("calendarView/delta: URL forms", () => {
  it("/me, /me/calendar, /me/calendars/{id}, the group form and /users/{id}, in v1.0 and beta, give the same round", async () => {
    const u = await newUser(t);
    await populate(u);
    const me = await send(u, "GET", "/v1.0/me", undefined, 200);
    const cal = await send(u, "GET", "/v1.0/me/calendar", undefined, 200);
    const group = await send(u, "GET", "/v1.0/me/calendarGroups", undefined, 200);
    const groupId = group.body.value[0].id as string;
    const expected = (await calendarViewAll(u)).map((e) => e.id as string).sort();
    for (const version of ["v1.0", "beta"]) {
      for (const base of [
        `/${version}/me`, `/${version}/me/calendar`, `/${version}/me/calendars/${cal.body.id}`,
        `/${version}/me/calendarGroups/${groupId}/calendars/${cal.body.id}`, `/${version}/users/${me.body.id}`,
        `/${version}/users/${me.body.userPrincipalName}/calendars/${cal.body.id}`,
      ]) {
        const client = new EventDeltaClient(u, deltaUrl(base), version);
        const round = await client.round({ pageSize: 3 });
        const nonMaster = round.items.filter((i) => i.type !== "seriesMaster").map((i) => i.id as string).sort();
        expect(nonMaster, base).toEqual(expected);
        // Every link stays on the path it was asked on.
        for (const page of round.pages) {
          const link = new URL(page["@odata.nextLink"] ?? page["@odata.deltaLink"]);
          expect(decodeURIComponent(link.pathname), base).toBe(`${base}/calendarView/delta`);
        }
      }
    }
  });

  it("another calendar's calendarView/delta holds that calendar's events only", async () => {
    const u = await newUser(t);
    const other = await send(u, "POST", "/v1.0/me/calendars", { name: "Other" }, 201);
    const base = `/v1.0/me/calendars/${other.body.id}`;
    const mine = await create(u, eventBody("2026-12-02T10:00", "2026-12-02T11:00", "other cal"), `${base}/events`);
    await create(u, eventBody("2026-12-02T12:00", "2026-12-02T13:00", "default cal"));
    const client = new EventDeltaClient(u, deltaUrl(base));
    const round = await client.round();
    expect(round.ids).toEqual([mine.id]);
    // A change in the default calendar is not this calendar's business.
    await create(u, eventBody("2026-12-03T12:00", "2026-12-03T13:00", "default cal 2"));
    expect((await client.round()).items).toEqual([]);
  });

  it("a calendar that no longer exists → 404", async () => {
    const u = await newUser(t);
    const other = await send(u, "POST", "/v1.0/me/calendars", { name: "Gone" }, 201);
    await send(u, "DELETE", `/v1.0/me/calendars/${other.body.id}`, undefined, 204);
    const res = await send(u, "GET", deltaUrl(`/v1.0/me/calendars/${other.body.id}`));
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe("ErrorItemNotFound");
  });
});

describe("calendarView/delta: permissions", () => {
  it("Calendars.Read, ReadBasic and ReadWrite delegated, and app roles, read it", async () => {
    const owner = await newUser(t);
    await create(owner, eventBody("2026-12-02T10:00", "2026-12-02T11:00", "A", { body: { contentType: "text", content: "secret" }, location: { displayName: "Room 1" } }));
    const mailbox = await t.server.services.mailboxes.getUser(owner.mailboxId);
    for (const scopes of [["Calendars.Read"], ["Calendars.ReadBasic"], ["Calendars.ReadWrite"]]) {
      const token = await t.userToken(mailbox, scopes);
      const res = await t.request("GET", deltaUrl(), { token });
      expect(res.status, scopes[0]).toBe(200);
      expectEventDeltaPage(res.body);
      expect(res.body.value).toHaveLength(1);
    }
    for (const roles of [["Calendars.Read"], ["Calendars.ReadBasic.All"], ["Calendars.ReadWrite"]]) {
      const token = await t.appToken(roles);
      const res = await t.request("GET", deltaUrl(`/v1.0/users/${owner.mailboxId}`), { token });
      expect(res.status, `${roles[0]}: ${res.text.slice(0, 200)}`).toBe(200);
      expect(res.body.value).toHaveLength(1);
    }
  });

  it("ReadBasic items lack body, attendees and location, on the first round and later ones", async () => {
    const owner = await newUser(t);
    const full = eventBody("2026-12-02T10:00", "2026-12-02T11:00", "A", {
      body: { contentType: "text", content: "secret" }, location: { displayName: "Room 1" },
      attendees: [{ emailAddress: { address: "x@contoso.com", name: "X" }, type: "required" }],
    });
    await create(owner, full);
    const mailbox = await t.server.services.mailboxes.getUser(owner.mailboxId);
    const basic: User = { t, mailboxId: owner.mailboxId, token: await t.userToken(mailbox, ["Calendars.ReadBasic"]) };
    const client = new EventDeltaClient(basic, deltaUrl());
    const check = (items: Json[]) => {
      expect(items.length).toBeGreaterThan(0);
      for (const item of items) {
        expect(item.subject).toBeDefined();
        for (const key of ["body", "bodyPreview", "attendees", "location", "locations"]) expect(item, key).not.toHaveProperty(key);
      }
    };
    check((await client.round()).items);
    await create(owner, { ...full, subject: "B" });
    check((await client.round()).items);
    // The Read token sees them.
    const read: User = { ...basic, token: await t.userToken(mailbox, ["Calendars.Read"]) };
    const res = await send(read, "GET", deltaUrl(), undefined, 200);
    expect(res.body.value[0].body.content).toContain("secret");
    expect(res.body.value[0].location.displayName).toBe("Room 1");
  });

  it("no calendar scope → 403", async () => {
    const owner = await newUser(t);
    const mailbox = await t.server.services.mailboxes.getUser(owner.mailboxId);
    const token = await t.userToken(mailbox, ["User.Read"]);
    const res = await t.request("GET", deltaUrl(), { token });
    expect(res.status).toBe(403);
  });
});
