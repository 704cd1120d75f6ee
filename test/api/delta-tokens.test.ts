import { cpSync, rmSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_TENANT_ID } from "../../src/server/index.js";
import { startTestServer, tempDataDir, type TestResponse, type TestServer, TEST_ENGINE } from "../support/harness.js";
import {
  DeltaClient, createCalendarsDirect, expectSameState, injectTransport, listCalendars, mailboxFixture, pathOf,
  type Json,
} from "./delta-support.js";

// Skip and delta tokens of calendars/delta: undecodable or foreign tokens are 400 "Badly formed
// token."; expired, pruned or reset sync state is 410 (spec §7.6, §7.7, decisions 7, 18, 19).

const DAY = 86400_000;

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
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer();
  });
  afterAll(async () => t.close());

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

  describe("expiry, pruning and reset → 410", () => {
    let r: TestServer;
    beforeAll(async () => {
      r = await startTestServer({ env: { DELTA_RETENTION_DAYS: "1" } });
    });
    afterAll(async () => r.close());

    const rget = (url: string, token: string, headers?: Record<string, string>) =>
      r.request("GET", pathOf(url), { token, ...(headers && { headers }) });

    it("delta: after changes, 2 days and the retention job, an old deltaLink is 410 SyncStateNotFound", async () => {
      const f = await mailboxFixture(r);
      const extra = await f.writes.create("Extra");
      const client = f.client();
      const p1 = await rget("/beta/me/calendars/delta", f.token, { prefer: "odata.maxpagesize=1" });
      await client.round();
      const oldDelta = client.deltaLink!;
      await f.writes.update(extra.id, { name: "Extra 2" });
      await f.writes.remove(extra.id);
      r.clock.advance(2 * DAY);
      const { pruned } = await r.server.prune();
      expect(pruned).toBeGreaterThan(0);
      const token = await r.userToken(f.mailbox, ["Calendars.Read"]);
      expectGone(await rget(oldDelta, token), "SyncStateNotFound", "old deltaLink");
      expectGone(await rget(p1.body["@odata.nextLink"], token), "SyncStateNotFound", "old nextLink");
      // Starting over works and the initial round after pruning is complete.
      const fresh = new DeltaClient(injectTransport(r, token), "/beta/me/calendars/delta");
      await fresh.round({ pageSize: 1 });
      expectSameState(fresh.state, await mailboxFixtureList(r, token));
      expect(fresh.state.has(extra.id)).toBe(false);
      // And the new deltaLink is good for later changes.
      const y = await new CalendarWritesFor(r, f.mailbox).create("After prune");
      const next = await fresh.round();
      expect(next.ids).toEqual([y]);
    });

    it("delta: a token older than the retention period is 410 even when nothing was pruned", async () => {
      const f = await mailboxFixture(r);
      const p1 = await rget("/beta/me/calendars/delta", f.token, { prefer: "odata.maxpagesize=1" });
      const p2 = await rget(p1.body["@odata.nextLink"], f.token);
      r.clock.advance(DAY + 60_000);
      const token = await r.userToken(f.mailbox, ["Calendars.Read"]);
      expectGone(await rget(p2.body["@odata.deltaLink"], token), "SyncStateNotFound", "aged deltaLink");
      expectGone(await rget(p1.body["@odata.nextLink"], token), "SyncStateNotFound", "aged nextLink");
    });

    it("delta: polling refreshes a delta token, so a client that keeps syncing never expires", async () => {
      const f = await mailboxFixture(r);
      const client = f.client();
      await client.round();
      for (let day = 0; day < 4; day++) {
        r.clock.advance(DAY / 2);
        const token = await r.userToken(f.mailbox, ["Calendars.ReadWrite"]);
        const c = new DeltaClient(injectTransport(r, token), "/beta/me/calendars/delta");
        c.deltaLink = client.deltaLink;
        for (const [id, v] of client.state) c.state.set(id, v);
        if (day % 2 === 0) await new CalendarWritesFor(r, f.mailbox).create(`Day ${day}`);
        await r.server.prune();
        await c.round();
        client.deltaLink = c.deltaLink;
        for (const [id, v] of c.state) client.state.set(id, v);
        expectSameState(c.state, await mailboxFixtureList(r, token));
      }
    });

    it("delta: a round that outlives pruned removals ends with 410 rather than missing a @removed", async () => {
      const f = await mailboxFixture(r);
      const cals: Json[] = [];
      for (let i = 0; i < 3; i++) cals.push(await f.writes.create(`Keep ${i}`));
      const client = f.client();
      await client.round();
      // A second round starts (its first page fixes the watermark), then a calendar the client
      // knows is deleted; the client keeps paging slowly, each page well within retention.
      await f.writes.update(cals[0]!.id, { name: "Keep 0'" });
      await f.writes.update(cals[1]!.id, { name: "Keep 1'" });
      await f.writes.update(cals[2]!.id, { name: "Keep 2'" });
      let token = f.token;
      const page1 = await rget(client.deltaLink!, token, { prefer: "odata.maxpagesize=1" });
      await f.writes.remove(cals[2]!.id);
      let link = page1.body["@odata.nextLink"] as string;
      for (let i = 0; i < 2; i++) {
        r.clock.advance(0.75 * DAY);
        token = await r.userToken(f.mailbox, ["Calendars.ReadWrite"]);
        const page = await rget(link, token, { prefer: "odata.maxpagesize=1" });
        expect(page.status).toBe(200);
        link = page.body["@odata.nextLink"] ?? page.body["@odata.deltaLink"];
      }
      expect(pathOf(link)).toMatch(/\$deltatoken=/);
      // The deltaLink is young, but the removal after its watermark is older than retention.
      r.clock.advance(0.3 * DAY);
      token = await r.userToken(f.mailbox, ["Calendars.ReadWrite"]);
      expect((await rget(link, token)).status, "valid until the retention job runs").toBe(200);
      await r.server.prune();
      expectGone(await rget(link, token), "SyncStateNotFound", "deltaLink whose history was pruned");
    });

    it("delta: resetSync by an admin app makes every earlier token 410 ResyncRequired with a Location", async () => {
      const f = await mailboxFixture(r);
      const p1 = await rget("/beta/me/calendars/delta", f.token, { prefer: "odata.maxpagesize=1" });
      const p2 = await rget(p1.body["@odata.nextLink"], f.token);
      const app = await r.appToken(["Calendars.Read"]);
      const appRound = await rget(`/beta/users/${f.mailbox.id}/calendars/delta`, app);

      const notAdmin = await r.request("POST", `/_graphcal/mailboxes/${f.mailbox.id}/resetSync`, { token: app });
      expect(notAdmin.status).toBe(403);
      const asUser = await r.request("POST", `/_graphcal/mailboxes/${f.mailbox.id}/resetSync`, { token: f.token });
      expect(asUser.status).toBe(403);
      // Nothing was reset by the refused calls.
      expect((await rget(p2.body["@odata.deltaLink"], f.token)).status).toBe(200);

      const admin = await r.appToken(["Graphcal.Admin"]);
      const reset = await r.request("POST", `/_graphcal/mailboxes/${f.mailbox.id}/resetSync`, { token: admin });
      expect(reset.status).toBe(204);

      for (const [link, label] of [[p2.body["@odata.deltaLink"], "deltaLink"], [p1.body["@odata.nextLink"], "nextLink"]] as const) {
        const res = await rget(link, f.token);
        expectGone(res, "ResyncRequired", label);
        expect(res.headers.location).toBe("http://localhost:80/beta/me/calendars/delta");
      }
      const appRes = await rget(appRound.body["@odata.deltaLink"], app);
      expectGone(appRes, "ResyncRequired", "app deltaLink");
      expect(appRes.headers.location).toBe(`http://localhost:80/beta/users/${f.mailbox.id}/calendars/delta`);

      // The Location starts a working round, whose tokens are not affected by the reset.
      const client = new DeltaClient(injectTransport(r, f.token), pathOf(String((await rget(p2.body["@odata.deltaLink"], f.token)).headers.location)));
      await client.round({ pageSize: 1 });
      expectSameState(client.state, await mailboxFixtureList(r, f.token));
      const x = await f.writes.create("After reset");
      expect((await client.round()).ids).toEqual([x.id]);
      // Other mailboxes are untouched.
      const other = await mailboxFixture(r);
      const o = await rget("/beta/me/calendars/delta", other.token);
      await r.request("POST", `/_graphcal/mailboxes/${f.mailbox.id}/resetSync`, { token: admin });
      expect((await rget(o.body["@odata.deltaLink"], other.token)).status).toBe(200);
    });

    it("delta: resetSync of an unknown mailbox is 404", async () => {
      const admin = await r.appToken(["Graphcal.Admin"]);
      const res = await r.request("POST", "/_graphcal/mailboxes/nobody@contoso.com/resetSync", { token: admin });
      expect(res.status).toBe(404);
    });
  });
});

function mailboxFixtureList(t: TestServer, token: string): Promise<Map<string, Json>> {
  return listCalendars(injectTransport(t, token), "/beta/me");
}

/** Writes through HTTP for a mailbox, with a token minted at the server's current time. */
class CalendarWritesFor {
  constructor(private readonly t: TestServer, private readonly mailbox: { id: string }) {}
  async create(name: string): Promise<string> {
    const token = await this.t.userToken(this.mailbox.id, ["Calendars.ReadWrite"]);
    const res = await this.t.request("POST", "/beta/me/calendars", { token, body: { name } });
    expect(res.status).toBe(201);
    return res.body.id as string;
  }
}
