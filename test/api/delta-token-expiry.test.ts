import { describe, expect, it } from "vitest";
import { rmSync } from "node:fs";
import { pollReplayOf } from "../../src/http/index.js";
import { startTestServer, tempDataDir, useTestServer, type TestResponse } from "../support/harness.js";
import { socketGetJson, useListeningServer } from "../support/socket-get.js";
import { pathOf } from "./delta-support.js";

// POST /_graphcal/delta-tokens/expire (issue 11 §7): exactly the links asked for answer 410
// SyncStateNotFound next time; others keep working; the expiry survives a restart and the poll
// replay. Run on PostgreSQL with GRAPHCAL_TEST_ENGINE=postgres.

const WEEK = "startDateTime=2026-11-23T00:00:00Z&endDateTime=2026-11-30T00:00:00Z";

function expectNotFound(res: TestResponse, label: string): void {
  expect(res.status, `${label}: ${res.text}`).toBe(410);
  expect(res.body.error.code, label).toBe("SyncStateNotFound");
  expect(res.body.error.message, label).toMatch(/^The sync state generation is not found; generation=\d+;\[highest=\d+\]\.$/);
}

function expectBadRequest(res: TestResponse, message: RegExp): void {
  expect(res.status, res.text).toBe(400);
  expect(res.body.error.code).toBe("BadRequest");
  expect(res.body.error.message).toMatch(message);
}

describe("delta token expiry (HTTP)", () => {
  const t = useTestServer();
  const expire = async (body: unknown) => t.request("POST", "/_graphcal/delta-tokens/expire", { token: await t.appToken(["Graphcal.Admin"]), body });

  it("expire: one deltaLink answers 410 SyncStateNotFound; another link of the mailbox keeps working", async () => {
    const mailbox = await t.newMailbox();
    const token = await t.userToken(mailbox);
    const a = (await t.request("GET", "/beta/me/calendars/delta", { token })).body["@odata.deltaLink"] as string;
    t.clock.advance(2000); // a second client's round, issued later: another token for the same position
    const b = (await t.request("GET", "/beta/me/calendars/delta?$select=name", { token })).body["@odata.deltaLink"] as string;
    expect((await t.request("GET", pathOf(a), { token })).status).toBe(200);

    const res = await expire({ deltaLink: a });
    expect(res.status, res.text).toBe(200);
    expect(res.body).toEqual({ expired: "link", mailboxId: mailbox.id });
    expectNotFound(await t.request("GET", pathOf(a), { token }), "the expired link");
    expectNotFound(await t.request("GET", pathOf(a), { token }), "the expired link, again");
    expect((await t.request("GET", pathOf(b), { token })).status, "the other link").toBe(200);

    // Starting over gives a link that works.
    const fresh = (await t.request("GET", "/beta/me/calendars/delta", { token })).body["@odata.deltaLink"] as string;
    expect((await t.request("GET", pathOf(fresh), { token })).status).toBe(200);
  });

  it("expire: a nextLink mid-round and a calendarView/delta link can be expired too", async () => {
    const mailbox = await t.newMailbox();
    const token = await t.userToken(mailbox);
    const page = await t.request("GET", "/beta/me/calendars/delta", { token, headers: { prefer: "odata.maxpagesize=1" } });
    const next = page.body["@odata.nextLink"] as string;
    expect(next).toContain("$skiptoken=");
    const view = (await t.request("GET", `/v1.0/me/calendarView/delta?${WEEK}`, { token })).body["@odata.deltaLink"] as string;
    expect((await expire({ deltaLink: next })).status).toBe(200);
    expect((await expire({ deltaLink: view })).status).toBe(200);
    expectNotFound(await t.request("GET", pathOf(next), { token }), "nextLink");
    expectNotFound(await t.request("GET", pathOf(view), { token }), "calendarView/delta");
  });

  it("expire: every link of a mailbox (by UPN); another mailbox's links keep working", async () => {
    const [mailbox, other] = [await t.newMailbox(), await t.newMailbox()];
    const token = await t.userToken(mailbox);
    const otherToken = await t.userToken(other);
    const links = [
      (await t.request("GET", "/beta/me/calendars/delta", { token })).body["@odata.deltaLink"] as string,
      (await t.request("GET", `/v1.0/me/calendarView/delta?${WEEK}`, { token })).body["@odata.deltaLink"] as string,
      (await t.request("GET", "/beta/me/calendars/delta", { token, headers: { prefer: "odata.maxpagesize=1" } })).body["@odata.nextLink"] as string,
    ];
    const otherLink = (await t.request("GET", "/beta/me/calendars/delta", { token: otherToken })).body["@odata.deltaLink"] as string;

    const res = await expire({ mailbox: mailbox.userPrincipalName });
    expect(res.body).toEqual({ expired: "mailbox", mailboxId: mailbox.id });
    for (const link of links) expectNotFound(await t.request("GET", pathOf(link), { token }), link);
    expect((await t.request("GET", pathOf(otherLink), { token: otherToken })).status).toBe(200);

    const fresh = await t.request("GET", "/beta/me/calendars/delta", { token });
    expect(fresh.body.value.map((c: { name: string }) => c.name)).toEqual(["Calendar", "Birthdays"]);
    expect((await t.request("GET", pathOf(fresh.body["@odata.deltaLink"]), { token })).status).toBe(200);
  });

  it("expire: bad bodies are Graph-format 400s; an unknown mailbox is 404", async () => {
    const mailbox = await t.newMailbox();
    const token = await t.userToken(mailbox);
    const link = (await t.request("GET", "/beta/me/calendars/delta", { token })).body["@odata.deltaLink"] as string;
    expectBadRequest(await expire({}), /exactly one of 'deltaLink', 'mailbox'/);
    expectBadRequest(await expire({ deltaLink: link, mailbox: mailbox.id }), /exactly one/);
    expectBadRequest(await expire({ deltaLink: "http://127.0.0.1:8080/beta/me/calendars/delta" }), /neither a \$deltatoken nor a \$skiptoken/);
    const forged = link.replace(/\$deltatoken=([^&]+)/, (_m, tok: string) => `$deltatoken=${tok.slice(0, -4)}AAAA`);
    expectBadRequest(await expire({ deltaLink: forged }), /not carry a token this server issued/);
    expectBadRequest(await expire({ deltaLink: 42 }), /non-empty string/);
    const missing = await expire({ mailbox: "nobody@contoso.com" });
    expect(missing.status).toBe(404);
    expect((await t.request("GET", pathOf(link), { token })).status, "nothing was expired").toBe(200);
  });
});

describe("delta token expiry across a restart", () => {
  it("expire: an expired link stays expired after the server restarts over the same store", async () => {
    const dataDir = tempDataDir();
    let t = await startTestServer({ dataDir });
    try {
      const mailbox = await t.newMailbox();
      const token = await t.userToken(mailbox);
      const link = pathOf((await t.request("GET", "/beta/me/calendars/delta", { token })).body["@odata.deltaLink"]);
      const admin = await t.appToken(["Graphcal.Admin"]);
      expect((await t.request("POST", "/_graphcal/delta-tokens/expire", { token: admin, body: { deltaLink: link } })).status).toBe(200);
      await t.close({ keepData: true });
      t = await startTestServer({ dataDir, clock: t.clock });
      expectNotFound(await t.request("GET", link, { token }), "after restart");
    } finally {
      await t.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

describe("delta token expiry and the poll replay (real socket)", () => {
  const s = useListeningServer();

  it("expire: a link the replay was answering is refused at once after it is expired", async () => {
    const mailbox = await s.t.newMailbox();
    const token = await s.t.userToken(mailbox);
    const first = await socketGetJson(`${s.origin}/beta/me/calendars/delta`, token);
    const link = `${s.origin}${pathOf(first.body["@odata.deltaLink"])}`;
    const replay = pollReplayOf(s.t.server.app)!;
    await socketGetJson(link, token);
    const before = replay.replayed;
    expect((await socketGetJson(link, token)).status).toBe(200);
    expect(replay.replayed, "served from the replay").toBe(before + 1);

    const admin = await s.t.appToken(["Graphcal.Admin"]);
    const res = await fetch(`${s.origin}/_graphcal/delta-tokens/expire`, {
      method: "POST", headers: { authorization: `Bearer ${admin}`, "content-type": "application/json" }, body: JSON.stringify({ deltaLink: link }),
    });
    expect(res.status).toBe(200);
    const gone = await socketGetJson(link, token);
    expect(gone.status).toBe(410);
    expect(gone.body.error.code).toBe("SyncStateNotFound");
    expect(replay.replayed).toBe(before + 1);
  });
});
