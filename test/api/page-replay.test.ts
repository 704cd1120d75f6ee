import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pollReplayOf } from "../../src/http/index.js";
import type { Mailbox } from "../../src/domain/index.js";
import { startTestServer, type TestServer } from "../support/harness.js";
import { DEMO_CLIENT_ID } from "../../src/server/index.js";
import { createCalendarsDirect, pathOf, type Json } from "./delta-support.js";
import { socketGet } from "../support/socket-get.js";
import { sharingWorld, WINDOW } from "../support/sharing-world.js";

// Later pages of a delta round answered before Fastify (src/http/poll-replay.ts, cache entry 12):
// a nextLink requested again gets the pipeline's exact bytes while DeltaService.repeatsPage holds.
// What must hold: writes after the round do not change its pages (the pipeline would send the
// same items); a reset, an expired link, a prune, a deleted calendar or a revoked share is
// answered at once as the pipeline answers it, never with a kept page.

const DAY = 86_400_000;
const PAGE = { prefer: "odata.maxpagesize=2" };

interface Answer { status: number; headers: Record<string, string>; text: string; body: Json }

describe("later-page replay (real socket)", () => {
  let t: TestServer;
  let origin = "";
  const replayed = () => pollReplayOf(t.server.app)!.replayed;

  beforeAll(async () => {
    // One day of retention: tokens then outlive the bearer's hour only by what the test advances.
    t = await startTestServer({ env: { DELTA_RETENTION_DAYS: "1" } });
    origin = (await t.server.listen()).http;
  });
  afterAll(async () => t.close());

  async function get(path: string, token: string, headers: Record<string, string> = PAGE): Promise<Answer> {
    const res = await socketGet(`${origin}${path}`, { authorization: `Bearer ${token}`, ...headers });
    return { status: res.status, headers: res.headers as Record<string, string>, text: res.text, body: res.text ? JSON.parse(res.text) as Json : {} };
  }

  /** A bearer that outlives the test's clock moves (the default lives an hour). */
  async function longToken(mailbox: Mailbox): Promise<string> {
    const minted = await t.server.issuer.mintDelegated({ mailbox, scopes: ["Calendars.ReadWrite"], clientId: DEMO_CLIENT_ID, lifetimeSeconds: 3 * 86_400 });
    return minted.token;
  }

  /** A mailbox with 1 + `extra` calendars and the path of its initial round's second page. */
  async function secondPage(extra = 5): Promise<{ mailbox: Mailbox; token: string; link: string; first: Answer }> {
    const mailbox = await t.newMailbox();
    await createCalendarsDirect(t, mailbox, extra);
    const token = await t.userToken(mailbox);
    const first = await get("/beta/me/calendars/delta", token);
    expect(first.status).toBe(200);
    return { mailbox, token, link: pathOf(first.body["@odata.nextLink"] as string), first };
  }

  it("a later page requested again is kept, then replayed byte for byte; the round still completes exactly", async () => {
    const round = await secondPage();
    const { token, link } = round;
    const piped = await get(link, token);
    expect(piped.status).toBe(200);
    expect(piped.body.value).toHaveLength(2);
    // A page asked for once is not kept (a syncing client follows each nextLink once): the first
    // repeat is the pipeline's, and it keeps the answer.
    const before = replayed();
    expect((await get(link, token)).text).toBe(piped.text);
    expect(replayed()).toBe(before);
    const again = await get(link, token, { ...PAGE, "client-request-id": "retry" });
    expect(replayed()).toBe(before + 1);
    expect(again.text).toBe(piped.text);
    expect(again.headers["preference-applied"]).toBe(piped.headers["preference-applied"]);
    expect(again.headers["client-request-id"]).toBe("retry");
    expect(again.headers["request-id"]).not.toBe(piped.headers["request-id"]);
    // Another Prefer is another answer: the pipeline's.
    const bigger = await get(link, token, { prefer: "odata.maxpagesize=10" });
    expect(replayed()).toBe(before + 1);
    expect(bigger.body.value.length).toBeGreaterThan(2);
    // Following the replayed nextLink finishes the round: every calendar exactly once.
    const { first } = round;
    const ids = [...first.body.value, ...again.body.value].map((c: Json) => c.id as string);
    let next = again.body["@odata.nextLink"] as string | undefined;
    while (next) {
      const page = await get(pathOf(next), token);
      ids.push(...(page.body.value as Json[]).map((c) => c.id as string));
      next = page.body["@odata.nextLink"] as string | undefined;
    }
    const listed = await get("/v1.0/me/calendars?$top=50", token, {});
    expect(ids.sort()).toEqual((listed.body.value as Json[]).map((c) => c.id as string).sort());
  });

  it("a write after the round: the page goes through the pipeline again and holds the same items (the round is frozen)", async () => {
    const { token, link } = await secondPage();
    const piped = await get(link, token);
    await get(link, token);
    const created = await fetch(`${origin}/v1.0/me/calendars`, {
      method: "POST", headers: { authorization: `Bearer ${token}`, "content-type": "application/json" }, body: JSON.stringify({ name: "After" }),
    });
    expect(created.status).toBe(201);
    const before = replayed();
    const after = await get(link, token);
    expect(replayed(), "the watermark moved: the domain is asked again").toBe(before);
    expect(after.body.value).toEqual(piped.body.value);
    // Now kept again at the new watermark.
    await get(link, token);
    expect(replayed()).toBe(before + 1);
  });

  it("an admin reset or an expired link ends a kept page at once with 410", async () => {
    /** Asked for twice, a page is kept: the third request is replayed. */
    const keptPage = async () => {
      const page = await secondPage();
      await get(page.link, page.token);
      await get(page.link, page.token);
      const before = replayed();
      expect((await get(page.link, page.token)).status).toBe(200);
      expect(replayed(), "kept").toBe(before + 1);
      return page;
    };
    const a = await keptPage();
    await t.server.services.delta.reset(a.mailbox.id);
    const reset = await get(a.link, a.token);
    expect(reset.status).toBe(410);
    expect(reset.body.error.code).toBe("ResyncRequired");

    const b = await keptPage();
    const expired = await t.request("POST", "/_graphcal/delta-tokens/expire", { token: await t.appToken(["Graphcal.Admin"]), body: { deltaLink: `${origin}${b.link}` } });
    expect(expired.body).toEqual({ expired: "link", mailboxId: b.mailbox.id });
    const gone = await get(b.link, b.token);
    expect(gone.status).toBe(410);
  });

  it("a prune that takes the round's history ends a kept page with 410, though no mailbox seq moved", async () => {
    const mailbox = await t.newMailbox();
    const token = await longToken(mailbox);
    await createCalendarsDirect(t, mailbox, 5);
    const start = await get("/beta/me/calendars/delta", token, { prefer: "odata.maxpagesize=50" });
    const round = pathOf(start.body["@odata.deltaLink"] as string);
    await createCalendarsDirect(t, mailbox, 5, "Later");
    // Nearly a day on, the round over the five later calendars is paged: its history is a day old.
    t.clock.advance(DAY - 30 * 60_000);
    const first = await get(round, token);
    const link = pathOf(first.body["@odata.nextLink"] as string);
    await get(link, token);
    await get(link, token);
    const before = replayed();
    expect((await get(link, token)).status).toBe(200);
    expect(replayed()).toBe(before + 1);
    // 40 minutes later the page's own link is still young, but the history went past retention.
    t.clock.advance(40 * 60_000);
    const { pruned } = await t.server.prune();
    expect(pruned).toBeGreaterThan(0);
    const gone = await get(link, token);
    expect(replayed()).toBe(before + 1);
    expect(gone.status).toBe(410);
    expect(gone.body.error.code).toBe("SyncStateNotFound");
  });

  it("a kept page is handed back only while its own link is young: later the pipeline answers with a fresh link", async () => {
    const mailbox = await t.newMailbox();
    await createCalendarsDirect(t, mailbox, 5);
    const token = await longToken(mailbox);
    const first = await get("/beta/me/calendars/delta", token);
    const link = pathOf(first.body["@odata.nextLink"] as string);
    const piped = await get(link, token);
    await get(link, token);
    // Within the watermark's TTL (60 s here: on PostgreSQL it bounds how long any kept answer is trusted).
    t.clock.advance(30_000);
    const before = replayed();
    const young = await get(link, token);
    expect(replayed()).toBe(before + 1);
    expect(young.text).toBe(piped.text);
    // One day of retention allows a repeated link an hour (TOKEN_REUSE_MS, a 24th of retention).
    t.clock.advance(60 * 60_000);
    const old = await get(link, token);
    expect(replayed()).toBe(before + 1);
    expect(old.status).toBe(200);
    expect(old.body.value).toEqual(piped.body.value);
    expect(old.body["@odata.nextLink"], "a fresh link, issued now").not.toBe(piped.body["@odata.nextLink"]);
  });

  it("calendarView/delta: a later page is replayed; deleting its calendar makes it 404 at once", async () => {
    const mailbox = await t.newMailbox();
    const token = await t.userToken(mailbox);
    const created = await fetch(`${origin}/v1.0/me/calendars`, {
      method: "POST", headers: { authorization: `Bearer ${token}`, "content-type": "application/json" }, body: JSON.stringify({ name: "Trips" }),
    });
    const calendarId = ((await created.json()) as Json).id as string;
    for (let day = 1; day <= 5; day++) {
      const res = await fetch(`${origin}/v1.0/me/calendars/${calendarId}/events`, {
        method: "POST", headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
        body: JSON.stringify({ subject: `Trip ${day}`, start: { dateTime: `2026-12-0${day}T10:00:00`, timeZone: "UTC" }, end: { dateTime: `2026-12-0${day}T11:00:00`, timeZone: "UTC" } }),
      });
      expect(res.status).toBe(201);
    }
    const tz = { ...PAGE, prefer: 'odata.maxpagesize=2, outlook.timezone="Pacific Standard Time"' };
    const first = await get(`/v1.0/me/calendars/${calendarId}/calendarView/delta?${WINDOW}`, token, tz);
    const link = pathOf(first.body["@odata.nextLink"] as string);
    const piped = await get(link, token, tz);
    expect(piped.body.value).toHaveLength(2);
    await get(link, token, tz);
    const before = replayed();
    const again = await get(link, token, tz);
    expect(replayed()).toBe(before + 1);
    expect(again.text).toBe(piped.text);
    const deleted = await fetch(`${origin}/v1.0/me/calendars/${calendarId}`, { method: "DELETE", headers: { authorization: `Bearer ${token}` } });
    expect(deleted.status).toBe(204);
    const gone = await get(link, token, tz);
    expect(gone.status).toBe(404);
  });

  it("a client following its nextLinks gets each later page made ahead and sent at the edge: the pipeline's bytes, the whole round", async () => {
    const mailbox = await t.newMailbox();
    await createCalendarsDirect(t, mailbox, 7);
    const token = await t.userToken(mailbox);
    const first = await get("/beta/me/calendars/delta", token);
    const ids = (first.body.value as Json[]).map((c) => c.id as string);
    let next = first.body["@odata.nextLink"] as string | undefined;
    let pages = 0;
    while (next) {
      const link = pathOf(next);
      await pollReplayOf(t.server.app)!.idle();
      const before = replayed();
      const page = await get(link, token);
      expect(replayed(), `page ${pages + 2} was made while page ${pages + 1} was read`).toBe(before + 1);
      // The same request through the pipeline (a fault header steps around the edge): the same bytes.
      const piped = await get(link, token, { ...PAGE, "x-graphcal-fault": "latency=0" });
      expect(replayed()).toBe(before + 1);
      expect(page.text).toBe(piped.text);
      ids.push(...(page.body.value as Json[]).map((c) => c.id as string));
      next = page.body["@odata.nextLink"] as string | undefined;
      pages++;
    }
    const listed = (await get("/v1.0/me/calendars?$top=50", token, {})).body.value as Json[];
    expect(pages).toBe(Math.ceil(listed.length / 2) - 1);
    expect(pages).toBeGreaterThanOrEqual(3);
    expect(ids.sort()).toEqual(listed.map((c) => c.id as string).sort());
  });

  it("a page made ahead goes only to the head it was made for, and not past a reset", async () => {
    const a = await secondPage();
    await pollReplayOf(t.server.app)!.idle();
    const before = replayed();
    // Another bearer of the same user (another header): the pipeline answers.
    const other = await get(a.link, await longToken(a.mailbox));
    expect(other.status).toBe(200);
    expect(replayed()).toBe(before);
    // The head it was made for still gets it, once; then the pipeline answers again.
    expect((await get(a.link, a.token)).text).toBe(other.text);
    expect(replayed()).toBe(before + 1);
    expect((await get(a.link, a.token)).text).toBe(other.text);
    expect(replayed()).toBe(before + 1);

    const b = await secondPage();
    await pollReplayOf(t.server.app)!.idle();
    await t.server.services.delta.reset(b.mailbox.id);
    const reset = await get(b.link, b.token);
    expect(replayed()).toBe(before + 1);
    expect(reset.status).toBe(410);
    expect(reset.body.error.code).toBe("ResyncRequired");
  });

  it("a grantee's later page is never replayed: a revoked share is 403 on the very next request", async () => {
    const w = await sharingWorld(t, "read");
    const first = await get(`/v1.0${w.base}/calendars/${w.teamId}/calendarView/delta?${WINDOW}`, w.token, { prefer: "odata.maxpagesize=1" });
    const link = pathOf(first.body["@odata.nextLink"] as string);
    const before = replayed();
    for (let i = 0; i < 2; i++) expect((await get(link, w.token, { prefer: "odata.maxpagesize=1" })).status).toBe(200);
    expect(replayed()).toBe(before);
    await fetch(`${origin}/v1.0/me/calendars/${w.teamId}/calendarPermissions/${w.permissionId}`, { method: "DELETE", headers: { authorization: `Bearer ${w.ownerToken}` } });
    expect((await get(link, w.token, { prefer: "odata.maxpagesize=1" })).status).toBe(403);
  });
});
