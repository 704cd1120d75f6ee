import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rmSync } from "node:fs";
import { DEMO_CLIENT_ID, DEMO_CLIENT_SECRET } from "../../../src/server/index.js";
import { runCli } from "../../support/run-cli.js";
import { spawnServer, type SpawnedServer } from "../../support/spawn-server.js";
import { tempDataDir } from "../../support/harness.js";
import { startReceiver, type Receiver } from "./receiver.js";

// `graphcal subscriptions` (built CLI) against `graphcal serve --memory --dev-open-admin` run as
// users run it, with a receiver on loopback: the list, one subscription's delivery attempts,
// a lifecycle event on request, and usage errors. Needs `npm run build`.

describe("graphcal subscriptions", () => {
  const cwd = tempDataDir();
  let server: SpawnedServer;
  let receiver: Receiver;
  let token: string;
  beforeAll(async () => {
    receiver = await startReceiver();
    server = await spawnServer({ DATA_DIR: "", DATABASE_URL: "", NOTIFY_POLL_MS: "50" }, { args: ["--memory", "--dev-open-admin"], cwd });
    const res = await fetch(`${server.origin}/contoso/oauth2/v2.0/token`, {
      method: "POST",
      body: new URLSearchParams({ grant_type: "client_credentials", client_id: DEMO_CLIENT_ID, client_secret: DEMO_CLIENT_SECRET, scope: "https://graph.microsoft.com/.default" }),
    });
    token = ((await res.json()) as { access_token: string }).access_token;
  }, 30_000);
  afterAll(async () => {
    await server?.stop();
    await receiver?.close();
    rmSync(cwd, { recursive: true, force: true });
  });

  const graph = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${server.origin}${path}`, {
      method, headers: { authorization: `Bearer ${token}`, ...(body !== undefined && { "content-type": "application/json" }) },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  };

  it("cli: subscriptions lists them, deliveries shows the attempts, lifecycle sends an event; bad use exits 2", async () => {
    const base = ["--base-url", server.origin];
    expect((await runCli(["subscriptions", ...base])).stdout).toBe("no subscriptions\n");
    const sub = await graph("POST", "/v1.0/subscriptions", {
      changeType: "created", notificationUrl: receiver.url, resource: "users/adelev@contoso.com/events",
      expirationDateTime: new Date(Date.now() + 3600_000).toISOString(), clientState: "cli",
    });
    expect(sub.status).toBe(201);
    const event = await graph("POST", "/v1.0/users/adelev@contoso.com/events", {
      subject: "From the CLI test", start: { dateTime: "2030-01-01T09:00:00", timeZone: "UTC" }, end: { dateTime: "2030-01-01T10:00:00", timeZone: "UTC" },
    });
    expect(event.status).toBe(201);
    await receiver.waitFor(() => receiver.notifications().some((n) => n.resourceData.id === event.body.id));

    const list = await runCli(["subscriptions", "list", ...base]);
    expect(list.code, list.stderr).toBe(0);
    const lines = list.stdout.trim().split("\n");
    expect(lines[0]).toMatch(/^id\s+resource\s+changeType\s+notificationUrl/);
    expect(lines[1]).toContain(sub.body.id);
    expect(lines[1]).toContain("users/adelev@contoso.com/events");
    const json = JSON.parse((await runCli(["subscriptions", "--json", ...base])).stdout);
    expect(json.value[0]).toMatchObject({ id: sub.body.id, delivery: { failedAttempts: 0 } });
    expect(JSON.parse((await runCli(["subscriptions", "list", "--mailbox", "samanthab@contoso.com", "--json", ...base])).stdout).value).toEqual([]);

    const deliveries = await runCli(["subscriptions", "deliveries", sub.body.id, ...base]);
    expect(deliveries.code, deliveries.stderr).toBe(0);
    expect(deliveries.stdout).toMatch(/validation\s+validated\s+200/);
    expect(deliveries.stdout).toMatch(/notification\s+delivered\s+202\s+\d+ ms\s+1/);

    const lifecycle = await runCli(["subscriptions", "lifecycle", sub.body.id, "--event", "subscriptionRemoved", ...base]);
    expect(JSON.parse(lifecycle.stdout)).toEqual({ subscriptionId: sub.body.id, lifecycleEvent: "subscriptionRemoved", notified: false, removed: true });
    expect((await runCli(["subscriptions", ...base])).stdout).toBe("no subscriptions\n");

    const missing = await runCli(["subscriptions", "deliveries", "00000000-0000-0000-0000-000000000000", ...base]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/404 ResourceNotFound/);
    expect((await runCli(["subscriptions", "deliveries", ...base])).code).toBe(2);
    expect((await runCli(["subscriptions", "explode", "x", ...base])).code).toBe(2);
  }, 60_000);
});
