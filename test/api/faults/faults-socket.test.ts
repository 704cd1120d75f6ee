import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { request } from "node:http";
import { pollReplayOf } from "../../../src/http/index.js";
import { startTestServer, type TestServer } from "../../support/harness.js";
import { pathOf } from "../delta-support.js";
import { socketAgent as agent, socketGet } from "../../support/socket-get.js";

// Faults over real sockets, where the poll replay answers before Fastify and a dropped
// connection is a real one: a rule on /me/calendars/delta fires on polls the replay would
// otherwise answer, non-matching rules leave the replay answering, and `drop` cuts an answer
// after its status line and half its body.

interface Raw { status: number; headers: Record<string, string | string[] | undefined>; text: string }

const rawGet = (origin: string, path: string, token: string): Promise<Raw> => socketGet(`${origin}${path}`, { authorization: `Bearer ${token}` });

describe("fault rules over real sockets", () => {
  let t: TestServer;
  let origin = "";
  let admin = "";
  const replayed = () => pollReplayOf(t.server.app)!.replayed;
  const addRule = async (rule: unknown) => {
    const res = await fetch(`${origin}/_graphcal/faults`, {
      method: "POST", headers: { authorization: `Bearer ${admin}`, "content-type": "application/json" }, body: JSON.stringify(rule),
    });
    expect(res.status).toBe(201);
    return await res.json() as Record<string, unknown>;
  };

  beforeAll(async () => {
    t = await startTestServer();
    origin = (await t.server.listen()).http;
    admin = await t.appToken(["Graphcal.Admin"]);
  });
  afterEach(async () => {
    await fetch(`${origin}/_graphcal/faults`, { method: "DELETE", headers: { authorization: `Bearer ${admin}` } });
  });
  afterAll(async () => {
    agent.destroy();
    await t.close();
  });

  async function pollingClient(): Promise<{ token: string; link: string }> {
    const mailbox = await t.newMailbox();
    const token = await t.userToken(mailbox);
    const first = await rawGet(origin, "/beta/me/calendars/delta", token);
    const link = pathOf(JSON.parse(first.text)["@odata.deltaLink"]);
    // The second poll goes through the pipeline and is kept; the third is replayed.
    await rawGet(origin, link, token);
    const before = replayed();
    expect((await rawGet(origin, link, token)).status).toBe(200);
    expect(replayed()).toBe(before + 1);
    return { token, link };
  }

  it("a rule on /me/calendars/delta fires on a poll the replay would have answered, then the replay resumes", async () => {
    const { token, link } = await pollingClient();
    const rule = await addRule({ path: "/me/calendars/delta", status: 429, times: 1 });
    const before = replayed();
    const throttled = await rawGet(origin, link, token);
    expect(throttled.status).toBe(429);
    expect(throttled.headers["retry-after"]).toBe("1");
    expect(JSON.parse(throttled.text).error.code).toBe("TooManyRequests");
    expect((await rawGet(origin, link, token)).status, "times: 1 — the next poll is answered normally").toBe(200);
    expect(replayed(), "while the rule is loaded, its path goes through the pipeline").toBe(before);
    const listed = await (await fetch(`${origin}/_graphcal/faults`, { headers: { authorization: `Bearer ${admin}` } })).json() as { value: { id: string; hits: number }[] };
    expect(listed.value).toEqual([expect.objectContaining({ id: rule.id, hits: 1 })]);

    await fetch(`${origin}/_graphcal/faults`, { method: "DELETE", headers: { authorization: `Bearer ${admin}` } });
    await rawGet(origin, link, token);
    expect(replayed(), "rules cleared: the replay answers again").toBe(before + 1);
  });

  it("X-Graphcal-Fault on a poll the replay would answer is honoured", async () => {
    const { token, link } = await pollingClient();
    const res = await new Promise<number>((resolve, reject) => {
      request(`${origin}${link}`, { agent, headers: { authorization: `Bearer ${token}`, "x-graphcal-fault": "503" } }, (r) => {
        r.resume();
        resolve(r.statusCode ?? 0);
      }).on("error", reject).end();
    });
    expect(res).toBe(503);
  });

  it("100 rules that cannot match leave the replay answering; the requests log shows the replayed polls", async () => {
    const { token, link } = await pollingClient();
    for (let i = 0; i < 100; i++) await addRule({ path: `/users/*/calendars/x${i}`, status: 503 });
    const before = replayed();
    for (let i = 0; i < 3; i++) expect((await rawGet(origin, link, token)).status).toBe(200);
    expect(replayed()).toBe(before + 3);
    const log = await (await fetch(`${origin}/_graphcal/requests?limit=3`, { headers: { authorization: `Bearer ${admin}` } })).json() as { value: unknown[] };
    expect(log.value).toEqual(Array(3).fill(expect.objectContaining({ method: "GET", path: "/beta/me/calendars/delta", status: 200, fault: "replayed" })));
  });

  it("drop: the status line, the headers and part of the body arrive, then the connection is destroyed", async () => {
    const mailbox = await t.newMailbox();
    const token = await t.userToken(mailbox);
    const rule = await addRule({ path: "/me/calendars", drop: true, times: 1 });
    const outcome = await new Promise<{ status: number; length: number; received: number; error: string }>((resolve) => {
      // A fresh connection: the dropped one must not be the pooled agent's.
      const req = request(`${origin}/v1.0/me/calendars`, { headers: { authorization: `Bearer ${token}` } }, (res) => {
        let received = 0;
        res.on("data", (chunk: Buffer) => (received += chunk.length));
        res.on("error", (error) => resolve({ status: res.statusCode ?? 0, length: Number(res.headers["content-length"]), received, error: String(error) }));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, length: Number(res.headers["content-length"]), received, error: "" }));
      });
      req.on("error", (error) => resolve({ status: 0, length: 0, received: 0, error: String(error) }));
      req.end();
    });
    expect(outcome.status).toBe(200);
    expect(outcome.error).toMatch(/aborted|ECONNRESET|socket hang up/);
    expect(outcome.received).toBeGreaterThan(0);
    expect(outcome.received).toBeLessThan(outcome.length);
    // The next request is answered in full, and the log names the rule that dropped the first.
    const res = await fetch(`${origin}/v1.0/me/calendars`, { headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(200);
    const log = await (await fetch(`${origin}/_graphcal/requests?limit=2`, { headers: { authorization: `Bearer ${admin}` } })).json() as { value: Record<string, unknown>[] };
    expect(log.value[0]).toMatchObject({ path: "/v1.0/me/calendars", status: 200, rule: rule.id, fault: "drop" });
    expect(log.value[1]).toMatchObject({ path: "/v1.0/me/calendars", status: 200 });
    expect(log.value[1]).not.toHaveProperty("rule");
  });
});
