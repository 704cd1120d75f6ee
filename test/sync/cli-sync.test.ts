import { rmSync, writeFileSync } from "node:fs";
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

  it("cli sync --watch: keeps polling until SIGTERM, then exits cleanly with a summary", async () => {
    const user = "meganb@contoso.com";
    const store = join(work, "megan.db");
    const run = startCli(["sync", "--base-url", `${server.origin}/beta`, "--user", user, "--store", store, "--token", appToken, "--watch", "0.2", "--json"]);
    const inStep = async () => {
      const res = await runCli(["local-store", "dump", "--store", store]);
      return res.code === 0 && JSON.stringify(JSON.parse(res.stdout)) === JSON.stringify(await listed(calendarsUrl(user)));
    };
    const waitFor = async (what: () => Promise<boolean>) => {
      for (let i = 0; i < 100 && !(await what()); i++) await new Promise((r) => setTimeout(r, 100));
      expect(await what()).toBe(true);
    };
    await waitFor(inStep);
    const made = await Promise.all(Array.from({ length: 4 }, (_, i) => graph("POST", calendarsUrl(user), appToken, { name: `megan-${i}` })));
    await graph("DELETE", `${calendarsUrl(user)}/${made[0].id}`);
    await waitFor(async () => (await listed(calendarsUrl(user))).length === 5 && inStep());

    run.child.kill("SIGTERM");
    const { code } = await run.exited;
    expect(code, run.stderr()).toBe(0);
    const summary = JSON.parse(run.stdout());
    // What each round saw depends on when the polls fell among the writes: a round between the
    // POST and the DELETE of megan-0 adds it and the next removes it. Either way the counts must
    // account for exactly the 5 calendars the mailbox ends with.
    expect(summary.total).toBe(5);
    expect([0, 1]).toContain(summary.removed);
    expect(summary.added - summary.removed).toBe(5);
    expect(summary.rounds).toBeGreaterThanOrEqual(2);
    expect(run.stderr()).toMatch(/round 1: initial sync/);
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
