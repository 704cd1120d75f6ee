import { rmSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { DEMO_CLIENT_ID, DEMO_CLIENT_SECRET } from "../../src/server/index.js";
import { ENGINES, createPgDatabase } from "../support/engines.js";
import { tempDataDir } from "../support/harness.js";
import { spawnServer } from "../support/spawn-server.js";
import { syncRound, type LocalStore } from "../support/sync-client.js";

// SIGKILL in the middle of a write burst: every acknowledged write survives, and a client
// holding a deltaLink from before the crash catches up exactly.

describe.each(ENGINES)("crash safety (%s)", (engine) => {
  it("crash: acknowledged writes survive SIGKILL and old deltaLinks still work", async () => {
    const dataDir = tempDataDir();
    const db = engine === "postgres" ? await createPgDatabase() : undefined;
    const env = { DATA_DIR: dataDir, ...(db && { DATABASE_URL: db.url }) };
    let server = await spawnServer(env);
    try {
      const tokenRes = await fetch(`${server.origin}/contoso/oauth2/v2.0/token`, {
        method: "POST",
        body: new URLSearchParams({ grant_type: "client_credentials", client_id: DEMO_CLIENT_ID, client_secret: DEMO_CLIENT_SECRET }),
      });
      const token = ((await tokenRes.json()) as { access_token: string }).access_token;
      const get = async (url: string) => {
        const res = await fetch(url, { headers: { authorization: `Bearer ${token}`, prefer: "odata.maxpagesize=7" } });
        return { status: res.status, body: (await res.json()) as any };
      };
      const local: LocalStore = new Map();
      const mailbox = "samanthab@contoso.com";
      const { deltaLink } = await syncRound(get, `${server.origin}/beta/users/${mailbox}/calendars/delta`, local);

      const acknowledged: string[] = [];
      let stop = false;
      const burst = async (w: number) => {
        for (let i = 0; !stop; i++) {
          try {
            const res = await fetch(`${server.origin}/beta/users/${mailbox}/calendars`, {
              method: "POST",
              headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
              body: JSON.stringify({ name: `burst-${w}-${i}` }),
            });
            if (res.status === 201) acknowledged.push(((await res.json()) as { id: string }).id);
          } catch {
            return; // the connection died with the server
          }
        }
      };
      const writers = [0, 1, 2, 3, 4, 5].map(burst);
      while (acknowledged.length < 40) await new Promise((r) => setTimeout(r, 5));
      await server.kill();
      stop = true;
      await Promise.all(writers);
      expect(acknowledged.length).toBeGreaterThanOrEqual(40);

      server = await spawnServer(env);
      const list = await get(`${server.origin}/beta/users/${mailbox}/calendars?$top=1000`);
      const ids = new Set(list.body.value.map((c: { id: string }) => c.id));
      for (const id of acknowledged) expect(ids.has(id)).toBe(true);

      // The pre-crash deltaLink (its origin is the dead instance's) still drives the next round.
      const old = new URL(deltaLink);
      await syncRound(get, `${server.origin}${old.pathname}${old.search}`, local);
      expect(Object.fromEntries(local)).toEqual(Object.fromEntries(list.body.value.map((c: { id: string }) => [c.id, c])));
    } finally {
      await server.stop();
      await db?.drop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 60_000);
});
