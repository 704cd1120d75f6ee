import { describe, expect, it } from "vitest";
import { type TestResponse, type TestServer, useTestServer } from "../support/harness.js";
import {
  DeltaClient, expectSameState, injectTransport, listCalendars, mailboxFixture, pathOf,
  type Json,
} from "./delta-support.js";

// Expired, pruned or reset sync state of calendars/delta is 410 (spec §7.6, §7.7, decisions 7,
// 19); badly formed and foreign tokens are in delta-tokens.test.ts.

const DAY = 86400_000;


function expectGone(res: TestResponse, code: "SyncStateNotFound" | "SyncStateInvalid" | "ResyncRequired", label: string = code): void {
  expect(res.status, `${label}: ${res.text}`).toBe(410);
  expect(res.body.error.code, label).toBe(code);
  expect(res.body.error.innerError["request-id"]).toEqual(expect.any(String));
}

describe("calendars/delta tokens: expiry, pruning and reset (HTTP)", () => {
  describe("expiry, pruning and reset → 410", () => {
    // GRAPH_EXTENSIONS: the 410's Location is a graphcal extension (graph-parity.test.ts: none in parity mode).
    const r = useTestServer({ env: { DELTA_RETENTION_DAYS: "1", GRAPH_EXTENSIONS: "1" } });

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

function mailboxFixtureList(t: TestServer, token: string): Promise<Map<string, Json>> {
  return listCalendars(injectTransport(t, token), "/beta/me");
}
