import { describe, expect, it } from "vitest";
import { rmSync } from "node:fs";
import { createPgDatabase } from "../../support/engines.js";
import { tempDataDir, TEST_ENGINE } from "../../support/harness.js";
import { runCli } from "../../support/run-cli.js";
import { spawnServer, type SpawnedServer } from "../../support/spawn-server.js";
import { startReceiver, type ReceivedPost } from "./receiver.js";
import { eventBody } from "./notify-support.js";

// An instance killed (SIGKILL) in the middle of a delivery, as a crash or an OOM kill would: it
// cannot abort its POSTs or give its leases back (restart.test.ts covers the clean close). The
// cursor is in the store (ADR 0010, "Restart"), so after a restart on the same store nothing
// committed is lost and nothing acknowledged is sent again; the unanswered POST is sent again
// once the dead instance's lease runs out.
//
// Real processes and real time, on purpose: the built `graphcal serve` is what dies, and the lease
// is wall-clock by design (instances share no virtual clock), so the only way to see a dead
// instance's lease run out is to wait for it. NOTIFY_LEASE_MS is kept short (300 ms) so that wait
// is short. Needs `npm run build`. Runs on the suite's engine (SQLite; PostgreSQL with
// GRAPHCAL_TEST_ENGINE=postgres).

const LEASE_MS = 300;
const USER = "adelev@contoso.com";

const created = (values: any[]) => values.filter((n) => n.changeType === "created").map((n) => n.resourceData.id as string);
const carrying = (posts: ReceivedPost[], id: string) => posts.filter((p) => p.value.some((n) => n.resourceData?.id === id));

describe(`notifications across a crash (${TEST_ENGINE})`, () => {
  it("kill -9 mid-delivery: after a restart every change arrives in order, the acknowledged one is not sent again, the unanswered one is", async () => {
    const dataDir = tempDataDir();
    const db = TEST_ENGINE === "postgres" ? await createPgDatabase() : undefined;
    const env = {
      DATA_DIR: dataDir, DATABASE_URL: db?.url ?? "",
      NOTIFY_POLL_MS: "50", NOTIFY_LEASE_MS: String(LEASE_MS),
      // Far above the time B's POST hangs before the kill: it must be in flight, not failed, when the process dies.
      NOTIFY_DELIVERY_TIMEOUT_MS: "20000",
    };
    const receiver = await startReceiver();
    let server: SpawnedServer | undefined = await spawnServer(env);
    try {
      const minted = await runCli(["token", "--user", USER, "--scopes", "Calendars.ReadWrite User.Read", "--data-dir", dataDir, ...(db ? ["--database-url", db.url] : [])]);
      expect(minted.code, minted.stderr).toBe(0);
      const token = minted.stdout.trim();
      const graph = async (origin: string, method: string, path: string, body: unknown) => {
        const res = await fetch(`${origin}${path}`, {
          method, headers: { authorization: `Bearer ${token}`, "content-type": "application/json" }, body: JSON.stringify(body),
        });
        return { status: res.status, body: (await res.json()) as any };
      };
      const createEvent = async (origin: string, subject: string) => {
        const res = await graph(origin, "POST", "/v1.0/me/events", eventBody(subject));
        expect(res.status, JSON.stringify(res.body)).toBe(201);
        return res.body.id as string;
      };

      const sub = await graph(server.origin, "POST", "/v1.0/subscriptions", {
        changeType: "created,updated,deleted", resource: "me/events", notificationUrl: receiver.url, clientState: "crash",
        expirationDateTime: new Date(Date.now() + 3600_000).toISOString(),
      });
      expect(sub.status, JSON.stringify(sub.body)).toBe(201);

      const a = await createEvent(server.origin, "A");
      await receiver.waitFor(() => created(receiver.notifications()).length === 1);
      receiver.mode = "hang";
      const b = await createEvent(server.origin, "B");
      await receiver.waitFor(() => receiver.posts.some((p) => !p.acknowledged));
      const c = await createEvent(server.origin, "C");
      // Let the dying instance's own lease run out while its POST hangs, and its poll run a few
      // times over the pending mailbox: it must not send C (or B again) around the hanging POST.
      await new Promise((r) => setTimeout(r, LEASE_MS + 200));
      await server.kill();
      const beforeCrash = receiver.posts.length;
      expect(carrying(receiver.posts, c)).toEqual([]);
      receiver.mode = "ok";

      // The killed instance still holds its lease in the store (it could not give it back); the
      // new one claims the mailbox once the lease has run out, and goes on from the stored cursor.
      server = await spawnServer(env);
      const d = await createEvent(server.origin, "D");
      await receiver.waitFor(() => created(receiver.notifications()).length >= 4, 10_000);
      // A few more polls and a lease's length: anything sent twice would show by now.
      await new Promise((r) => setTimeout(r, LEASE_MS + 200));

      expect(created(receiver.notifications())).toEqual([a, b, c, d]);
      // A was acknowledged before the crash: it is not sent again.
      expect(carrying(receiver.posts, a).map((p) => [receiver.posts.indexOf(p) < beforeCrash, p.acknowledged])).toEqual([[true, true]]);
      // B went out twice: unanswered when the instance died, acknowledged after the restart.
      expect(carrying(receiver.posts, b).map((p) => [receiver.posts.indexOf(p) < beforeCrash, p.acknowledged])).toEqual([[true, false], [false, true]]);
      expect(carrying(receiver.posts, c).map((p) => [receiver.posts.indexOf(p) < beforeCrash, p.acknowledged])).toEqual([[false, true]]);
      expect(receiver.posts.filter((p) => !p.acknowledged)).toHaveLength(1);
    } finally {
      await server?.stop();
      await receiver.close();
      await db?.drop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 60_000);
});
