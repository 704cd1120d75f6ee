import { rmSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { startTestServer, tempDataDir, TEST_ENGINE, type TestServer, useTestServer } from "../support/harness.js";
import { CalendarWrites, injectTransport, mailboxFixture, pathOf, type Json } from "./delta-support.js";

// What the hot-path caches may and may not change for clients: an unchanged mailbox may get its
// own deltaLink back (Graph: "the same or a new token"); everything else is as without them.

const HOUR = 3600_000;

/** The seconds-since-epoch a delta link's token was issued at (its payload is base64url JSON). */
function issuedAt(link: string): number {
  const token = decodeURIComponent(/\$deltatoken=([^&]+)/.exec(link)![1]!);
  return (JSON.parse(Buffer.from(token.split(".")[1]!, "base64url").toString("utf8")) as { i: number }).i;
}

/** Writes through HTTP on one instance, with a token minted at that instance's current time. */
async function writesOn(s: TestServer, mailboxId: string): Promise<CalendarWrites> {
  return new CalendarWrites(injectTransport(s, await s.userToken(mailboxId, ["Calendars.ReadWrite"])), "/beta/me");
}

describe("hot-path caches (HTTP)", () => {
  const t = useTestServer();

  const get = (url: string, token: string) => t.request("GET", pathOf(url), { token });

  describe("delta: an unchanged mailbox's deltaLink may come back unchanged", () => {
    it("delta: a no-change poll repeats the deltaLink, which keeps working; a change is served on the next poll", async () => {
      const f = await mailboxFixture(t);
      const initial = await get("/beta/me/calendars/delta", f.token);
      const link = initial.body["@odata.deltaLink"] as string;
      for (let i = 0; i < 3; i++) {
        const poll = await get(link, f.token);
        expect(poll.status).toBe(200);
        expect(poll.body.value).toEqual([]);
        expect(poll.body["@odata.deltaLink"], "the same token for an unchanged mailbox").toBe(link);
      }
      const x = await f.writes.create("After the polls");
      const changed = await get(link, f.token);
      expect(changed.body.value.map((i: Json) => i.id)).toEqual([x.id]);
      const next = changed.body["@odata.deltaLink"] as string;
      expect(next).not.toBe(link);
      // Nothing new since: the new link comes back as it is, and the old one still replays the change.
      expect((await get(next, f.token)).body).toMatchObject({ value: [], "@odata.deltaLink": next });
      expect((await get(link, f.token)).body.value.map((i: Json) => i.id)).toEqual([x.id]);
    });

    it("delta: a change made through another instance: SQLite's next poll serves it; PostgreSQL's is delayed by at most the watermark TTL, never lost", async () => {
      const dataDir = tempDataDir();
      const a = await startTestServer({ dataDir });
      const b = await startTestServer({ dataDir, clock: a.clock });
      try {
        const mailbox = await a.newMailbox();
        const token = await a.userToken(mailbox, ["Calendars.Read"]);
        const link = (await a.request("GET", "/beta/me/calendars/delta", { token })).body["@odata.deltaLink"] as string;
        const x = await (await writesOn(b, mailbox.id)).create("Through B");
        const next = await a.request("GET", pathOf(link), { token });
        if (TEST_ENGINE === "sqlite") {
          // SQLite's data version moved with B's commit: A's watermark entry is dropped and re-read.
          expect(next.body.value.map((i: Json) => i.id)).toEqual([x.id]);
          return;
        }
        // PostgreSQL: A's watermark has not heard of B's write: "nothing new", with the same link.
        expect(next.body).toMatchObject({ value: [], "@odata.deltaLink": link });
        a.clock.advance(60_001);
        const fresh = await a.userToken(mailbox, ["Calendars.Read"]);
        const poll = await a.request("GET", pathOf(link), { token: fresh });
        expect(poll.body.value.map((i: Json) => i.id)).toEqual([x.id]);
      } finally {
        await a.close({ keepData: true });
        await b.close();
        rmSync(dataDir, { recursive: true, force: true });
      }
    });

    it("delta: a deltaLink older than an hour is re-issued with a fresh issuedAt; both stay valid", async () => {
      const f = await mailboxFixture(t);
      const link = (await get("/beta/me/calendars/delta", f.token)).body["@odata.deltaLink"] as string;
      t.clock.advance(HOUR - 1000);
      let token = await t.userToken(f.mailbox, ["Calendars.Read"]);
      expect((await get(link, token)).body["@odata.deltaLink"], "still young").toBe(link);
      t.clock.advance(2000);
      token = await t.userToken(f.mailbox, ["Calendars.Read"]);
      const poll = await get(link, token);
      const renewed = poll.body["@odata.deltaLink"] as string;
      expect(poll.body.value).toEqual([]);
      expect(renewed).not.toBe(link);
      expect(issuedAt(renewed) - issuedAt(link)).toBe(HOUR / 1000 + 1);
      expect((await get(renewed, token)).body["@odata.deltaLink"]).toBe(renewed);
      expect((await get(link, token)).status).toBe(200);
    });

    it("delta: a repeated deltaLink is still checked for its caller and the caller's rights on every request", async () => {
      const f = await mailboxFixture(t);
      const link = (await get("/beta/me/calendars/delta", f.token)).body["@odata.deltaLink"] as string;
      expect((await get(link, f.token)).body["@odata.deltaLink"]).toBe(link);
      const other = await mailboxFixture(t);
      const foreign = await get(link, other.token);
      expect(foreign.status).toBe(400);
      expect(foreign.body.error.message).toBe("Badly formed token.");
      const noCalendars = await t.userToken(f.mailbox, ["User.Read"]);
      expect((await get(link, noCalendars)).status).toBe(403);
      expect((await get(link, f.token)).status).toBe(200);
    });
  });

  describe("bearer and delta token caches are looked up by a tail, never trusted by it", () => {
    it("auth: a header that shares a cached token's tail is verified in full, and rejected", async () => {
      const f = await mailboxFixture(t);
      expect((await get("/v1.0/me/calendars", f.token)).status).toBe(200);
      const forged = `x${f.token.slice(1, -40)}y${f.token.slice(-39)}`;
      expect(forged.slice(-32)).toBe(f.token.slice(-32));
      expect((await get("/v1.0/me/calendars", forged)).status).toBe(401);
      expect((await get("/v1.0/me/calendars", f.token)).status).toBe(200);
    });

    it("delta: a token that shares a cached token's MAC tail is verified in full, and rejected", async () => {
      const f = await mailboxFixture(t);
      const link = (await get("/beta/me/calendars/delta", f.token)).body["@odata.deltaLink"] as string;
      expect((await get(link, f.token)).status).toBe(200);
      const token = decodeURIComponent(/\$deltatoken=([^&]+)/.exec(link)![1]!);
      const [kid, payload, mac] = token.split(".") as [string, string, string];
      const forged = `${kid}.${payload.slice(0, -2)}${payload.endsWith("A") ? "BB" : "AA"}.${mac}`;
      const res = await get(`/beta/me/calendars/delta?$deltatoken=${forged}`, f.token);
      expect(res.status).toBe(400);
      expect((await get(link, f.token)).status).toBe(200);
    });
  });

  describe("calendar list: cached per mailbox change seq, never stale", () => {
    it("list: a write through the API is listed at once, for every page shape", async () => {
      const f = await mailboxFixture(t);
      const names = async (query = "") => ((await get(`/beta/me/calendars${query}`, f.token)).body.value as Json[]).map((c) => c.name);
      expect(await names()).toEqual(["Calendar", "Birthdays"]);
      expect(await names("?$top=1&$skip=1")).toEqual(["Birthdays"]);
      const x = await f.writes.create("Third");
      expect(await names()).toEqual(["Calendar", "Birthdays", "Third"]);
      expect(await names("?$top=1&$skip=2")).toEqual(["Third"]);
      await f.writes.update(x.id, { name: "Third renamed" });
      expect(await names("/?$top=5")).toEqual(["Calendar", "Birthdays", "Third renamed"]);
      await f.writes.remove(x.id);
      expect(await names()).toEqual(["Calendar", "Birthdays"]);
      expect(await names("?$top=1&$skip=2")).toEqual([]);
    });

    it("list: two instances over one store see each other's writes at once (no TTL to wait out)", async () => {
      const dataDir = tempDataDir();
      const a = await startTestServer({ dataDir });
      const b = await startTestServer({ dataDir });
      try {
        const mailbox = await a.newMailbox();
        const listOn = async (s: TestServer) => {
          const res = await s.request("GET", "/v1.0/me/calendars", { token: await s.userToken(mailbox.id, ["Calendars.ReadWrite"]) });
          return (res.body.value as Json[]).map((c) => `${c.name}:${c.color}`);
        };
        expect(await listOn(b)).toEqual(["Calendar:auto", "Birthdays:auto"]);
        const writesOnA = await writesOn(a, mailbox.id);
        const x = await writesOnA.create("From A");
        expect(await listOn(b)).toEqual(["Calendar:auto", "Birthdays:auto", "From A:auto"]);
        await writesOnA.update(x.id, { color: "lightBlue" });
        expect(await listOn(b)).toEqual(["Calendar:auto", "Birthdays:auto", "From A:lightBlue"]);
        await (await writesOn(b, mailbox.id)).remove(x.id);
        expect(await listOn(a)).toEqual(["Calendar:auto", "Birthdays:auto"]);
      } finally {
        await a.close({ keepData: true });
        await b.close();
        rmSync(dataDir, { recursive: true, force: true });
      }
    });
  });
});
