import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../support/harness.js";
import type { Mailbox } from "../../src/domain/index.js";
import { runFixture } from "./run-fixture.js";

// @microsoft/microsoft-graph-client 3.x, unmodified but for the base URL and the token, against
// graphcal's HTTPS listener (spec §11.1). The SDK runs in a child process that trusts the
// self-signed certificate through NODE_EXTRA_CA_CERTS (see run-fixture.ts for why);
// fixtures/legacy-graph-client.ts reports what the SDK returned and what it sent.

type Json = Record<string, any>;
interface SentRequest { method: string; url: string; authorization: boolean; prefer: string | null; sdkVersion: string | null; clientRequestId: string | null }
interface Round { items: Json[]; deltaLink?: string; complete: boolean }
interface FirstRun { before: Json[]; created: Json; after: Json[]; duplicate?: Json; round: Round; requests: SentRequest[] }
interface NextRun { round: Round; quiet: Round; missing?: Json; requests: SentRequest[] }
interface Rounds { round: Round; quiet: Round; requests: SentRequest[] }

const PAGE_SIZE = 1;

describe("@microsoft/microsoft-graph-client 3.x over HTTPS", () => {
  let t: TestServer;
  let origin: string;
  let certPath: string;
  let mailbox: Mailbox;
  let token: string;
  let first: FirstRun;

  beforeAll(async () => {
    t = await startTestServer({ env: { HTTPS_PORT: "0" } });
    const listening = await t.server.listen();
    origin = listening.https!;
    certPath = listening.certPath!;
    expect(origin).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    mailbox = await t.newMailbox("Legacy User");
    token = await t.userToken(mailbox);
  });
  afterAll(async () => t.close());

  /** Every request carried the token (so customHosts matched), Prefer and the SDK's headers. */
  function expectSdkHeaders(requests: SentRequest[]): void {
    for (const r of requests) {
      expect(r.authorization, r.url).toBe(true);
      expect(r.sdkVersion).toMatch(/^graph-js\/3\.\d+\.\d+/);
      expect(r.clientRequestId).toMatch(/^[0-9a-f-]{36}$/);
    }
  }

  it("lists and creates calendars, and surfaces Graph errors as GraphError", async () => {
    first = await runFixture<FirstRun>("legacy-graph-client.ts", {
      origin, token, pageSize: PAGE_SIZE, mode: "first", calendarName: "Team Offsite",
    }, certPath);

    expect(first.before.map((c) => c.name)).toEqual(["Calendar", "Birthdays"]);
    expect(first.before[0]).toMatchObject({ isDefaultCalendar: true, owner: { name: "Legacy User", address: mailbox.userPrincipalName } });
    expect(first.created).toMatchObject({
      "@odata.context": `${origin}/beta/$metadata#me/calendars/$entity`,
      name: "Team Offsite", color: "lightGreen", isDefaultCalendar: false, canEdit: true,
    });
    expect(first.after).toEqual([...first.before, first.created].map((c) => ({ id: c.id, name: c.name })));
    expect(first.duplicate).toMatchObject({ statusCode: 409, code: "ErrorFolderExists" });
    expect(first.duplicate?.requestId).toMatch(/^[0-9a-f-]{36}$/);

    // The server saw the calendar the SDK created.
    const listed = await t.request("GET", `/v1.0/users/${mailbox.id}/calendars`, { token });
    expect(listed.body.value.map((c: Json) => c.name)).toEqual(["Calendar", "Birthdays", "Team Offsite"]);

    expect(first.requests.slice(0, 4).map((r) => `${r.method} ${r.url}`)).toEqual([
      `GET ${origin}/beta/me/calendars`,
      `POST ${origin}/beta/me/calendars`,
      `GET ${origin}/beta/me/calendars?$select=id,name`,
      `POST ${origin}/beta/me/calendars`,
    ]);
    expectSdkHeaders(first.requests);
  });

  it("PageIterator pages a delta round along the nextLinks and hands back the deltaLink", async () => {
    const { round, requests } = first;
    expect(round.complete).toBe(true);
    expect(round.items.map((c) => c.name)).toEqual(["Calendar", "Birthdays", "Team Offsite"]);
    for (const item of round.items) expect(item["@odata.type"]).toBe("#microsoft.graph.calendar");
    expect(round.items[2]).toMatchObject({ id: first.created.id, changeKey: first.created.changeKey, color: "lightGreen" });
    expect(round.deltaLink).toMatch(new RegExp(`^${origin}/beta/me/calendars/delta\\?\\$deltatoken=[A-Za-z0-9_.-]+$`));

    // One calendar per page: the first request, then one nextLink per remaining calendar, each
    // followed as the absolute https:// link the server gave, with Prefer re-sent.
    const delta = requests.filter((r) => r.url.includes("/calendars/delta"));
    const nextLink = new RegExp(`^${origin}/beta/me/calendars/delta\\?\\$skiptoken=[A-Za-z0-9_.-]+$`);
    expect(delta.map((r) => r.url)).toEqual([`${origin}/beta/me/calendars/delta`, expect.stringMatching(nextLink), expect.stringMatching(nextLink)]);
    for (const r of delta) expect(r.prefer).toBe(`odata.maxpagesize=${PAGE_SIZE}`);
  });

  it("the deltaLink drives the next round: exactly the calendar created and the one deleted since", async () => {
    // Someone else changes the mailbox between the rounds.
    const created = await t.request("POST", `/beta/users/${mailbox.id}/calendars`, { token, body: { name: "Book Club", color: "lightOrange" } });
    expect(created.status).toBe(201);
    expect((await t.request("DELETE", `/v1.0/users/${mailbox.id}/calendars/${first.created.id}`, { token })).status).toBe(204);

    const next = await runFixture<NextRun>("legacy-graph-client.ts", {
      origin, token, pageSize: PAGE_SIZE, mode: "next", deltaLink: first.round.deltaLink, deletedId: first.created.id,
    }, certPath);

    expect(next.round.complete).toBe(true);
    expect(next.round.items.map((c) => c.id).sort()).toEqual([created.body.id, first.created.id].sort());
    expect(next.round.items.find((c) => c.id === created.body.id)).toEqual({ ...created.body, "@odata.context": undefined, "@odata.type": "#microsoft.graph.calendar" });
    expect(next.round.items.find((c) => c.id === first.created.id)).toEqual({ "@odata.type": "#microsoft.graph.calendar", id: first.created.id, "@removed": { reason: "deleted" } });
    expect(next.round.deltaLink).toMatch(/\$deltatoken=/);
    expect(next.round.deltaLink).not.toBe(first.round.deltaLink);

    // Nothing changed after that round: the following one is empty and still ends in a deltaLink.
    expect(next.quiet).toEqual({ items: [], deltaLink: expect.stringMatching(/\$deltatoken=/), complete: true });

    const delta = next.requests.filter((r) => r.url.includes("/calendars/delta"));
    expect(delta[0]?.url).toBe(first.round.deltaLink);
    expect(delta.length).toBe(2 + 1); // two changes at one per page, then the quiet round
    for (const r of delta) expect(r.prefer).toBe(`odata.maxpagesize=${PAGE_SIZE}`);
    expectSdkHeaders(next.requests);

    expect(next.missing).toMatchObject({ statusCode: 404, code: "ErrorItemNotFound" });
  });
  it("syncs a calendarView window through calendarView/delta over two rounds, following the links with PageIterator", async () => {
    // Someone else fills a week: two single events, a daily series of 3, one event after the week.
    const post = async (body: Json) => {
      const r = await t.request("POST", `/v1.0/users/${mailbox.id}/events`, { token, body });
      expect(r.status).toBe(201);
      return r.body as Json;
    };
    const slot = (day: string, hour: string) => ({ start: { dateTime: `${day}T${hour}:00:00`, timeZone: "UTC" }, end: { dateTime: `${day}T${hour}:30:00`, timeZone: "UTC" } });
    const alpha = await post({ subject: "Legacy alpha", ...slot("2026-12-08", "09") });
    const beta = await post({ subject: "Legacy beta", ...slot("2026-12-09", "10") });
    const series = await post({
      subject: "Legacy daily", ...slot("2026-12-10", "08"),
      recurrence: { pattern: { type: "daily", interval: 1 }, range: { type: "numbered", numberOfOccurrences: 3, startDate: "2026-12-10" } },
    });
    await post({ subject: "Legacy outside", ...slot("2026-12-20", "09") });

    // The SDK takes the whole URL, the window in its query, as an app that calls delta does.
    const start = `${origin}/v1.0/me/calendarView/delta?startDateTime=2026-12-07T00:00:00Z&endDateTime=2026-12-14T00:00:00Z`;
    const first = await runFixture<Rounds>("legacy-graph-client.ts", { origin, token, pageSize: 2, mode: "rounds", start }, certPath);
    expect(first.round.complete).toBe(true);
    const items = first.round.items;
    expect(items).toHaveLength(6);
    for (const item of items) expect(item["@odata.type"]).toBe("#microsoft.graph.event");
    expect(items.filter((e) => e.type !== "occurrence").map((e) => [e.id, e.subject, e.type]).sort()).toEqual([
      [alpha.id, "Legacy alpha", "singleInstance"], [beta.id, "Legacy beta", "singleInstance"], [series.id, "Legacy daily", "seriesMaster"],
    ].sort());
    // Occurrences come as skeletons: exactly what locates them (spec §3.4).
    const occurrences = items.filter((e) => e.type === "occurrence");
    expect(occurrences.map((e) => e.start.dateTime).sort()).toEqual(["10", "11", "12"].map((d) => `2026-12-${d}T08:00:00.0000000`));
    for (const o of occurrences) {
      expect(Object.keys(o).sort()).toEqual(["@odata.etag", "@odata.type", "end", "id", "seriesMasterId", "start", "type"]);
      expect(o.seriesMasterId).toBe(series.id);
    }
    const deltaLink = new RegExp(`^${origin}/v1\\.0/me/calendarView/delta\\?\\$deltatoken=[A-Za-z0-9_.-]+$`);
    expect(first.round.deltaLink).toMatch(deltaLink);
    // Nothing changed yet: the following round is empty and ends in a deltaLink again.
    expect(first.quiet).toEqual({ items: [], deltaLink: expect.stringMatching(deltaLink), complete: true });
    const sent = first.requests.filter((r) => r.url.includes("/calendarView/delta"));
    expect(sent[0]?.url).toBe(start);
    expect(sent.slice(1, 3).map((r) => r.url)).toEqual(Array(2).fill(expect.stringMatching(/\/calendarView\/delta\?\$skiptoken=/)));
    expect(sent[3]?.url).toBe(first.round.deltaLink);
    expect(sent).toHaveLength(4);
    for (const r of sent) expect(r.prefer).toBe("odata.maxpagesize=2");
    expectSdkHeaders(first.requests);

    // Between the rounds: alpha renamed, beta deleted, a new event in the week.
    expect((await t.request("PATCH", `/v1.0/users/${mailbox.id}/events/${alpha.id}`, { token, body: { subject: "Legacy alpha v2" } })).status).toBe(200);
    expect((await t.request("DELETE", `/v1.0/users/${mailbox.id}/events/${beta.id}`, { token })).status).toBe(204);
    const gamma = await post({ subject: "Legacy gamma", ...slot("2026-12-11", "15") });

    const second = await runFixture<Rounds>("legacy-graph-client.ts", { origin, token, pageSize: 2, mode: "rounds", start: first.round.deltaLink }, certPath);
    expect(second.round.complete).toBe(true);
    const byId = new Map(second.round.items.map((e) => [e.id as string, e]));
    expect([...byId.keys()].sort()).toEqual([alpha.id, beta.id, gamma.id].sort());
    expect(byId.get(alpha.id)).toMatchObject({ subject: "Legacy alpha v2", type: "singleInstance", changeKey: expect.any(String) });
    expect(byId.get(alpha.id)?.changeKey).not.toBe(alpha.changeKey);
    expect(byId.get(gamma.id)).toMatchObject({ subject: "Legacy gamma", start: { dateTime: "2026-12-11T15:00:00.0000000", timeZone: "UTC" } });
    expect(byId.get(beta.id)).toEqual({ "@odata.type": "#microsoft.graph.event", id: beta.id, "@removed": { reason: "deleted" } });
    expect(second.round.deltaLink).toMatch(deltaLink);
    expect(second.round.deltaLink).not.toBe(first.round.deltaLink);
    expect(second.quiet).toMatchObject({ items: [], complete: true });
    const sent2 = second.requests.filter((r) => r.url.includes("/calendarView/delta"));
    expect(sent2[0]?.url).toBe(first.round.deltaLink);
    expect(sent2).toHaveLength(2 + 1); // three changes at two a page, then the quiet round
  });
});
