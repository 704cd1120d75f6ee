import { describe, expect, it } from "vitest";
import { useTestServer } from "../support/harness.js";
import {
  DeltaClient, injectTransport, mailboxFixture, pathOf, type Json,
} from "./delta-support.js";

// calendars/delta through HTTP: $select, rejected query options and permissions (spec §3.3,
// §7.5, decision 6); the seed's scenario and URL forms are in delta.test.ts.
// see: https://learn.microsoft.com/graph/api/calendar-delta?view=graph-rest-beta

describe("calendars/delta: $select, query options, permissions (HTTP)", () => {
  // v1.0 calendars/delta and the 410's Location are graphcal extensions (graph-parity.test.ts covers parity mode).
  const t = useTestServer({ env: { GRAPH_EXTENSIONS: "1" } });

  const get = (url: string, token: string, headers?: Record<string, string>) =>
    t.request("GET", pathOf(url), { token, ...(headers && { headers }) });

  describe("$select", () => {
    it("delta: $select projects every page of the round and the next round; id always returned", async () => {
      const f = await mailboxFixture(t);
      const client = new DeltaClient(f.transport, "/beta/me/calendars/delta?$select=name,color");
      const r1 = await client.round({ pageSize: 1 });
      expect(r1.pages).toHaveLength(2);
      for (const item of r1.items) expect(Object.keys(item)).toEqual(["@odata.type", "id", "name", "color"]);
      // The option travels in the tokens, not as a repeated query option (seed: "encodes … into the token").
      for (const link of [r1.pages[0]!["@odata.nextLink"], r1.deltaLink] as string[]) {
        expect(new URL(link).search).toMatch(/^\?\$(skiptoken|deltatoken)=[A-Za-z0-9_.-]+$/);
      }
      const created = await f.writes.create("Selected");
      await f.writes.remove(r1.ids[1]!);
      const r2 = await client.round();
      expect(r2.items).toEqual([
        { "@odata.type": "#microsoft.graph.calendar", id: created.id, name: "Selected", color: "auto" },
        { "@odata.type": "#microsoft.graph.calendar", id: r1.ids[1], "@removed": { reason: "deleted" } },
      ]);
    });

    it("delta: $select=id and case-insensitive names; v1.0 rejects beta-only properties", async () => {
      const f = await mailboxFixture(t);
      const onlyId = await get("/beta/me/calendars/delta?$select=id", f.token);
      expect(onlyId.status).toBe(200);
      for (const item of onlyId.body.value as Json[]) expect(Object.keys(item)).toEqual(["@odata.type", "id"]);
      const mixed = await get("/beta/me/calendars/delta?$select=NAME,isDefaultCalendar", f.token);
      expect(mixed.status).toBe(200);
      for (const item of mixed.body.value as Json[]) expect(Object.keys(item)).toEqual(["@odata.type", "id", "name", "isDefaultCalendar"]);
      const betaOnly = await get("/beta/me/calendars/delta?$select=isShared", f.token);
      expect(betaOnly.status).toBe(200);
      const v1 = await get("/v1.0/me/calendars/delta?$select=isShared", f.token);
      expect(v1.status).toBe(400);
      expect(v1.body.error.code).toBe("ErrorInvalidUrlQuery");
    });

    it("delta: an unknown $select property is 400 ErrorInvalidUrlQuery", async () => {
      const f = await mailboxFixture(t);
      for (const select of ["nope", "name,nope", "events", "name,,color"]) {
        const res = await get(`/beta/me/calendars/delta?$select=${select}`, f.token);
        expect(res.status, select).toBe(400);
        expect(res.body.error.code).toBe("ErrorInvalidUrlQuery");
        expect(res.body.error.innerError).toMatchObject({ "request-id": expect.any(String), date: expect.any(String) });
      }
    });
  });

  describe("unsupported query options", () => {
    const cases = ["$top=5", "$filter=name%20eq%20'Calendar'", "$orderby=name", "$expand=events", "$search=%22x%22", "$count=true", "$skip=1"];

    it("delta: $top/$filter/$orderby/$expand/$search/$count/$skip are 400 ErrorInvalidUrlQuery", async () => {
      const f = await mailboxFixture(t);
      for (const option of cases) {
        for (const version of ["beta", "v1.0"]) {
          const res = await get(`/${version}/me/calendars/delta?${option}`, f.token);
          expect(res.status, `${version} ${option}`).toBe(400);
          expect(res.body.error.code).toBe("ErrorInvalidUrlQuery");
        }
      }
      const top = await get("/beta/me/calendars/delta?$top=5", f.token);
      expect(top.body.error.message).toContain("Prefer: odata.maxpagesize=");
    });

    it("delta: rejected options are rejected on continuation links too, and without $ on beta", async () => {
      const f = await mailboxFixture(t);
      const first = await get("/beta/me/calendars/delta", f.token, { prefer: "odata.maxpagesize=1" });
      const next = first.body["@odata.nextLink"] as string;
      for (const option of cases) {
        const res = await get(`${next}&${option}`, f.token);
        expect(res.status, option).toBe(400);
        expect(res.body.error.code).toBe("ErrorInvalidUrlQuery");
      }
      const bare = await get("/beta/me/calendars/delta?top=5", f.token);
      expect(bare.status).toBe(400);
      expect(bare.body.error.code).toBe("ErrorInvalidUrlQuery");
      // v1.0 requires the $; a bare name is an ordinary (ignored) parameter there (spec §2.4).
      const v1 = await get("/v1.0/me/calendars/delta?top=5", f.token);
      expect(v1.status).toBe(200);
    });

    it("delta: unknown non-OData parameters are ignored", async () => {
      const f = await mailboxFixture(t);
      const res = await get("/beta/me/calendars/delta?foo=bar&api-version=2", f.token);
      expect(res.status).toBe(200);
      expect(res.body.value).toHaveLength(2);
    });
  });

  describe("permissions", () => {
    it("delta: delegated Calendars.ReadBasic, Read, ReadWrite and the .Shared scopes all work", async () => {
      const mailbox = await t.newMailbox();
      for (const scope of ["Calendars.ReadBasic", "Calendars.Read", "Calendars.ReadWrite", "Calendars.Read.Shared", "Calendars.ReadWrite.Shared"]) {
        const token = await t.userToken(mailbox, [scope]);
        for (const url of ["/beta/me/calendars/delta", `/beta/users/${mailbox.id}/calendars/delta`]) {
          const res = await get(url, token);
          expect(res.status, `${scope} ${url}`).toBe(200);
          expect(res.body.value).toHaveLength(2);
        }
      }
    });

    it("delta: application Calendars.ReadBasic, Read and ReadWrite all work on /users/{id}", async () => {
      const mailbox = await t.newMailbox();
      for (const role of ["Calendars.ReadBasic", "Calendars.Read", "Calendars.ReadWrite"]) {
        const token = await t.appToken([role]);
        const client = new DeltaClient(injectTransport(t, token), `/beta/users/${mailbox.id}/calendars/delta`);
        const r = await client.round({ pageSize: 1 });
        expect(r.items, role).toHaveLength(2);
      }
    });

    it("delta: an app token on /me is 400 (delegated only)", async () => {
      const res = await get("/beta/me/calendars/delta", await t.appToken(["Calendars.Read"]));
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe("BadRequest");
    });

    it("delta: without a calendar scope or role is 403 ErrorAccessDenied; without a token 401", async () => {
      const mailbox = await t.newMailbox();
      const user = await get("/beta/me/calendars/delta", await t.userToken(mailbox, ["User.Read"]));
      expect(user.status).toBe(403);
      expect(user.body.error.code).toBe("ErrorAccessDenied");
      const app = await get(`/beta/users/${mailbox.id}/calendars/delta`, await t.appToken(["User.Read.All"]));
      expect(app.status).toBe(403);
      expect(app.body.error.code).toBe("ErrorAccessDenied");
      const anonymous = await t.request("GET", "/beta/me/calendars/delta");
      expect(anonymous.status).toBe(401);
      expect(anonymous.body.error.code).toBe("InvalidAuthenticationToken");
    });

    it("delta: a delegated token on another user's mailbox is 403, also through that user's links", async () => {
      const owner = await mailboxFixture(t);
      const other = await t.newMailbox();
      const otherToken = await t.userToken(other, ["Calendars.ReadWrite", "Calendars.Read"]);
      const direct = await get(`/beta/users/${owner.mailbox.id}/calendars/delta`, otherToken);
      expect(direct.status).toBe(403);
      expect(direct.body.error.code).toBe("ErrorAccessDenied");
      const first = await get(`/beta/users/${owner.mailbox.id}/calendars/delta`, owner.token, { prefer: "odata.maxpagesize=1" });
      for (const link of [first.body["@odata.nextLink"] as string]) {
        const res = await get(link, otherToken);
        expect(res.status).toBe(403);
        expect(res.body.error.code).toBe("ErrorAccessDenied");
      }
    });

    it("delta: authorization is checked again on every page; the token grants nothing by itself", async () => {
      const mailbox = await t.newMailbox();
      const read = await t.userToken(mailbox, ["Calendars.Read"]);
      const noCalendars = await t.userToken(mailbox, ["User.Read"]);
      const readBasic = await t.userToken(mailbox, ["Calendars.ReadBasic"]);
      const p1 = await get("/beta/me/calendars/delta", read, { prefer: "odata.maxpagesize=1" });
      const next = p1.body["@odata.nextLink"] as string;
      const denied = await get(next, noCalendars);
      expect(denied.status).toBe(403);
      expect(denied.body.error.code).toBe("ErrorAccessDenied");
      // The same user with another sufficient token continues the round.
      const p2 = await get(next, readBasic);
      expect(p2.status).toBe(200);
      const deltaLink = p2.body["@odata.deltaLink"] as string;
      expect((await get(deltaLink, noCalendars)).status).toBe(403);
      expect((await get(deltaLink, read)).status).toBe(200);
      // An expired bearer token fails even with a valid delta token.
      t.clock.advance(2 * 3600_000);
      const expired = await get(deltaLink, read);
      expect(expired.status).toBe(401);
      expect(expired.body.error.code).toBe("InvalidAuthenticationToken");
    });
  });
});
