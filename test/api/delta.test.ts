import { describe, expect, it } from "vitest";
import { CALENDAR_PROPERTIES } from "../../src/graph/index.js";
import { DEMO_USERS } from "../../src/server/index.js";
import { startTestServer, useTestServer } from "../support/harness.js";
import {
  createCalendarsDirect, DeltaClient, expectDeltaPage, expectSameState, injectTransport, listCalendars,
  mailboxFixture, pathOf, type Json,
} from "./delta-support.js";

// calendars/delta through HTTP: the seed's scenario, the spec's two-round example (§7.9) and
// URL forms (spec §2.3, §7); $select, options and permissions are in delta-options.test.ts.
// see: https://learn.microsoft.com/graph/api/calendar-delta?view=graph-rest-beta

const SAMANTHA = DEMO_USERS[0];
const ORIGIN = "http://localhost:80";

/** The seed's example response (id and changeKey are the server's own). */
const SEED_CALENDAR = {
  "@odata.type": "#microsoft.graph.calendar",
  name: "Calendar", color: "auto", hexColor: "", groupClassId: "0006f0b7-0000-0000-c000-000000000046",
  isDefaultCalendar: true, canShare: true, canViewPrivateItems: true, isShared: false,
  isSharedWithMe: false, canEdit: true, calendarGroupId: null,
  allowedOnlineMeetingProviders: ["teamsForBusiness"], defaultOnlineMeetingProvider: "teamsForBusiness",
  isTallyingResponses: true, isRemovable: false,
  owner: { name: "Samantha Booth", address: "samanthab@contoso.com" },
};
const SEED_BIRTHDAYS = {
  "@odata.type": "#microsoft.graph.calendar",
  name: "Birthdays", color: "auto", hexColor: "", groupClassId: "0006f0b7-0000-0000-c000-000000000046",
  isDefaultCalendar: false, canShare: false, canViewPrivateItems: true, isShared: false,
  isSharedWithMe: false, canEdit: false, calendarGroupId: null,
  allowedOnlineMeetingProviders: [], defaultOnlineMeetingProvider: "unknown",
  isTallyingResponses: false, isRemovable: true,
  owner: { name: "Samantha Booth", address: "samanthab@contoso.com" },
};
/** Key order of the seed's items. */
const SEED_KEYS = [
  "@odata.type", "id", "name", "color", "hexColor", "groupClassId", "isDefaultCalendar", "changeKey",
  "canShare", "canViewPrivateItems", "isShared", "isSharedWithMe", "canEdit", "calendarGroupId",
  "allowedOnlineMeetingProviders", "defaultOnlineMeetingProvider", "isTallyingResponses", "isRemovable", "owner",
];

describe("calendars/delta (HTTP)", () => {
  // v1.0 calendars/delta and the 410's Location are graphcal extensions (graph-parity.test.ts covers parity mode).
  const t = useTestServer({ env: { GRAPH_EXTENSIONS: "1" } });

  const get = (url: string, token: string, headers?: Record<string, string>) =>
    t.request("GET", pathOf(url), { token, ...(headers && { headers }) });

  describe("the seed's scenario (samanthab@contoso.com)", () => {
    it("delta: initial round returns Calendar and Birthdays as in the seed, then a deltaLink", async () => {
      const token = await t.userToken(SAMANTHA.userPrincipalName, ["Calendars.Read"]);
      const res = await get("/beta/me/calendars/delta", token);
      expect(res.status).toBe(200);
      expect(res.headers["content-type"]).toMatch(/^application\/json/);
      expectDeltaPage(res.body);
      expect(res.body["@odata.context"]).toBe(`${ORIGIN}/beta/$metadata#Collection(calendar)`);
      expect(res.body["@odata.nextLink"]).toBeUndefined();
      expect(res.body["@odata.deltaLink"]).toMatch(/^http:\/\/localhost:80\/beta\/me\/calendars\/delta\?\$deltatoken=[A-Za-z0-9_.-]+$/);
      const [calendar, birthdays] = res.body.value as Json[];
      expect(res.body.value).toHaveLength(2);
      expect(calendar).toMatchObject(SEED_CALENDAR);
      expect(birthdays).toMatchObject(SEED_BIRTHDAYS);
      expect(Object.keys(calendar!)).toEqual(SEED_KEYS);
      expect(Object.keys(birthdays!)).toEqual(SEED_KEYS);
      expect(calendar!.changeKey).toMatch(/^[A-Za-z0-9+/]+=*$/);
      expect(calendar!.id).not.toBe(birthdays!.id);
    });

    it("delta: the seed's mailbox end to end — sync, change, sync again, by /me and by /users/{upn}", async () => {
      const t2 = await startTestServer();
      try {
        const userToken = await t2.userToken(SAMANTHA.userPrincipalName, ["Calendars.ReadWrite"]);
        const appToken = await t2.appToken(["Calendars.Read"]);
        const me = new DeltaClient(injectTransport(t2, userToken), "/beta/me/calendars/delta");
        const app = new DeltaClient(injectTransport(t2, appToken), `/beta/users/${SAMANTHA.userPrincipalName}/calendars/delta`);
        const list = () => listCalendars(injectTransport(t2, userToken), "/beta/me");

        const r1 = await me.round();
        expect(r1.items.map((i) => i.name)).toEqual(["Calendar", "Birthdays"]);
        await app.round();
        expectSameState(me.state, await list());
        expectSameState(app.state, await list());

        const empty = await me.round();
        expect(empty.items).toEqual([]);

        const post = await t2.request("POST", "/beta/me/calendars", { token: userToken, body: { name: "Project X", color: "lightGreen" } });
        expect(post.status).toBe(201);
        const birthdays = r1.items[1]!.id as string;
        expect((await t2.request("DELETE", `/beta/me/calendars/${birthdays}`, { token: userToken })).status).toBe(204);
        expect((await t2.request("PATCH", "/beta/me/calendar", { token: userToken, body: { name: "Samantha's calendar" } })).status).toBe(200);

        for (const client of [me, app]) {
          const r = await client.round();
          expect(r.items.map((i) => ("@removed" in i ? `-${i.id}` : i.name))).toEqual(["Project X", `-${birthdays}`, "Samantha's calendar"]);
          expectSameState(client.state, await list());
          expect(client.deltaLink).toMatch(client === me ? /\/beta\/me\/calendars\/delta\?/ : /\/beta\/users\/samanthab(@|%40)contoso\.com\/calendars\/delta\?/);
        }
      } finally {
        await t2.close();
      }
    });
  });

  it("delta: the two-round example of spec §7.9 with Prefer: odata.maxpagesize=1", async () => {
    const f = await mailboxFixture(t);
    const prefer = { prefer: "odata.maxpagesize=1" };

    const p1 = await get("/beta/me/calendars/delta", f.token, prefer);
    expect(p1.status).toBe(200);
    expect(p1.headers["preference-applied"]).toBe("odata.track-changes, odata.maxpagesize=1");
    expectDeltaPage(p1.body);
    expect(p1.body["@odata.nextLink"]).toMatch(/^http:\/\/localhost:80\/beta\/me\/calendars\/delta\?\$skiptoken=[A-Za-z0-9_.-]+$/);
    expect(p1.body.value.map((c: Json) => c.name)).toEqual(["Calendar"]);

    const p2 = await get(p1.body["@odata.nextLink"], f.token, prefer);
    expect(p2.status).toBe(200);
    expect(p2.headers["preference-applied"]).toBe("odata.track-changes, odata.maxpagesize=1");
    expectDeltaPage(p2.body);
    expect(p2.body["@odata.deltaLink"]).toMatch(/^http:\/\/localhost:80\/beta\/me\/calendars\/delta\?\$deltatoken=[A-Za-z0-9_.-]+$/);
    expect(p2.body.value.map((c: Json) => c.name)).toEqual(["Birthdays"]);
    const calendarId = p1.body.value[0].id as string;
    const birthdaysId = p2.body.value[0].id as string;

    await f.writes.update(calendarId, { name: "Team" });
    await f.writes.remove(birthdaysId);

    const r2 = await get(p2.body["@odata.deltaLink"], f.token);
    expect(r2.status).toBe(200);
    expect(r2.headers["preference-applied"]).toBe("odata.track-changes");
    expectDeltaPage(r2.body);
    expect(r2.body["@odata.deltaLink"]).toBeDefined();
    expect(r2.body["@odata.deltaLink"]).not.toBe(p2.body["@odata.deltaLink"]);
    const [team, removed] = r2.body.value as Json[];
    expect(r2.body.value).toHaveLength(2);
    expect(team).toMatchObject({ "@odata.type": "#microsoft.graph.calendar", id: calendarId, name: "Team", isDefaultCalendar: true });
    expect(team!.changeKey).not.toBe(p1.body.value[0].changeKey);
    expect(Object.keys(team!)).toEqual(SEED_KEYS);
    expect(removed).toEqual({ "@odata.type": "#microsoft.graph.calendar", id: birthdaysId, "@removed": { reason: "deleted" } });
  });

  it("delta: Preference-Applied is odata.track-changes without a page-size preference", async () => {
    const f = await mailboxFixture(t);
    const res = await get("/beta/me/calendars/delta", f.token);
    expect(res.headers["preference-applied"]).toBe("odata.track-changes");
  });

  describe("URL forms", () => {
    it("delta: all four spellings of the function route to the same handler", async () => {
      const f = await mailboxFixture(t);
      const expected = [...(await f.list()).keys()];
      for (const spelling of ["delta", "delta()", "microsoft.graph.delta", "microsoft.graph.delta()", "Delta", "Microsoft.Graph.Delta()"]) {
        for (const base of ["/beta/me", `/beta/users/${f.mailbox.id}`, `/beta/users/${encodeURIComponent(f.mailbox.userPrincipalName)}`]) {
          const res = await get(`${base}/calendars/${spelling}`, f.token);
          expect(res.status, `${base}/calendars/${spelling}`).toBe(200);
          expectDeltaPage(res.body);
          expect(res.body.value.map((c: Json) => c.id)).toEqual(expected);
          // Links always use the plain `delta` segment (spec §11.3 rule 3).
          expect(pathOf(res.body["@odata.deltaLink"])).toMatch(/\/calendars\/delta\?\$deltatoken=/);
        }
      }
    });

    it("delta: links are absolute and keep the caller's /me or /users/{id|upn} form and version", async () => {
      const f = await mailboxFixture(t);
      await createCalendarsDirect(t, f.mailbox, 1);
      const app = await t.appToken(["Calendars.Read"]);
      const upn = f.mailbox.userPrincipalName;
      const cases: [string, string, string][] = [
        ["/beta/me/calendars/delta", f.token, "/beta/me/calendars/delta"],
        ["/v1.0/me/calendars/delta", f.token, "/v1.0/me/calendars/delta"],
        [`/beta/users/${f.mailbox.id}/calendars/delta`, f.token, `/beta/users/${f.mailbox.id}/calendars/delta`],
        [`/v1.0/users/${f.mailbox.id}/calendars/delta`, app, `/v1.0/users/${f.mailbox.id}/calendars/delta`],
        [`/beta/users/${upn}/calendars/delta`, app, `/beta/users/${upn}/calendars/delta`],
        [`/beta/users/${encodeURIComponent(upn)}/calendars/delta()`, app, `/beta/users/${upn}/calendars/delta`],
        // OData key syntax is accepted but links use plain segments (spec §11.3 rule 3).
        [`/beta/users('${f.mailbox.id}')/calendars/microsoft.graph.delta()`, app, `/beta/users/${f.mailbox.id}/calendars/delta`],
      ];
      for (const [url, token, expectedPath] of cases) {
        const version = url.startsWith("/v1.0") ? "v1.0" : "beta";
        const client = new DeltaClient(injectTransport(t, token), url, version);
        const r = await client.round({ pageSize: 2 });
        expect(r.pages).toHaveLength(2);
        for (const link of [r.pages[0]!["@odata.nextLink"] as string, r.deltaLink]) {
          expect(link.startsWith(`${ORIGIN}/${version}/`), link).toBe(true);
          expect(decodeURIComponent(new URL(link).pathname)).toBe(expectedPath);
        }
        for (const page of r.pages) expect(page["@odata.context"]).toBe(`${ORIGIN}/${version}/$metadata#Collection(calendar)`);
        // The next round follows the same form.
        const again = await client.round();
        expect(decodeURIComponent(new URL(again.deltaLink).pathname)).toBe(expectedPath);
      }
    });

    it("delta: links use the request's (trusted) Host, or PUBLIC_BASE_URL when configured", async () => {
      const f = await mailboxFixture(t);
      const res = await t.request("GET", "/beta/me/calendars/delta", { token: f.token, headers: { host: "localhost:8443" } });
      expect(res.body["@odata.deltaLink"]).toMatch(/^http:\/\/localhost:8443\/beta\/me\/calendars\/delta\?\$deltatoken=/);
      expect(res.body["@odata.context"]).toBe("http://localhost:8443/beta/$metadata#Collection(calendar)");

      const t2 = await startTestServer({ env: { PUBLIC_BASE_URL: "https://graph.example.test/prefix/" } });
      try {
        const m = await t2.newMailbox();
        const r = await t2.request("GET", "/beta/me/calendars/delta", { token: await t2.userToken(m) });
        expect(r.body["@odata.deltaLink"]).toMatch(/^https:\/\/graph\.example\.test\/prefix\/beta\/me\/calendars\/delta\?\$deltatoken=[A-Za-z0-9_.-]+$/);
        expect(r.body["@odata.context"]).toBe("https://graph.example.test/prefix/beta/$metadata#Collection(calendar)");
      } finally {
        await t2.close();
      }
    });

    it("delta: only GET; no delta below calendarGroups or after the function (spec §4.3)", async () => {
      const f = await mailboxFixture(t);
      const post = await t.request("POST", "/beta/me/calendars/delta", { token: f.token, body: {} });
      expect(post.status).toBe(405);
      const group = (await get("/beta/me/calendarGroups", f.token)).body.value[0].id as string;
      for (const url of [
        `/beta/me/calendarGroups/${group}/calendars/delta`, "/beta/me/calendarGroup/calendars/delta",
        "/beta/me/calendars/delta/extra", "/beta/me/calendar/delta",
      ]) {
        const res = await get(url, f.token);
        expect(res.status, url).toBe(400);
        expect(res.body.error.code).toBe("BadRequest");
        expect(res.body.error.message).toMatch(/^Resource not found for the segment '/);
      }
    });

    it("delta: /users/TokenToReplace is an alias of /me (spec decision 24)", async () => {
      const f = await mailboxFixture(t);
      const viaMe = await get("/beta/me/calendars/delta", f.token);
      const res = await get("/beta/users/TokenToReplace/calendars/delta()", f.token);
      expect(res.status).toBe(200);
      expectDeltaPage(res.body);
      expect(res.body.value).toEqual(viaMe.body.value);
      expect(pathOf(res.body["@odata.deltaLink"])).toMatch(/^\/beta\/me\/calendars\/delta\?/);
      const next = await get(res.body["@odata.deltaLink"], f.token);
      expect(next.status).toBe(200);
      expect(next.body.value).toEqual([]);
    });

    it("delta: /v1.0 serves the v1.0 property set and context", async () => {
      const f = await mailboxFixture(t, { version: "v1.0" });
      const res = await get("/v1.0/me/calendars/delta", f.token);
      expect(res.status).toBe(200);
      expectDeltaPage(res.body, { apiVersion: "v1.0" });
      expect(res.body["@odata.context"]).toBe(`${ORIGIN}/v1.0/$metadata#Collection(calendar)`);
      for (const item of res.body.value as Json[]) {
        expect(Object.keys(item)).toEqual(["@odata.type", ...CALENDAR_PROPERTIES["v1.0"]]);
        for (const betaOnly of ["groupClassId", "calendarGroupId", "isShared", "isSharedWithMe"]) expect(item).not.toHaveProperty(betaOnly);
      }
      const client = f.client();
      await client.round({ pageSize: 1 });
      expectSameState(client.state, await f.list());
    });
  });

});
