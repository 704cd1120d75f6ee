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
});
