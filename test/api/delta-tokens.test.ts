import { cpSync, rmSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { DEMO_TENANT_ID } from "../../src/server/index.js";
import { startTestServer, tempDataDir, type TestResponse, type TestServer, TEST_ENGINE, useTestServer } from "../support/harness.js";
import {
  DeltaClient, createCalendarsDirect, expectSameState, injectTransport, listCalendars, mailboxFixture, pathOf,
  type Json,
} from "./delta-support.js";

// Skip and delta tokens of calendars/delta: undecodable or foreign tokens are 400 "Badly formed
// token."; expired, pruned or reset sync state is 410 (spec §7.6, §7.7, decisions 7, 18, 19).

function expectBadToken(res: TestResponse, label: string): void {
  expect(res.status, `${label}: ${res.text}`).toBe(400);
  expect(res.body, label).toEqual({
    error: {
      code: "BadRequest",
      message: "Badly formed token.",
      innerError: { date: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$/), "request-id": expect.any(String), "client-request-id": expect.any(String) },
    },
  });
}

function expectGone(res: TestResponse, code: "SyncStateNotFound" | "SyncStateInvalid" | "ResyncRequired", label: string = code): void {
  expect(res.status, `${label}: ${res.text}`).toBe(410);
  expect(res.body.error.code, label).toBe(code);
  expect(res.body.error.innerError["request-id"]).toEqual(expect.any(String));
}

/** Splits `…?$skiptoken=X` / `…?$deltatoken=X` into the URL before the token and the token. */
function tokenOf(link: string): { prefix: string; param: string; token: string } {
  const m = /^(.*\?)(\$skiptoken|\$deltatoken)=([^&]*)$/.exec(pathOf(link));
  if (!m) throw new Error(`not a delta link: ${link}`);
  return { prefix: m[1]!, param: m[2]!, token: decodeURIComponent(m[3]!) };
}

/** Replaces the character at `index` with another one of the token alphabet. */
function flip(token: string, index: number): string {
  const c = token[index]!;
  return token.slice(0, index) + (c === "A" ? "B" : "A") + token.slice(index + 1);
}

describe("calendars/delta tokens (HTTP)", () => {
  // v1.0 calendars/delta and the 410's Location are graphcal extensions (graph-parity.test.ts covers parity mode).
  const t = useTestServer({ env: { GRAPH_EXTENSIONS: "1" } });

  const get = (url: string, token: string, headers?: Record<string, string>) =>
    t.request("GET", pathOf(url), { token, ...(headers && { headers }) });

  /** A mailbox with a nextLink (page 1 of 2) and a deltaLink. */
  async function links() {
    const f = await mailboxFixture(t);
    const p1 = await get("/beta/me/calendars/delta", f.token, { prefer: "odata.maxpagesize=1" });
    const p2 = await get(p1.body["@odata.nextLink"], f.token, { prefer: "odata.maxpagesize=1" });
    return { f, nextLink: p1.body["@odata.nextLink"] as string, deltaLink: p2.body["@odata.deltaLink"] as string, p2 };
  }

  describe("badly formed tokens → 400 BadRequest", () => {
    it("delta: tampered tokens (a character flipped in the payload or in the MAC) are rejected", async () => {
      const { f, nextLink, deltaLink } = await links();
      for (const link of [nextLink, deltaLink]) {
        const { prefix, param, token } = tokenOf(link);
        const [kid, payload, mac] = token.split(".") as [string, string, string];
        expect(token).toMatch(/^[A-Za-z0-9_.-]+$/);
        const tampered = {
          "payload start": flip(token, kid.length + 1),
          "payload middle": flip(token, kid.length + 1 + Math.floor(payload.length / 2)),
          "payload end": flip(token, kid.length + payload.length),
          "mac start": flip(token, kid.length + payload.length + 2),
          "mac end": flip(token, token.length - 1),
          "key id": flip(token, 0),
          "mac swapped for another token's": `${kid}.${payload}.${tokenOf(link === nextLink ? deltaLink : nextLink).token.split(".")[2]}`,
        };
        for (const [label, bad] of Object.entries(tampered)) {
          expect(bad).not.toBe(token);
          expectBadToken(await get(`${prefix}${param}=${bad}`, f.token), `${param} ${label}`);
        }
        expect(mac.length).toBeGreaterThan(20);
      }
    });

    it("delta: truncated and garbage tokens are rejected", async () => {
      const { f, nextLink, deltaLink } = await links();
      for (const link of [nextLink, deltaLink]) {
        const { prefix, param, token } = tokenOf(link);
        const variants = [token.slice(0, -1), token.slice(0, Math.floor(token.length / 2)), token.split(".").slice(0, 2).join("."), `${token}.x`, `${token}A`];
        for (const bad of variants) expectBadToken(await get(`${prefix}${param}=${bad}`, f.token), `${param} truncated ${bad.length}`);
      }
      const garbage = ["garbage", "a.b.c", "..", "", "latest", "eyJ2IjoxfQ", "%C3%BC", "%00", "x".repeat(5000), "a.b.c.d"];
      for (const bad of garbage) {
        expectBadToken(await get(`/beta/me/calendars/delta?$skiptoken=${bad}`, f.token), `skip ${bad.slice(0, 20)}`);
        expectBadToken(await get(`/beta/me/calendars/delta?$deltatoken=${bad}`, f.token), `delta ${bad.slice(0, 20)}`);
      }
    });

    it("delta: a delta token passed as $skiptoken and a skip token as $deltatoken are rejected", async () => {
      const { f, nextLink, deltaLink } = await links();
      const skip = tokenOf(nextLink).token;
      const delta = tokenOf(deltaLink).token;
      expectBadToken(await get(`/beta/me/calendars/delta?$skiptoken=${delta}`, f.token), "delta as skip");
      expectBadToken(await get(`/beta/me/calendars/delta?$deltatoken=${skip}`, f.token), "skip as delta");
    });

    it("delta: both tokens at once are rejected", async () => {
      const { f, nextLink, deltaLink } = await links();
      const skip = tokenOf(nextLink).token;
      const delta = tokenOf(deltaLink).token;
      expectBadToken(await get(`/beta/me/calendars/delta?$skiptoken=${skip}&$deltatoken=${delta}`, f.token), "both");
      expectBadToken(await get(`/beta/me/calendars/delta?$deltatoken=${delta}&$skiptoken=${skip}`, f.token), "both reversed");
    });

    it("delta: a token replayed on another mailbox is rejected", async () => {
      const app = await t.appToken(["Calendars.Read"]);
      const a = await t.newMailbox();
      const b = await t.newMailbox();
      const p1 = await get(`/beta/users/${a.id}/calendars/delta`, app, { prefer: "odata.maxpagesize=1" });
      const p2 = await get(p1.body["@odata.nextLink"], app);
      for (const link of [p1.body["@odata.nextLink"] as string, p2.body["@odata.deltaLink"] as string]) {
        const { param, token } = tokenOf(link);
        expectBadToken(await get(`/beta/users/${b.id}/calendars/delta?${param}=${token}`, app), `${param} on another mailbox`);
        expectBadToken(await get(`/beta/users/${b.userPrincipalName}/calendars/delta?${param}=${token}`, app), `${param} on another mailbox by UPN`);
        // The same mailbox by another name of it is fine.
        expect((await get(`/beta/users/${a.userPrincipalName}/calendars/delta?${param}=${token}`, app)).status).toBe(200);
      }
      // A user's own /me links do not work on someone else's /me either.
      const fa = await mailboxFixture(t);
      const fb = await mailboxFixture(t);
      const own = await get("/beta/me/calendars/delta", fa.token);
      expectBadToken(await get(own.body["@odata.deltaLink"], fb.token), "another user's /me deltaLink");
    });

    it("delta: a token replayed by another caller (user ↔ app, app ↔ app) is rejected", async () => {
      const { f, nextLink, deltaLink } = await links();
      const app = await t.appToken(["Calendars.Read"]);
      await t.server.store.transaction((tx) => tx.putApp({
        clientId: "0b0b0b0b-0000-4000-8000-000000000002", tenantId: DEMO_TENANT_ID, displayName: "second app",
        secretHash: "unused", roles: ["Calendars.Read"],
      }));
      const otherApp = await t.appToken(["Calendars.Read"], "0b0b0b0b-0000-4000-8000-000000000002");
      for (const link of [nextLink, deltaLink]) {
        const { param, token } = tokenOf(link);
        const asUsers = `/beta/users/${f.mailbox.id}/calendars/delta?${param}=${token}`;
        expect((await get(asUsers, f.token)).status, "the user itself via /users/{id}").toBe(200);
        expectBadToken(await get(asUsers, app), `${param} user → app`);
      }
      const p1 = await get(`/beta/users/${f.mailbox.id}/calendars/delta`, app, { prefer: "odata.maxpagesize=1" });
      const appLinks = [p1.body["@odata.nextLink"] as string, (await get(p1.body["@odata.nextLink"], app)).body["@odata.deltaLink"] as string];
      for (const link of appLinks) {
        expectBadToken(await get(link, otherApp), "app → other app");
        expectBadToken(await get(link, f.token), "app → user");
        expect((await get(link, app)).status).toBe(200);
      }
    });

    it("delta: a token replayed on the other API version is rejected", async () => {
      const { f, nextLink, deltaLink } = await links();
      for (const link of [nextLink, deltaLink]) {
        expectBadToken(await get(pathOf(link).replace("/beta/", "/v1.0/"), f.token), `beta → v1.0 ${tokenOf(link).param}`);
      }
      const v1 = await get("/v1.0/me/calendars/delta", f.token);
      expectBadToken(await get(pathOf(v1.body["@odata.deltaLink"]).replace("/v1.0/", "/beta/"), f.token), "v1.0 → beta");
    });

    it("delta: a token signed by another server's key is rejected", async () => {
      const t2 = await startTestServer();
      try {
        const m = await t2.newMailbox();
        const res = await t2.request("GET", "/beta/me/calendars/delta", { token: await t2.userToken(m) });
        const { param, token } = tokenOf(res.body["@odata.deltaLink"]);
        const f = await mailboxFixture(t);
        expectBadToken(await get(`/beta/me/calendars/delta?${param}=${token}`, f.token), "foreign key");
      } finally {
        await t2.close();
      }
    });

    it("delta: $deltatoken=latest is not supported (decision 15)", async () => {
      const f = await mailboxFixture(t);
      expectBadToken(await get("/beta/me/calendars/delta?$deltatoken=latest", f.token), "latest");
    });
  });

  describe("stateless and durable tokens", () => {
    it("delta: replaying a skip token gives the same page, even after later writes", async () => {
      const { f, nextLink } = await links();
      const a = await get(nextLink, f.token, { prefer: "odata.maxpagesize=1" });
      const b = await get(nextLink, f.token, { prefer: "odata.maxpagesize=1" });
      expect(b.status).toBe(200);
      expect(b.body).toEqual(a.body);
      await f.writes.update(a.body.value[0].id, { name: "Renamed later" });
      await f.writes.create("Created later");
      const c = await get(nextLink, f.token, { prefer: "odata.maxpagesize=1" });
      expect(c.body.value).toEqual(a.body.value);
      expect(tokenOf(c.body["@odata.deltaLink"]).param).toBe("$deltatoken");
    });

    it("delta: token parameter names are case-insensitive, may be percent-encoded and lack the $ on beta", async () => {
      const { f, nextLink, deltaLink } = await links();
      const skip = tokenOf(nextLink).token;
      const delta = tokenOf(deltaLink).token;
      const expected = (await get(nextLink, f.token)).body.value;
      for (const name of ["$SkipToken", "%24skiptoken", "skiptoken", "$SKIPTOKEN"]) {
        const res = await get(`/beta/me/calendars/delta?${name}=${skip}`, f.token);
        expect(res.status, name).toBe(200);
        expect(res.body.value).toEqual(expected);
      }
      for (const name of ["$DeltaToken", "%24deltatoken", "deltatoken"]) {
        expect((await get(`/beta/me/calendars/delta?${name}=${delta}`, f.token)).status, name).toBe(200);
      }
    });

    it("delta: replaying a delta token serves the same changes again", async () => {
      const f = await mailboxFixture(t);
      const first = await get("/beta/me/calendars/delta", f.token);
      const deltaLink = first.body["@odata.deltaLink"] as string;
      const x = await f.writes.create("New");
      const a = await get(deltaLink, f.token);
      const b = await get(deltaLink, f.token);
      expect(a.body.value.map((i: Json) => i.id)).toEqual([x.id]);
      expect(b.body.value).toEqual(a.body.value);
    });

    it("delta: a server restart on the same data folder keeps skip and delta tokens valid", async () => {
      const dataDir = tempDataDir();
      try {
        const t1 = await startTestServer({ dataDir });
        const f = await mailboxFixture(t1);
        await createCalendarsDirect(t1, f.mailbox, 3);
        const client = f.client();
        await client.round();
        const x = await f.writes.create("Before restart");
        const round1 = new DeltaClient(injectTransport(t1, f.token), "/beta/me/calendars/delta");
        const firstPage = await round1.first(2);
        const skipLink = firstPage["@odata.nextLink"] as string;
        await t1.close();

        const t2 = await startTestServer({ dataDir, clock: t1.clock });
        try {
          const token = await t2.userToken(f.mailbox.id, ["Calendars.Read"]);
          const old = await t2.request("GET", pathOf(client.deltaLink!), { token: f.token });
          expect(old.status, "the old bearer token is still valid too").toBe(200);
          expect(old.body.value.map((i: Json) => i.id)).toEqual([x.id]);
          // The half-finished round continues where it stopped.
          const rest = new DeltaClient(injectTransport(t2, token), "/beta/me/calendars/delta");
          for (const [id, c] of round1.state) rest.state.set(id, c);
          let page = await rest.fetchPage(skipLink, 2);
          while (page["@odata.nextLink"]) page = await rest.fetchPage(page["@odata.nextLink"], 2);
          expect(rest.state.size).toBe(6);
          const continued = new DeltaClient(injectTransport(t2, f.token), "/beta/me/calendars/delta");
          for (const [id, c] of client.state) continued.state.set(id, c);
          continued.deltaLink = client.deltaLink;
          await continued.round();
          expectSameState(continued.state, await mailboxFixtureList(t2, token));
        } finally {
          await t2.close();
        }
      } finally {
        rmSync(dataDir, { recursive: true, force: true });
      }
    });
  });

  // Skipped on PostgreSQL: the "backup" here is a copy of the SQLite file; the rule itself is engine-free.
  it.skipIf(TEST_ENGINE === "postgres")("delta: a token ahead of a store restored from an older backup is 410 SyncStateInvalid (decision 7)", async () => {
    const dataDir = tempDataDir();
    const backupDir = tempDataDir();
    try {
      const t1 = await startTestServer({ dataDir });
      const f = await mailboxFixture(t1);
      const client = f.client();
      await client.round();
      const before = client.deltaLink!;
      await t1.close();
      cpSync(dataDir, backupDir, { recursive: true });

      const t2 = await startTestServer({ dataDir, clock: t1.clock });
      const token = await t2.userToken(f.mailbox.id, ["Calendars.ReadWrite"]);
      const later = new DeltaClient(injectTransport(t2, token), "/beta/me/calendars/delta");
      later.deltaLink = before;
      expect((await t2.request("POST", "/beta/me/calendars", { token, body: { name: "Lost in the restore" } })).status).toBe(201);
      await later.round();
      const after = later.deltaLink!;
      await t2.close();

      const restored = await startTestServer({ dataDir: backupDir, clock: t1.clock });
      try {
        const res = await restored.request("GET", pathOf(after), { token });
        expectGone(res, "SyncStateInvalid", "token from after the backup");
        // A token from before the backup still works.
        expect((await restored.request("GET", pathOf(before), { token })).status).toBe(200);
      } finally {
        await restored.close();
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
      rmSync(backupDir, { recursive: true, force: true });
    }
  });

});

function mailboxFixtureList(t: TestServer, token: string): Promise<Map<string, Json>> {
  return listCalendars(injectTransport(t, token), "/beta/me");
}
