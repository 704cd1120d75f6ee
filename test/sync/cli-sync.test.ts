import { rmSync, writeFileSync } from "node:fs";
import { createServer, type Socket } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, DEMO_USER_PASSWORD } from "../../src/server/index.js";
import { comparable } from "../support/calendar-fixtures.js";
import { tempDataDir } from "../support/harness.js";
import { runCli, startCli } from "../support/run-cli.js";
import { spawnServer, type SpawnedServer } from "../support/spawn-server.js";

// End to end as users run it: `graphcal serve` in one process, `graphcal sync` and
// `graphcal local-store dump` in others, real sockets, real SQLite files.

let server: SpawnedServer;
let appToken: string;
const dataDir = tempDataDir();
const work = tempDataDir();

async function tokenRequest(form: Record<string, string>): Promise<string> {
  const res = await fetch(`${server.origin}/contoso/oauth2/v2.0/token`, { method: "POST", body: new URLSearchParams(form) });
  const body = (await res.json()) as { access_token: string };
  if (!body.access_token) throw new Error(`token: ${JSON.stringify(body)}`);
  return body.access_token;
}

beforeAll(async () => {
  server = await spawnServer({ DATA_DIR: dataDir });
  appToken = await tokenRequest({ grant_type: "client_credentials", client_id: DEMO_CLIENT_ID, client_secret: DEMO_CLIENT_SECRET });
}, 30_000);
afterAll(async () => {
  await server?.stop();
  rmSync(dataDir, { recursive: true, force: true });
  rmSync(work, { recursive: true, force: true });
});

const calendarsUrl = (user: string) => `${server.origin}/beta/users/${user}/calendars`;

async function graph(method: string, url: string, token = appToken, body?: unknown): Promise<any> {
  const res = await fetch(url, {
    method, headers: { authorization: `Bearer ${token}`, ...(body !== undefined && { "content-type": "application/json" }) },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  if (res.status >= 300) throw new Error(`${method} ${url}: ${res.status} ${await res.text()}`);
  return res.status === 204 ? undefined : res.json();
}

async function listed(url: string, token = appToken) {
  return comparable((await graph("GET", `${url}?$top=1000`, token)).value);
}

async function dump(store: string) {
  const res = await runCli(["local-store", "dump", "--store", store]);
  expect(res.code, res.stderr).toBe(0);
  return JSON.parse(res.stdout);
}

async function sync(args: string[]) {
  const res = await runCli(["sync", "--base-url", `${server.origin}/beta`, "--json", ...args]);
  expect(res.code, res.stderr).toBe(0);
  return JSON.parse(res.stdout);
}

describe("graphcal sync (CLI)", () => {
  it("cli sync: client credentials and --user through create/update/delete bursts; local-store dump equals GET /calendars", async () => {
    const user = "samanthab@contoso.com";
    const store = join(work, "samantha.db");
    const args = ["--user", user, "--store", store, "--page-size", "7", "--tenant", "contoso", "--client-id", DEMO_CLIENT_ID, "--client-secret", DEMO_CLIENT_SECRET];

    expect(await sync(args)).toMatchObject({ added: 2, updated: 0, removed: 0, total: 2, rounds: 1 });
    expect(await dump(store)).toEqual(await listed(calendarsUrl(user)));

    const created = await Promise.all(Array.from({ length: 30 }, (_, i) => graph("POST", calendarsUrl(user), appToken, { name: `burst-${i}` })));
    const first = await sync(args);
    expect(first).toMatchObject({ added: 30, updated: 0, removed: 0, total: 32, rounds: 1 });
    expect(first.deltaLink).toMatch(/\$deltatoken=/);
    expect(await dump(store)).toEqual(await listed(calendarsUrl(user)));

    await Promise.all([
      ...created.slice(0, 10).map((c) => graph("PATCH", `${calendarsUrl(user)}/${c.id}`, appToken, { name: `${c.name}-renamed`, color: "lightGreen" })),
      ...created.slice(10, 18).map((c) => graph("DELETE", `${calendarsUrl(user)}/${c.id}`)),
      ...Array.from({ length: 5 }, (_, i) => graph("POST", calendarsUrl(user), appToken, { name: `burst2-${i}` })),
    ]);
    expect(await sync(args)).toMatchObject({ added: 5, updated: 10, removed: 8, total: 29 });
    expect(await dump(store)).toEqual(await listed(calendarsUrl(user)));

    expect(await sync(args)).toMatchObject({ added: 0, updated: 0, removed: 0, total: 29 });
  });

  it("cli sync: --me with --token-command; --select keeps only the selected properties", async () => {
    const token = await tokenRequest({
      grant_type: "password", client_id: DEMO_CLIENT_ID, username: "adelev@contoso.com", password: DEMO_USER_PASSWORD, scope: "Calendars.ReadWrite User.Read",
    });
    const tokenFile = join(work, "adele.token");
    writeFileSync(tokenFile, `${token}\n`);
    const me = `${server.origin}/beta/me/calendars`;
    await Promise.all(Array.from({ length: 6 }, (_, i) => graph("POST", me, token, { name: `adele-${i}` })));

    const store = join(work, "adele.db");
    const args = ["--me", "--store", store, "--token-command", `cat '${tokenFile}'`];
    expect(await sync(args)).toMatchObject({ added: 8, total: 8 });
    expect(await dump(store)).toEqual(await listed(me, token));

    const selected = join(work, "adele-select.db");
    expect(await sync(["--me", "--store", selected, "--token", token, "--select", "name,color"])).toMatchObject({ added: 8 });
    const rows = await dump(selected);
    expect(rows.map((c: object) => Object.keys(c).sort())).toEqual(rows.map(() => ["color", "id", "name"]));
  });

  it("cli sync --watch --json: one JSON line per round, as it happens, with every field of the round's summary; SIGTERM exits 0", async () => {
    const user = "meganb@contoso.com";
    const store = join(work, "megan.db");
    const run = startCli(["sync", "--base-url", `${server.origin}/beta`, "--user", user, "--store", store, "--token", appToken, "--watch", "0.2", "--json"]);
    const rounds = () => run.stdout().split("\n").filter(Boolean).map((line) => JSON.parse(line));
    const waitFor = async (what: () => boolean | Promise<boolean>) => {
      for (let i = 0; i < 100 && !(await what()); i++) await new Promise((r) => setTimeout(r, 100));
      expect(await what(), run.stderr()).toBe(true);
    };
    // The first round's line is there while the command still runs.
    await waitFor(() => rounds().length >= 1);
    expect(run.child.exitCode).toBeNull();
    const [first] = rounds();
    expect(Object.keys(first).sort()).toEqual(["added", "deltaLink", "durationMs", "full", "items", "pages", "removed", "resyncs", "round", "total", "updated"]);
    expect(first).toMatchObject({ round: 1, full: true, resyncs: 0, added: 2, removed: 0, total: 2 });
    expect(first.pages).toBeGreaterThanOrEqual(1);
    expect(first.deltaLink).toMatch(/\$deltatoken=/);

    const made = await Promise.all(Array.from({ length: 4 }, (_, i) => graph("POST", calendarsUrl(user), appToken, { name: `megan-${i}` })));
    await graph("DELETE", `${calendarsUrl(user)}/${made[0].id}`);
    await waitFor(() => rounds().at(-1)?.total === 5);
    run.child.kill("SIGTERM");
    const { code } = await run.exited;
    expect(code, run.stderr()).toBe(0);
    const lines = rounds();
    expect(lines.map((l) => l.round)).toEqual(lines.map((_, i) => i + 1));
    expect(lines.slice(1).every((l) => l.full === false)).toBe(true);
    // What each round saw depends on when the polls fell among the writes: a round between the
    // POST and the DELETE of megan-0 adds it and the next removes it. Either way the counts must
    // account for exactly the 3 calendars added to the 2 the mailbox had.
    const sum = (field: "added" | "removed") => lines.slice(1).reduce((n, l) => n + l[field], 0);
    expect(sum("added") - sum("removed")).toBe(3);
    expect(run.stderr()).toMatch(/round 1: initial sync/);
  });

  it("cli sync --max-retries 0 --timeout 1: a server that is down fails at once with one line, exit 1", async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const { port } = closed.address() as { port: number };
    await new Promise((resolve) => closed.close(resolve));
    const started = Date.now();
    const run = await runCli([
      "sync", "--base-url", `http://127.0.0.1:${port}/beta`, "--me", "--store", join(work, "down.db"), "--token", "t", "--max-retries", "0", "--timeout", "1",
    ]);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`graphcal sync: cannot reach http://127.0.0.1:${port}/beta (ECONNREFUSED) after 1 attempt(s); --max-retries, --timeout\n`);
    expect(run.stderr).not.toMatch(/retry|\n {4}at /);
    expect((await runCli(["sync", "--base-url", `http://127.0.0.1:${port}/beta`, "--me", "--store", join(work, "down.db"), "--token", "t", "--timeout", "0"])).code).toBe(2);
  });

  it("cli sync --timeout: a server that accepts but never answers fails after the timeout, one line", async () => {
    // A socket that takes the connection and says nothing: the per-attempt limit must end it.
    const sockets = new Set<Socket>();
    const silent = createServer((socket) => sockets.add(socket));
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    const { port } = silent.address() as { port: number };
    try {
      const started = Date.now();
      const run = await runCli([
        "sync", "--base-url", `http://127.0.0.1:${port}/beta`, "--me", "--store", join(work, "silent.db"), "--token", "t", "--max-retries", "0", "--timeout", "0.5",
      ]);
      expect(Date.now() - started).toBeLessThan(5000);
      expect(run.code).toBe(1);
      expect(run.stderr).toContain(`graphcal sync: no answer from http://127.0.0.1:${port}/beta within 0.5 s (1 attempt(s); --max-retries, --timeout)\n`);
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
    }
  });

  it("cli sync: usage errors exit 2; a database that is not a sync store and a 403 exit 1 with a message", async () => {
    const base = ["sync", "--base-url", `${server.origin}/beta`];
    expect((await runCli([...base, "--store", join(work, "x.db"), "--token", "t"])).code).toBe(2); // neither --me nor --user
    expect((await runCli([...base, "--me", "--store", join(work, "x.db"), "--token", "t", "--token-command", "echo t"])).code).toBe(2);
    expect((await runCli([...base, "--me", "--store", join(work, "x.db"), "--tenant", "contoso", "--client-id", DEMO_CLIENT_ID, "--client-secret", "s"])).code).toBe(2);
    expect((await runCli([...base, "--me", "--store", join(work, "x.db"), "--token", "t", "--page-size", "0"])).code).toBe(2);

    const foreign = await runCli([...base, "--user", "alexw@contoso.com", "--store", join(dataDir, "graphcal.db"), "--token", appToken]);
    expect(foreign.code).toBe(1);
    expect(foreign.stderr).toMatch(/not a graphcal sync store/);

    const alex = await tokenRequest({
      grant_type: "password", client_id: DEMO_CLIENT_ID, username: "alexw@contoso.com", password: DEMO_USER_PASSWORD, scope: "Calendars.Read",
    });
    const denied = await runCli([...base, "--user", "samanthab@contoso.com", "--store", join(work, "alex.db"), "--token", alex]);
    expect(denied.code).toBe(1);
    expect(denied.stderr).toMatch(/403 ErrorAccessDenied/);

    // The command's old name `store` still works (an alias).
    const missing = await runCli(["store", "dump", "--store", join(work, "missing.db")]);
    expect(missing.code).toBe(1);
  });
});
