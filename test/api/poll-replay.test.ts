import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rmSync } from "node:fs";
import { pollReplayOf } from "../../src/http/index.js";
import { startTestServer, tempDataDir, TEST_ENGINE, type TestServer } from "../support/harness.js";
import { pathOf, type Json } from "./delta-support.js";
import { socketGet } from "../support/socket-get.js";

// The no-change poll answered before Fastify (src/http/poll-replay.ts), over real sockets as
// clients reach it (Fastify's inject bypasses the server it sits in). What must hold: a
// replayed answer is byte for byte what the pipeline would send; any change, in this process or
// another, any other caller, bearer state, Prefer or Host goes through the pipeline.

interface Answer { status: number; headers: Record<string, string>; text: string; body: Json }

/** A GET over a kept-alive socket, with any headers (Host included) and optionally a body. */
async function rawGet(origin: string, path: string, headers: Record<string, string>, body?: string): Promise<Answer> {
  const res = await socketGet(`${origin}${path}`, headers, body);
  return { status: res.status, headers: res.headers as Record<string, string>, text: res.text, body: res.text ? JSON.parse(res.text) as Json : {} };
}

const WEEK = { start: "2026-11-23T00:00:00Z", end: "2026-11-30T00:00:00Z" };

describe("poll replay (real socket)", () => {
  let t: TestServer;
  let origin = "";
  const replayed = () => pollReplayOf(t.server.app)!.replayed;

  beforeAll(async () => {
    t = await startTestServer();
    origin = (await t.server.listen()).http;
  });
  afterAll(async () => t.close());

  const get = (path: string, token: string, headers: Record<string, string> = {}, body?: string) =>
    rawGet(origin, path, { authorization: `Bearer ${token}`, ...headers }, body);

  async function post(path: string, token: string, body: unknown): Promise<Json> {
    const res = await fetch(`${origin}${path}`, {
      method: "POST", headers: { authorization: `Bearer ${token}`, "content-type": "application/json" }, body: JSON.stringify(body),
    });
    expect(res.status).toBe(201);
    return await res.json() as Json;
  }

  async function deltaLinkOf(path: string, token: string, headers: Record<string, string> = {}): Promise<string> {
    const first = await get(path, token, headers);
    expect(first.status).toBe(200);
    return pathOf(first.body["@odata.deltaLink"] as string);
  }

  /** Headers that must match between two answers: all but the per-request id and the date. */
  const stable = (h: Record<string, string>) => Object.entries(h).filter(([k]) => k !== "request-id" && k !== "date").sort();

  it("a repeated no-change poll is replayed with the pipeline's exact bytes and headers, a fresh request-id, the caller's client-request-id", async () => {
    const mailbox = await t.newMailbox();
    const token = await t.userToken(mailbox);
    const link = await deltaLinkOf("/beta/me/calendars/delta", token);
    const before = replayed();
    const piped = await get(link, token, { "client-request-id": "one" });
    expect(replayed(), "the first poll of a link goes through the pipeline").toBe(before);
    const again = await get(link, token, { "client-request-id": "two" });
    const third = await get(link, token);
    expect(replayed()).toBe(before + 2);
    for (const answer of [again, third]) {
      expect(answer.status).toBe(200);
      expect(answer.text).toBe(piped.text);
      expect(answer.headers["request-id"]).toMatch(/^[0-9a-f-]{36}$/);
      expect(answer.headers["request-id"]).not.toBe(piped.headers["request-id"]);
    }
    expect(stable(again.headers).filter(([k]) => k !== "client-request-id")).toEqual(stable(piped.headers).filter(([k]) => k !== "client-request-id"));
    expect(again.headers["client-request-id"]).toBe("two");
    expect(third.headers["client-request-id"], "echoes the request-id when the client sent none").toBe(third.headers["request-id"]);
    expect(again.body).toEqual({ "@odata.context": expect.any(String), value: [], "@odata.deltaLink": `${origin}${link}` });
  });

  it("a write through the API is served by the very next poll, never hidden by a kept answer", async () => {
    const mailbox = await t.newMailbox();
    const token = await t.userToken(mailbox);
    const link = await deltaLinkOf("/beta/me/calendars/delta", token);
    await get(link, token);
    expect((await get(link, token)).body.value).toEqual([]);
    const created = await post("/v1.0/me/calendars", token, { name: "After the kept answer" });
    const before = replayed();
    const poll = await get(link, token);
    expect(replayed()).toBe(before);
    expect(poll.body.value.map((c: Json) => c.id)).toEqual([created.id]);
    const next = pathOf(poll.body["@odata.deltaLink"] as string);
    // The new link is kept in its turn; the old one keeps replaying the change through the pipeline.
    await get(next, token);
    expect((await get(next, token)).body.value).toEqual([]);
    expect(replayed()).toBe(before + 1);
    expect((await get(link, token)).body.value.map((c: Json) => c.id)).toEqual([created.id]);
  });

  it("calendarView/delta: replayed while the window is unchanged; a new event in it is served on the next poll", async () => {
    const mailbox = await t.newMailbox();
    const token = await t.userToken(mailbox);
    const link = await deltaLinkOf(`/v1.0/me/calendarView/delta?startDateTime=${WEEK.start}&endDateTime=${WEEK.end}`, token,
      { prefer: 'outlook.timezone="Pacific Standard Time"' });
    const piped = await get(link, token, { prefer: 'outlook.timezone="Pacific Standard Time"' });
    const before = replayed();
    const again = await get(link, token, { prefer: 'outlook.timezone="Pacific Standard Time"' });
    expect(replayed()).toBe(before + 1);
    expect(again.text).toBe(piped.text);
    expect(again.headers["preference-applied"]).toBe(piped.headers["preference-applied"]);
    const event = await post("/v1.0/me/events", token, {
      subject: "Inside the window", start: { dateTime: "2026-11-25T10:00:00", timeZone: "UTC" }, end: { dateTime: "2026-11-25T11:00:00", timeZone: "UTC" },
    });
    const poll = await get(link, token, { prefer: 'outlook.timezone="Pacific Standard Time"' });
    expect(replayed()).toBe(before + 1);
    expect(poll.body.value.map((e: Json) => e.id)).toEqual([event.id]);
  });

  it("another caller, a bearer without the scope, another Prefer or Host, or a body: each goes through the pipeline and gets its own answer", async () => {
    const mailbox = await t.newMailbox();
    const token = await t.userToken(mailbox);
    const link = await deltaLinkOf("/beta/me/calendars/delta", token);
    await get(link, token);
    const before = replayed();
    const other = await get(link, await t.userToken(await t.newMailbox()));
    expect(other.status).toBe(400);
    expect(other.body.error.message).toBe("Badly formed token.");
    expect((await get(link, await t.userToken(mailbox, ["User.Read"]))).status).toBe(403);
    const paged = await get(link, token, { prefer: "odata.maxpagesize=5" });
    expect(paged.headers["preference-applied"]).toBe("odata.track-changes, odata.maxpagesize=5");
    const host = `localhost:${new URL(origin).port}`;
    const viaHost = await get(link, token, { host });
    expect(viaHost.body["@odata.deltaLink"]).toBe(`http://${host}${link}`);
    const withBody = await get(link, token, { "content-type": "application/json", "content-length": "2" }, "{}");
    expect(withBody.status, "a GET with a body is the pipeline's to answer").toBe(200);
    expect(replayed(), "none of them was replayed").toBe(before);
    expect((await get(link, token)).status).toBe(200);
    expect(replayed()).toBe(before + 1);
  });

  it("an expired bearer is refused with 401 even for a kept answer; an admin reset ends the kept link with 410", async () => {
    const mailbox = await t.newMailbox();
    const token = await t.userToken(mailbox);
    const link = await deltaLinkOf("/beta/me/calendars/delta", token);
    await get(link, token);
    expect((await get(link, token)).status).toBe(200);
    t.clock.advance(2 * 24 * 3600_000);
    const expired = await get(link, token);
    expect(expired.status).toBe(401);
    const fresh = await t.userToken(mailbox);
    await get(link, fresh);
    expect((await get(link, fresh)).status).toBe(200);
    await t.server.services.delta.reset(mailbox.id);
    const reset = await get(link, fresh);
    expect(reset.status).toBe(410);
    expect(reset.body.error.code).toBe("ResyncRequired");
  });

  it("a write by another process over the same store: SQLite's next poll sees it at once; PostgreSQL's within the watermark TTL", async () => {
    const dataDir = tempDataDir();
    const a = await startTestServer({ dataDir });
    const b = await startTestServer({ dataDir, clock: a.clock });
    try {
      const aOrigin = (await a.server.listen()).http;
      const mailbox = await a.newMailbox();
      const token = await a.userToken(mailbox);
      const poll = async (path: string) => {
        const res = await fetch(`${aOrigin}${path}`, { headers: { authorization: `Bearer ${token}` } });
        return await res.json() as Json;
      };
      const link = pathOf((await poll("/beta/me/calendars/delta"))["@odata.deltaLink"] as string);
      await poll(link);
      expect((await poll(link)).value).toEqual([]);
      const bToken = await b.userToken(mailbox.id);
      const created = (await b.request("POST", "/beta/me/calendars", { token: bToken, body: { name: "Through B" } })).body as Json;
      if (TEST_ENGINE === "sqlite") {
        expect((await poll(link)).value.map((c: Json) => c.id), "SQLite's data version moved: the kept answer is not used").toEqual([created.id]);
      } else {
        expect((await poll(link)).value, "PostgreSQL: A has not heard of B's write yet").toEqual([]);
        a.clock.advance(60_001); // the harness' WATERMARK_TTL_MS
        const fresh = await a.userToken(mailbox);
        const res = await fetch(`${aOrigin}${link}`, { headers: { authorization: `Bearer ${fresh}` } });
        expect(((await res.json()) as Json).value.map((c: Json) => c.id)).toEqual([created.id]);
      }
    } finally {
      await a.close({ keepData: true });
      await b.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
