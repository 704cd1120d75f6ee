import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import {
  AllowedHostsValidator, BaseBearerTokenAuthenticationProvider, DateOnly, Headers as KiotaHeaders, HttpMethod, RequestInformation,
  type ErrorMappings, type Parsable, type ParsableFactory, type ParseNode,
} from "@microsoft/kiota-abstractions";
import { createGraphServiceClient, GraphRequestAdapter, type GraphServiceClient } from "@microsoft/msgraph-sdk";
import "@microsoft/msgraph-sdk-users";
import { createDeltaGetResponseFromDiscriminatorValue } from "@microsoft/msgraph-sdk-users/users/item/calendarView/delta/index.js";
import { PageIterator, type PageCollection } from "@microsoft/msgraph-sdk-core";
import {
  createCalendarFromDiscriminatorValue, deserializeIntoBaseDeltaFunctionResponse, type Calendar, type Event,
} from "@microsoft/msgraph-sdk/models/index.js";
import { createODataErrorFromDiscriminatorValue, type ODataError } from "@microsoft/msgraph-sdk/models/oDataErrors/index.js";
import { startTestServer, type TestServer } from "../support/harness.js";
import type { Mailbox } from "../../src/domain/index.js";

// The Kiota-based @microsoft/msgraph-sdk (v1.0 fluent API + @microsoft/msgraph-sdk-core's
// PageIterator) against graphcal, configured as an app would be for Graph except for the base
// URL and the token (spec §11.2). Kiota allows http:// for 127.0.0.1, so no TLS is needed here.
//
// calendar: delta is beta-only and absent from the v1.0 SDK (spec §10), so the delta round goes
// through a RequestInformation on the beta URI template and a delta response factory, which is
// what keeps @odata.deltaLink (a plain collection factory drops it).

/** What a calendars/delta page deserialises into: value + odataNextLink/odataDeltaLink. */
const createCalendarsDeltaResponse: ParsableFactory<PageCollection<Calendar>> = (_node: ParseNode | undefined) =>
  (instance?: Parsable) => {
    const page = instance as Partial<PageCollection<Calendar>>;
    return {
      ...deserializeIntoBaseDeltaFunctionResponse(page),
      value: (n: ParseNode) => {
        page.value = n.getCollectionOfObjectValues<Calendar>(createCalendarFromDiscriminatorValue) ?? [];
      },
    };
  };
const errorMappings: ErrorMappings = { XXX: createODataErrorFromDiscriminatorValue };

/** One delta item as the app would record it: a calendar, or a removal. */
function summary(item: Calendar): { id: string; name?: string; removed?: unknown } {
  const removed = item.additionalData?.["@removed"];
  return removed ? { id: item.id as string, removed } : { id: item.id as string, name: item.name as string };
}

describe("@microsoft/msgraph-sdk (Kiota) against graphcal", () => {
  let t: TestServer;
  let origin: string;
  let mailbox: Mailbox;
  let v1: GraphServiceClient;
  let v1Adapter: GraphRequestAdapter;
  let betaAdapter: GraphRequestAdapter;
  const requests: { method: string; url: string; authorization: string | null; prefer: string | null; sdkVersion: string | null }[] = [];

  beforeAll(async () => {
    t = await startTestServer();
    origin = (await t.server.listen()).http;
    const port = new URL(origin).port;
    mailbox = await t.newMailbox("Kiota User");
    const token = await t.userToken(mailbox);

    // Watch what the SDK puts on the wire. The SDK captures the global fetch when its adapter is
    // built, so the spy goes in first; it calls through, changing nothing.
    const realFetch = globalThis.fetch;
    vi.spyOn(globalThis, "fetch").mockImplementation(async (input, init) => {
      const headers = new Headers(init?.headers);
      requests.push({
        method: init?.method ?? "GET", url: String(input),
        authorization: headers.get("authorization"), prefer: headers.get("prefer"), sdkVersion: headers.get("sdkversion"),
      });
      return realFetch(input, init);
    });

    // The published kiota-abstractions compares the hostname without the port, the repository
    // version host:port; listing both keeps the token flowing with either (spec §11.2).
    const hosts = new AllowedHostsValidator(new Set(["127.0.0.1", `127.0.0.1:${port}`]));
    const auth = new BaseBearerTokenAuthenticationProvider({
      getAuthorizationToken: async (url) => (hosts.isUrlHostValid(url ?? "") ? token : ""),
      getAllowedHostsValidator: () => hosts,
    });
    v1Adapter = new GraphRequestAdapter(auth);
    v1Adapter.baseUrl = `${origin}/v1.0`; // the base URL includes the version segment
    v1 = createGraphServiceClient(v1Adapter);
    betaAdapter = new GraphRequestAdapter(auth);
    betaAdapter.baseUrl = `${origin}/beta`;
  });
  afterAll(async () => {
    vi.restoreAllMocks();
    await t.close();
  });

  it("lists, pages and creates calendars through users.byUserId(id).calendars, with Graph's errors as ODataError", async () => {
    const calendars = v1.users.byUserId(mailbox.id).calendars;
    const list = await calendars.get();
    expect(list?.value?.map((c) => c.name)).toEqual(["Calendar", "Birthdays"]);
    expect(list?.value?.[0]).toMatchObject({ isDefaultCalendar: true, canEdit: true, owner: { name: "Kiota User", address: mailbox.userPrincipalName } });
    expect(list?.odataNextLink).toBeUndefined();

    const created = await calendars.post({ name: "Kiota Team", color: "lightBlue" });
    expect(created).toMatchObject({ name: "Kiota Team", color: "lightBlue", isDefaultCalendar: false, canEdit: true });
    expect(created?.id).toMatch(/^[A-Za-z0-9_=-]+$/);
    expect(created?.changeKey).toBeTruthy();

    // $select/$top go out as Graph spells them, and the nextLink comes back absolute.
    const firstPage = await calendars.get({ queryParameters: { select: ["id", "name"], top: 2 } });
    expect(firstPage?.value?.map((c) => c.name)).toEqual(["Calendar", "Birthdays"]);
    expect(firstPage?.value?.[0]?.isDefaultCalendar).toBeUndefined();
    expect(firstPage?.odataNextLink).toMatch(new RegExp(`^${origin}/v1\\.0/users/${mailbox.id}/calendars\\?`));
    const secondPage = await calendars.withUrl(firstPage!.odataNextLink!).get();
    expect(secondPage?.value?.map((c) => [c.id, c.name])).toEqual([[created?.id, "Kiota Team"]]);

    const byId = await calendars.byCalendarId(created!.id!).get();
    expect(byId?.name).toBe("Kiota Team");

    await calendars.byCalendarId(created!.id!).delete();
    const missing = await calendars.byCalendarId(created!.id!).get().then(() => undefined, (e: unknown) => e as ODataError);
    expect(missing?.responseStatusCode).toBe(404);
    expect(missing?.errorEscaped?.code).toBe("ErrorItemNotFound");
    expect(missing?.errorEscaped?.innerError?.requestId).toMatch(/^[0-9a-f-]{36}$/);

    const sent = requests.filter((r) => r.url.startsWith(`${origin}/v1.0/`));
    expect(sent.map((r) => `${r.method} ${r.url.slice(origin.length)}`)).toEqual([
      `GET /v1.0/users/${mailbox.id}/calendars`,
      `POST /v1.0/users/${mailbox.id}/calendars`,
      `GET /v1.0/users/${mailbox.id}/calendars?$select=id,name&$top=2`,
      expect.stringMatching(new RegExp(`^GET /v1\\.0/users/${mailbox.id}/calendars\\?`)),
      `GET /v1.0/users/${mailbox.id}/calendars/${created?.id}`,
      `DELETE /v1.0/users/${mailbox.id}/calendars/${created?.id}`,
      `GET /v1.0/users/${mailbox.id}/calendars/${created?.id}`,
    ]);
    for (const r of sent) {
      expect(r.authorization).toMatch(/^Bearer ey/);
      expect(r.sdkVersion).toMatch(/^graph-typescript\//);
    }
  });

  it("walks a delta round with PageIterator, then resumes it from the deltaLink to exactly the changes made since", async () => {
    const existing = (await v1.users.byUserId(mailbox.id).calendars.get())?.value ?? [];
    expect(existing.map((c) => c.name)).toEqual(["Calendar", "Birthdays"]);
    // Graph reads Prefer on every page, so it goes on every request the iterator makes.
    const prefer = new KiotaHeaders();
    prefer.add("Prefer", "odata.maxpagesize=1");

    // The beta builder's URI template for users/{id}/calendars/delta (spec §10); the adapter
    // fills {+baseurl} with its base URL.
    const firstRequest = new RequestInformation(HttpMethod.GET, "{+baseurl}/users/{user%2Did}/calendars/delta()", { "user%2Did": mailbox.id });
    firstRequest.headers.add("Accept", "application/json");
    firstRequest.headers.add("Prefer", "odata.maxpagesize=1");
    const firstPage = await betaAdapter.send(firstRequest, createCalendarsDeltaResponse, errorMappings);
    expect(firstPage?.value).toHaveLength(1);
    expect(firstPage?.odataNextLink).toMatch(new RegExp(`^${origin}/beta/users/${mailbox.id}/calendars/delta\\?\\$skiptoken=`));

    const round1: Calendar[] = [];
    const round2: Calendar[] = [];
    let sink = round1;
    const iterator = new PageIterator<Calendar>(betaAdapter, firstPage!, (c) => {
      sink.push(c);
      return true;
    }, createCalendarsDeltaResponse, errorMappings, { headers: prefer });
    await iterator.iterate();
    expect(round1.map(summary)).toEqual(existing.map((c) => ({ id: c.id, name: c.name })));
    expect(round1[0]?.isDefaultCalendar).toBe(true);
    expect(iterator.getPagingState()).toBe("Delta");
    const deltaLink1 = iterator.getOdataDeltaLink();
    expect(deltaLink1).toMatch(new RegExp(`^${origin}/beta/users/${mailbox.id}/calendars/delta\\?\\$deltatoken=[A-Za-z0-9_.-]+$`));

    // Changes by someone else between the rounds: one calendar created, one deleted.
    const token = await t.userToken(mailbox);
    const birthdays = existing.find((c) => c.name === "Birthdays")!;
    const created = await t.request("POST", `/v1.0/users/${mailbox.id}/calendars`, { token, body: { name: "Ski Trip" } });
    expect(created.status).toBe(201);
    expect((await t.request("DELETE", `/v1.0/users/${mailbox.id}/calendars/${birthdays.id}`, { token })).status).toBe(204);

    // The iterator stopped in state Delta; resuming it fetches the deltaLink: the next round.
    sink = round2;
    await iterator.resume();
    expect(iterator.getPagingState()).toBe("Delta");
    expect(round2.map(summary).sort((a, b) => a.id.localeCompare(b.id))).toEqual([
      { id: created.body.id, name: "Ski Trip" },
      { id: birthdays.id, removed: { reason: "deleted" } },
    ].sort((a, b) => a.id.localeCompare(b.id)));
    const deltaLink2 = iterator.getOdataDeltaLink();
    expect(deltaLink2).toMatch(/\$deltatoken=/);
    expect(deltaLink2).not.toBe(deltaLink1);

    // The whole exchange, one page per calendar: round 1 is the first page and one nextLink,
    // round 2 starts at the deltaLink and takes one nextLink too.
    const skip = new RegExp(`^${origin}/beta/users/${mailbox.id}/calendars/delta\\?\\$skiptoken=[A-Za-z0-9_.-]+$`);
    const delta = requests.filter((r) => r.url.includes("/calendars/delta"));
    expect(delta.map((r) => r.url)).toEqual([
      `${origin}/beta/users/${mailbox.id}/calendars/delta()`, expect.stringMatching(skip),
      deltaLink1, expect.stringMatching(skip),
    ]);
    for (const r of delta) {
      expect(r.prefer).toBe("odata.maxpagesize=1");
      expect(r.authorization).toMatch(/^Bearer ey/);
    }

    // A deltaLink saved for later is requested as is (as PageIterator does, the link becomes the
    // URL template); nothing changed since, so the round is empty and hands out a new link.
    const saved = new RequestInformation(HttpMethod.GET, deltaLink2);
    saved.headers.add("Accept", "application/json");
    const later = await betaAdapter.send(saved, createCalendarsDeltaResponse, errorMappings);
    expect(later?.value).toEqual([]);
    expect(later?.odataNextLink).toBeUndefined();
    expect(later?.odataDeltaLink).toMatch(new RegExp(`^${origin}/beta/users/${mailbox.id}/calendars/delta\\?\\$deltatoken=`));
    expect(requests.at(-1)?.url).toBe(deltaLink2);
  });

  it("creates events with start/end time zones through users.byUserId(id).events and reads the week back with calendarView", async () => {
    const events = v1.users.byUserId(mailbox.id).events;
    const single = await events.post({
      subject: "Kiota review",
      start: { dateTime: "2026-11-26T10:00:00", timeZone: "Pacific Standard Time" },
      end: { dateTime: "2026-11-26T20:00:00", timeZone: "W. Europe Standard Time" },
      location: { displayName: "Room 1" },
      attendees: [{ type: "required", emailAddress: { name: "Adele Vance", address: "adelev@contoso.com" } }],
    });
    // The SDK parses the typed result: the times come back in UTC (no Prefer), the zones as originals.
    expect(single).toMatchObject({
      subject: "Kiota review", type: "singleInstance", isAllDay: false,
      start: { dateTime: "2026-11-26T18:00:00.0000000", timeZone: "UTC" },
      originalStartTimeZone: "Pacific Standard Time", originalEndTimeZone: "W. Europe Standard Time",
      location: { displayName: "Room 1" },
    });
    expect(single?.end?.dateTime).toBe("2026-11-26T19:00:00.0000000"); // 20:00 in Berlin
    expect(single?.attendees?.[0]?.emailAddress?.address).toBe("adelev@contoso.com");
    expect(single?.id).toBeTruthy();

    const series = await events.post({
      subject: "Kiota standup",
      start: { dateTime: "2026-11-23T09:30:00", timeZone: "Pacific Standard Time" },
      end: { dateTime: "2026-11-23T09:45:00", timeZone: "Pacific Standard Time" },
      recurrence: {
        pattern: { type: "daily", interval: 1 },
        range: { type: "numbered", numberOfOccurrences: 3, startDate: DateOnly.parse("2026-11-23") },
      },
    });
    expect(series?.type).toBe("seriesMaster");
    expect(series?.recurrence?.pattern?.type).toBe("daily");
    expect(series?.recurrence?.range?.numberOfOccurrences).toBe(3);

    const view = await v1.users.byUserId(mailbox.id).calendarView.get({
      queryParameters: { startDateTime: "2026-11-23T00:00:00Z", endDateTime: "2026-11-30T00:00:00Z", orderby: ["start/dateTime"] },
    });
    expect(view?.odataNextLink).toBeUndefined();
    expect(view?.value?.map((e) => [e.subject, e.type, e.start?.dateTime])).toEqual([
      ["Kiota standup", "occurrence", "2026-11-23T17:30:00.0000000"],
      ["Kiota standup", "occurrence", "2026-11-24T17:30:00.0000000"],
      ["Kiota standup", "occurrence", "2026-11-25T17:30:00.0000000"],
      ["Kiota review", "singleInstance", "2026-11-26T18:00:00.0000000"],
    ]);
    expect(view?.value?.[0]?.seriesMasterId).toBe(series?.id);

    const sent = requests.filter((r) => r.url.includes("/calendarView"));
    expect(sent.map((r) => r.url.slice(origin.length))).toEqual([
      `/v1.0/users/${mailbox.id}/calendarView?endDateTime=2026-11-30T00%3A00%3A00Z&startDateTime=2026-11-23T00%3A00%3A00Z&$orderby=start%2FdateTime`,
    ]);
  });
  it("syncs a calendarView window with calendarView.delta and PageIterator over two rounds, typed events and removals", async () => {
    // A week of its own, after the events the other tests made. Someone else (plain HTTP) fills it:
    // two single events, a daily series of 3 and one event outside the window (never sent).
    const token = await t.userToken(mailbox);
    const post = async (body: Record<string, unknown>) => {
      const r = await t.request("POST", `/v1.0/users/${mailbox.id}/events`, { token, body });
      expect(r.status).toBe(201);
      return r.body as { id: string; subject: string };
    };
    const slot = (day: string, hour: string) => ({ start: { dateTime: `${day}T${hour}:00:00`, timeZone: "UTC" }, end: { dateTime: `${day}T${hour}:30:00`, timeZone: "UTC" } });
    const alpha = await post({ subject: "Delta alpha", ...slot("2026-12-08", "09") });
    const beta = await post({ subject: "Delta beta", ...slot("2026-12-09", "10") });
    const series = await post({
      subject: "Delta daily", ...slot("2026-12-10", "08"),
      recurrence: { pattern: { type: "daily", interval: 1 }, range: { type: "numbered", numberOfOccurrences: 3, startDate: "2026-12-10" } },
    });
    await post({ subject: "Delta outside", ...slot("2026-12-20", "09") });

    const prefer = new KiotaHeaders();
    prefer.add("Prefer", "odata.maxpagesize=2");
    const delta = v1.users.byUserId(mailbox.id).calendarView.delta;
    const firstPage = await delta.get({
      queryParameters: { startDateTime: "2026-12-07T00:00:00Z", endDateTime: "2026-12-14T00:00:00Z" },
      headers: { Prefer: "odata.maxpagesize=2" },
    });
    expect(firstPage?.value).toHaveLength(2);
    expect(firstPage?.odataDeltaLink).toBeUndefined();
    expect(firstPage?.odataNextLink).toMatch(new RegExp(`^${origin}/v1\\.0/users/${mailbox.id}/calendarView/delta\\?\\$skiptoken=`));

    const round1: Event[] = [];
    const round2: Event[] = [];
    let sink = round1;
    const iterator = new PageIterator<Event>(v1Adapter, firstPage as PageCollection<Event>, (e) => {
      sink.push(e);
      return true;
    }, createDeltaGetResponseFromDiscriminatorValue as ParsableFactory<PageCollection<Event>>, errorMappings, { headers: prefer });
    await iterator.iterate();
    expect(iterator.getPagingState()).toBe("Delta");
    expect(round1).toHaveLength(6);
    const all1 = round1; // the iterator hands over the first page's items too
    expect(all1.slice(0, 2).map((e) => e.id)).toEqual(firstPage?.value?.map((e) => e.id));
    // Full events for the singles and the master; each occurrence as a typed skeleton (id, type,
    // seriesMasterId, start, end) that the client completes from its master (spec §3.4).
    const full = all1.filter((e) => e.type !== "occurrence");
    expect(full.map((e) => [e.id, e.subject, e.type]).sort()).toEqual([
      [alpha.id, "Delta alpha", "singleInstance"], [beta.id, "Delta beta", "singleInstance"], [series.id, "Delta daily", "seriesMaster"],
    ].sort());
    expect(full.find((e) => e.id === alpha.id)?.start).toMatchObject({ dateTime: "2026-12-08T09:00:00.0000000", timeZone: "UTC" });
    expect(full.find((e) => e.id === series.id)?.recurrence?.pattern?.type).toBe("daily");
    const occurrences = all1.filter((e) => e.type === "occurrence");
    expect(occurrences.map((e) => e.start?.dateTime).sort()).toEqual(["10", "11", "12"].map((d) => `2026-12-${d}T08:00:00.0000000`));
    for (const o of occurrences) {
      expect(o.seriesMasterId).toBe(series.id);
      expect(o.subject).toBeUndefined();
      expect(o.end?.dateTime).toMatch(/T08:30:00/);
    }
    const deltaLink1 = iterator.getOdataDeltaLink();
    expect(deltaLink1).toMatch(new RegExp(`^${origin}/v1\\.0/users/${mailbox.id}/calendarView/delta\\?\\$deltatoken=[A-Za-z0-9_.-]+$`));

    // Between the rounds: alpha renamed, beta deleted, a new event in the window.
    expect((await t.request("PATCH", `/v1.0/users/${mailbox.id}/events/${alpha.id}`, { token, body: { subject: "Delta alpha v2" } })).status).toBe(200);
    expect((await t.request("DELETE", `/v1.0/users/${mailbox.id}/events/${beta.id}`, { token })).status).toBe(204);
    const gamma = await post({ subject: "Delta gamma", ...slot("2026-12-11", "15") });

    sink = round2;
    await iterator.resume();
    expect(iterator.getPagingState()).toBe("Delta");
    const byId = new Map(round2.map((e) => [e.id, e]));
    expect([...byId.keys()].sort()).toEqual([alpha.id, beta.id, gamma.id].sort());
    expect(byId.get(alpha.id)).toMatchObject({ subject: "Delta alpha v2", type: "singleInstance" });
    expect(byId.get(gamma.id)).toMatchObject({ subject: "Delta gamma", start: { dateTime: "2026-12-11T15:00:00.0000000", timeZone: "UTC" } });
    expect(byId.get(beta.id)?.additionalData?.["@removed"]).toEqual({ reason: "deleted" });
    expect(byId.get(beta.id)?.subject).toBeUndefined();
    const deltaLink2 = iterator.getOdataDeltaLink();
    expect(deltaLink2).toMatch(/\$deltatoken=/);
    expect(deltaLink2).not.toBe(deltaLink1);

    // On the wire: the window went out once (query parameters as Kiota writes them); every later
    // page is the server's link as given, with Prefer re-sent.
    const sent = requests.filter((r) => r.url.includes("/calendarView/delta"));
    expect(sent[0]?.url).toBe(`${origin}/v1.0/users/${mailbox.id}/calendarView/delta()?endDateTime=2026-12-14T00%3A00%3A00Z&startDateTime=2026-12-07T00%3A00%3A00Z`);
    // 6 items at 2 a page (the series of 4 exceeds a page, so it is cut in page-size pieces), then 3 changes.
    expect(sent).toHaveLength(3 + 2);
    expect(sent[3]?.url).toBe(deltaLink1);
    for (const r of sent) expect(r.prefer).toBe("odata.maxpagesize=2");
  });
});
