import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, DEMO_USERS } from "../../src/server/index.js";
import { PG_AVAILABLE, createPgDatabase } from "../support/engines.js";
import { spawnServer, type SpawnedServer } from "../support/spawn-server.js";
import { onOrigin, syncRound, type LocalStore } from "../support/sync-client.js";

// Three stateless instances over one PostgreSQL behave as one server (issue: PostgreSQL backend).

function prng(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe.runIf(PG_AVAILABLE)("multi-instance over PostgreSQL", () => {
  let db: { url: string; drop: () => Promise<void> };
  let servers: SpawnedServer[] = [];
  let token: string;

  beforeAll(async () => {
    db = await createPgDatabase();
    // All three start at the same moment: migrations, keys and the demo seed must happen once.
    servers = await Promise.all([0, 1, 2].map(() => spawnServer({ DATABASE_URL: db.url, DATA_DIR: "/nonexistent-unused", WATERMARK_TTL_MS: "200" })));
    const res = await fetch(`${servers[0]!.origin}/contoso/oauth2/v2.0/token`, {
      method: "POST",
      body: new URLSearchParams({ grant_type: "client_credentials", client_id: DEMO_CLIENT_ID, client_secret: DEMO_CLIENT_SECRET, scope: "https://graph.microsoft.com/.default" }),
    });
    token = ((await res.json()) as { access_token: string }).access_token;
  }, 60_000);

  afterAll(async () => {
    await Promise.all(servers.map((s) => s.stop()));
    await db?.drop();
  });

  const call = async (origin: string, method: string, path: string, body?: unknown) => {
    const res = await fetch(path.startsWith("http") ? path : `${origin}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, prefer: "odata.maxpagesize=3", ...(body !== undefined && { "content-type": "application/json" }) },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  };

  it("multi-instance: one demo tenant, one set of keys, every instance accepts every token", async () => {
    for (const s of servers) {
      const res = await call(s.origin, "GET", "/v1.0/users");
      expect(res.status).toBe(200);
      expect(res.body.value).toHaveLength(DEMO_USERS.length);
    }
  });

  it("multi-instance: concurrent writers and page-hopping sync clients end equal to the server", async () => {
    const rand = prng(42);
    const mailboxes = DEMO_USERS.map((u) => u.id);
    const pick = <T,>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)] as T;
    let writing = true;
    let rejectedTokens = 0;

    const writer = async (w: number) => {
      const mine: { mailbox: string; id: string }[] = [];
      for (let i = 0; i < 30; i++) {
        const origin = pick(servers).origin;
        const r = rand();
        if (r < 0.5 || mine.length === 0) {
          const mailbox = pick(mailboxes);
          const res = await call(origin, "POST", `/beta/users/${mailbox}/calendars`, { name: `w${w}-${i}` });
          expect(res.status).toBe(201);
          mine.push({ mailbox, id: res.body.id });
        } else if (r < 0.8) {
          const c = pick(mine);
          const res = await call(origin, "PATCH", `/beta/users/${c.mailbox}/calendars/${c.id}`, { name: `w${w}-${i}-renamed`, color: pick(["lightBlue", "lightRed", "auto"]) });
          expect(res.status).toBe(200);
        } else {
          const c = mine.splice(Math.floor(rand() * mine.length), 1)[0]!;
          const res = await call(origin, "DELETE", `/beta/users/${c.mailbox}/calendars/${c.id}`);
          expect(res.status).toBe(204);
        }
      }
    };

    const syncer = async (mailbox: string) => {
      const store: LocalStore = new Map();
      let round = 0;
      // Each page from a different instance than the one before.
      const fetchPage = async (url: string, page: number) => {
        const res = await call("", "GET", onOrigin(url, servers[(round + page) % servers.length]!.origin));
        if (res.status === 400) rejectedTokens++;
        return res;
      };
      let link = `${servers[0]!.origin}/beta/users/${mailbox}/calendars/delta`;
      while (writing) {
        link = (await syncRound(fetchPage, link, store)).deltaLink;
        round++;
      }
      // Let every instance's watermark cache expire, then finish with one last round.
      await new Promise((r) => setTimeout(r, 300));
      link = (await syncRound(fetchPage, link, store)).deltaLink;
      return { mailbox, store, rounds: round + 1 };
    };

    const syncers = mailboxes.map(syncer);
    await Promise.all([0, 1, 2, 3].map(writer));
    writing = false;
    const results = await Promise.all(syncers);

    expect(rejectedTokens).toBe(0);
    for (const { mailbox, store, rounds } of results) {
      expect(rounds).toBeGreaterThan(1);
      const server = await call(servers[2]!.origin, "GET", `/beta/users/${mailbox}/calendars?$top=1000`);
      const expected = Object.fromEntries(server.body.value.map((c: { id: string }) => [c.id, c]));
      expect(Object.fromEntries(store)).toEqual(expected);
    }
  }, 120_000);
});
