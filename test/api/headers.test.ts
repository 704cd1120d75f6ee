import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestResponse, type TestServer } from "../support/harness.js";
import { entityOf, expectGraphError, GRAPH_CONTENT_TYPE, GUID, pathOf } from "../support/graph-assertions.js";
import type { Mailbox } from "../../src/domain/index.js";

// Response headers and annotations every Graph response carries (spec §2.5, §2.6, §8.3).

describe("headers", () => {
  let t: TestServer;
  let mailbox: Mailbox;
  let token: string;
  beforeAll(async () => {
    t = await startTestServer();
    mailbox = await t.newMailbox("Header Tester");
    token = await t.userToken(mailbox, ["Calendars.ReadWrite", "User.Read", "User.ReadBasic.All"]);
  });
  afterAll(async () => t.close());

  /** One request of each outcome: 200, 201, 204, 4xx. */
  async function samples(): Promise<Record<string, TestResponse>> {
    const created = await t.request("POST", "/v1.0/me/calendars", { token, body: { name: `Sample ${Math.random()}` } });
    return {
      ok: await t.request("GET", "/v1.0/me/calendars", { token }),
      created,
      deleted: await t.request("DELETE", `/v1.0/me/calendars/${created.body.id}`, { token }),
      notFound: await t.request("GET", `/v1.0/me/calendars/${created.body.id}`, { token }),
      unauthenticated: await t.request("GET", "/v1.0/me/calendars"),
      routing: await t.request("GET", "/v1.0/me/nothing", { token }),
    };
  }

  describe("correlation", () => {
    it("request-id: every response (success or error) carries a fresh GUID request-id", async () => {
      const all = Object.values(await samples());
      const ids = all.map((res) => res.headers["request-id"]);
      for (const id of ids) expect(id).toMatch(GUID);
      expect(new Set(ids).size).toBe(ids.length);
    });

    it("client-request-id: echoed when the client sends one, on successes and errors", async () => {
      const clientRequestId = "3d6261a4-3882-61c8-39d1-cd4878fdb503";
      const ok = await t.request("GET", "/v1.0/me/calendars", { token, headers: { "client-request-id": clientRequestId } });
      expect(ok.headers["client-request-id"]).toBe(clientRequestId);
      expect(ok.headers["request-id"]).not.toBe(clientRequestId);
      const error = await t.request("GET", "/v1.0/me/bogus", { token, headers: { "client-request-id": clientRequestId } });
      expectGraphError(error, 400, "BadRequest");
      expect(error.body.error.innerError["client-request-id"]).toBe(clientRequestId);
      expect(error.body.error.innerError["request-id"]).toBe(error.headers["request-id"]);
    });

    it("client-request-id: equals request-id when the client sends none (or an absurdly long one)", async () => {
      for (const headers of [{}, { "client-request-id": "x".repeat(201) }] as Record<string, string>[]) {
        const res = await t.request("GET", "/v1.0/me/calendars", { token, headers });
        expect(res.headers["client-request-id"]).toBe(res.headers["request-id"]);
      }
    });

    it("client-request-id: echoed on bad URLs the router cannot decode", async () => {
      const res = await t.request("GET", "/v1.0/me/calendars/%E0%A4%A", { token, headers: { "client-request-id": "abc-123" } });
      expectGraphError(res, 400, "BadRequest");
      expect(res.headers["client-request-id"]).toBe("abc-123");
      expect(res.headers["odata-version"]).toBe("4.0");
    });

    it("innerError.date: the server clock in UTC without fraction", async () => {
      const start = t.clock.now();
      t.clock.advance(65_000 + 999); // 12:00:00.000 → 12:01:05.999
      try {
        const res = await t.request("GET", "/v1.0/me/unknown", { token });
        expect(start.toISOString()).toBe("2026-11-25T12:00:00.000Z");
        expect(res.body.error.innerError.date).toBe("2026-11-25T12:01:05");
      } finally {
        t.clock.set(start);
      }
    });
  });

  describe("protocol headers", () => {
    it("OData-Version: 4.0 and Cache-Control: private on every outcome", async () => {
      for (const [name, res] of Object.entries(await samples())) {
        expect(res.headers["odata-version"], name).toBe("4.0");
        expect(res.headers["cache-control"], name).toBe("private");
        expect(res.headers).not.toHaveProperty("strict-transport-security"); // plain HTTP
      }
    });

    it("Content-Type: Graph's minimal-metadata JSON type on bodies, none on 204", async () => {
      const s = await samples();
      for (const name of ["ok", "created", "notFound", "unauthenticated", "routing"]) {
        expect(s[name]?.headers["content-type"], name).toBe(GRAPH_CONTENT_TYPE);
      }
      expect(s.deleted?.status).toBe(204);
      expect(s.deleted?.text).toBe("");
      expect(s.deleted?.headers).not.toHaveProperty("content-type");
    });

    it("Location: a 201 points at the new calendar, and GETting it returns the same entity", async () => {
      const res = await t.request("POST", "/beta/me/calendars", { token, body: { name: "Located" } });
      expect(res.status).toBe(201);
      expect(res.headers.location).toBe(`http://localhost:80/beta/users/${mailbox.id}/calendars/${res.body.id}`);
      const got = await t.request("GET", pathOf(res.headers.location as string), { token });
      expect(got.status).toBe(200);
      expect(entityOf(got.body)).toEqual(entityOf(res.body));
    });

    it("Location: also on a calendar created in a group, and on a new calendar group", async () => {
      const group = await t.request("POST", "/v1.0/me/calendarGroups", { token, body: { name: "Located Group" } });
      expect(group.headers.location).toBe(`http://localhost:80/v1.0/users/${mailbox.id}/calendarGroups/${group.body.id}`);
      const inGroup = await t.request("POST", `/v1.0/me/calendarGroups/${group.body.id}/calendars`, { token, body: { name: "Located In Group" } });
      expect(inGroup.headers.location).toBe(`http://localhost:80/v1.0/users/${mailbox.id}/calendars/${inGroup.body.id}`);
      expect((await t.request("GET", pathOf(inGroup.headers.location as string), { token })).body.name).toBe("Located In Group");
    });

    it("Location: absent on responses other than 201", async () => {
      for (const [name, res] of Object.entries(await samples())) {
        if (name !== "created") expect(res.headers, name).not.toHaveProperty("location");
      }
    });

    it("Allow: a 405 lists the methods the resource takes", async () => {
      const res = await t.request("PUT", "/v1.0/me/calendars", { token, body: {} });
      expectGraphError(res, 405, "ErrorInvalidRequest");
      expect(res.headers.allow).toBe("GET, POST");
    });

    it("healthz: plain JSON, not a Graph resource", async () => {
      const res = await t.request("GET", "/healthz");
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ status: "ok" });
      expect(res.headers["content-type"]).toBe("application/json; charset=utf-8");
    });
  });

  describe("@odata.context", () => {
    const origin = "http://localhost:80";
    const cases: [string, (m: Mailbox, ids: { calendar: string; group: string }) => string, (m: Mailbox, ids: { calendar: string; group: string }) => string][] = [
      ["/me list", () => "/v1.0/me/calendars", () => "v1.0/$metadata#me/calendars"],
      ["/users/{id} list", (m) => `/v1.0/users/${m.id}/calendars`, (m) => `v1.0/$metadata#users('${m.id}')/calendars`],
      ["/users/{upn} list (@ percent-encoded)", (m) => `/beta/users/${m.userPrincipalName}/calendars`, (m) => `beta/$metadata#users('${encodeURIComponent(m.userPrincipalName)}')/calendars`],
      ["entity by id", (_m, x) => `/v1.0/me/calendars/${x.calendar}`, () => "v1.0/$metadata#me/calendars/$entity"],
      ["the default calendar", () => "/beta/me/calendar", () => "beta/$metadata#me/calendar/$entity"],
      ["another user's entity", (m, x) => `/v1.0/users/${m.id}/calendars/${x.calendar}`, (m) => `v1.0/$metadata#users('${m.id}')/calendars/$entity`],
      ["$select on a list", () => "/v1.0/me/calendars?$select=color,name", () => "v1.0/$metadata#me/calendars(id,name,color)"],
      ["$select on an entity", (_m, x) => `/v1.0/me/calendars/${x.calendar}?$select=name`, () => "v1.0/$metadata#me/calendars(id,name)/$entity"],
      ["calendar groups", () => "/v1.0/me/calendarGroups", () => "v1.0/$metadata#me/calendarGroups"],
      ["one calendar group", (_m, x) => `/v1.0/me/calendarGroups/${x.group}`, () => "v1.0/$metadata#me/calendarGroups/$entity"],
      ["the default group's calendars", () => "/v1.0/me/calendarGroup/calendars", () => "v1.0/$metadata#me/calendarGroup/calendars"],
      ["a group's calendars (key syntax)", (_m, x) => `/v1.0/me/calendarGroups/${x.group}/calendars`, (_m, x) => `v1.0/$metadata#me/calendarGroups('${x.group}')/calendars`],
      ["/me", () => "/v1.0/me", () => "v1.0/$metadata#users/$entity"],
      ["/users", () => "/v1.0/users?$top=1", () => "v1.0/$metadata#users"],
      ["delta", () => "/beta/me/calendars/delta", () => "beta/$metadata#Collection(calendar)"],
    ];

    for (const [name, url, context] of cases) {
      it(`@odata.context: ${name}`, async () => {
        const ids = {
          calendar: (await t.request("GET", "/v1.0/me/calendar", { token })).body.id as string,
          group: (await t.request("GET", "/v1.0/me/calendarGroups", { token })).body.value[0].id as string,
        };
        const appToken = await t.appToken(["Calendars.Read", "User.Read.All"]);
        const asApp = url(mailbox, ids).includes("/users/");
        const res = await t.request("GET", url(mailbox, ids), { token: asApp ? appToken : token });
        expect(res.status, res.text).toBe(200);
        expect(res.body["@odata.context"]).toBe(`${origin}/${context(mailbox, ids)}`);
        // The annotation leads the body.
        expect(Object.keys(res.body)[0]).toBe("@odata.context");
      });
    }

    it("@odata.context: the origin follows a loopback Host; another Host gets the listener's origin, never its own", async () => {
      const loopback = await t.request("GET", "/v1.0/me/calendars", { token, headers: { host: "127.0.0.1:9999" } });
      expect(loopback.body["@odata.context"]).toBe("http://127.0.0.1:9999/v1.0/$metadata#me/calendars");
      for (const host of ["graph.example.test:8443", "evil.test/<script>"]) {
        const bad = await t.request("GET", "/v1.0/me/calendars?$top=1", { token, headers: { host } });
        // In process nothing listens: the configured host, without a port.
        expect(bad.body["@odata.context"]).toBe("http://127.0.0.1/v1.0/$metadata#me/calendars");
        expect(bad.body["@odata.nextLink"]).toMatch(/^http:\/\/127\.0\.0\.1\/v1\.0\/me\/calendars\?/);
      }
      const created = await t.request("POST", "/v1.0/me/calendars", { token, body: { name: "Hostile Host" }, headers: { host: "evil.test" } });
      expect(created.headers.location).toMatch(/^http:\/\/127\.0\.0\.1\/v1\.0\/users\//);
    });

    it("@odata.nextLink: absolute, same origin, version and subject form as the request", async () => {
      const res = await t.request("GET", `/beta/users/${mailbox.userPrincipalName}/calendars?$top=1`, { token, headers: { host: "localhost:1234" } });
      expect(res.body["@odata.nextLink"]).toBe(`http://localhost:1234/beta/users/${encodeURIComponent(mailbox.userPrincipalName)}/calendars?$top=1&$skip=1`);
      const me = await t.request("GET", "/v1.0/me/calendars?$top=1", { token });
      expect(me.body["@odata.nextLink"]).toBe("http://localhost:80/v1.0/me/calendars?$top=1&$skip=1");
    });
  });

  describe("ALLOWED_HOSTS", () => {
    let allowed: TestServer;
    beforeAll(async () => {
      allowed = await startTestServer({ env: { ALLOWED_HOSTS: "graph.example.test, proxy.test:8443" } });
    });
    afterAll(async () => allowed.close());

    it("@odata.context: a listed Host is used (by name on any port, or by name and port); others are not", async () => {
      const tk = await allowed.userToken(await allowed.newMailbox());
      const context = async (host: string) => (await allowed.request("GET", "/v1.0/me/calendars", { token: tk, headers: { host } })).body["@odata.context"];
      expect(await context("graph.example.test:8443")).toBe("http://graph.example.test:8443/v1.0/$metadata#me/calendars");
      expect(await context("proxy.test:8443")).toBe("http://proxy.test:8443/v1.0/$metadata#me/calendars");
      expect(await context("proxy.test:9000")).toBe("http://127.0.0.1/v1.0/$metadata#me/calendars");
      expect(await context("evil.test")).toBe("http://127.0.0.1/v1.0/$metadata#me/calendars");
    });
  });

  describe("public base URL", () => {
    let pub: TestServer;
    beforeAll(async () => {
      pub = await startTestServer({ env: { PUBLIC_BASE_URL: "https://graph.example.test/" } });
    });
    afterAll(async () => pub.close());

    it("@odata.context: PUBLIC_BASE_URL overrides the Host header in contexts, links and Location", async () => {
      const m = await pub.newMailbox();
      const tk = await pub.userToken(m);
      const list = await pub.request("GET", "/v1.0/me/calendars?$top=1", { token: tk, headers: { host: "ignored.test" } });
      expect(list.body["@odata.context"]).toBe("https://graph.example.test/v1.0/$metadata#me/calendars");
      expect(list.body["@odata.nextLink"]).toBe("https://graph.example.test/v1.0/me/calendars?$top=1&$skip=1");
      const created = await pub.request("POST", "/v1.0/me/calendars", { token: tk, body: { name: "Public" } });
      expect(created.headers.location).toBe(`https://graph.example.test/v1.0/users/${m.id}/calendars/${created.body.id}`);
    });
  });
});
