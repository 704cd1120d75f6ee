import { createServer, type Server } from "node:net";
import { existsSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tempDataDir } from "../support/harness.js";
import { runCli } from "../support/run-cli.js";

// A newcomer's misconfigurations (issue 14 §6), run as users run the built CLI: each is one line
// on stderr naming the setting and the fix, exit 2, and no stack trace unless --debug.

const work = tempDataDir();
// Settings from the developer's shell must not leak into these runs.
const clean = { DATA_DIR: "", DATABASE_URL: "", PORT: "", LOG_LEVEL: "warn" };

/** A port that is closed: bound once to get it, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const oneLine = (stderr: string) => stderr.trimEnd().split("\n");

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe("graphcal serve: misconfiguration in one line", () => {
  let holder: Server;
  let busyPort: number;
  beforeAll(async () => {
    holder = createServer();
    await new Promise<void>((resolve) => holder.listen(0, "127.0.0.1", resolve));
    busyPort = (holder.address() as { port: number }).port;
  });
  afterAll(() => new Promise((resolve) => holder.close(resolve)));

  it("serve: a port in use says which and how to change it, exit 2; --debug adds the stack", async () => {
    const run = await runCli(["serve", "--memory", "--port", String(busyPort)], clean);
    expect(run.code).toBe(2);
    expect(oneLine(run.stderr)).toEqual([`graphcal serve: port ${busyPort} is in use: set PORT or --port (0 picks a free port), or stop what listens there`]);

    const debug = await runCli(["serve", "--memory", "--port", String(busyPort), "--debug"], clean);
    expect(debug.code).toBe(2);
    expect(debug.stderr).toMatch(/^graphcal serve: port \d+ is in use/);
    expect(debug.stderr).toMatch(/EADDRINUSE[\s\S]*\n {4}at /);
  });

  it("serve: an HTTPS port in use names HTTPS_PORT", async () => {
    const run = await runCli(["serve", "--data-dir", join(work, "tls"), "--port", "0", "--https-port", String(busyPort)], clean);
    expect(run.code).toBe(2);
    expect(oneLine(run.stderr)).toEqual([`graphcal serve: port ${busyPort} is in use: set HTTPS_PORT or --https-port (0 picks a free port), or stop what listens there`]);
  });

  it("serve: an unreachable DATABASE_URL names it, without its password, exit 2", async () => {
    const port = await closedPort();
    const run = await runCli(["serve"], { ...clean, DATABASE_URL: `postgres://postgres:s3cret@127.0.0.1:${port}/x` });
    expect(run.code).toBe(2);
    expect(oneLine(run.stderr)).toEqual([
      `graphcal serve: cannot reach PostgreSQL at DATABASE_URL postgres://postgres:***@127.0.0.1:${port}/x (ECONNREFUSED): start PostgreSQL there, or set DATABASE_URL or --database-url`,
    ]);
  });

  it("serve: a DATA_DIR that cannot be created or written names it, exit 2", async () => {
    // Root may write anywhere, so the folder is made impossible instead: its parent is a file.
    const file = join(work, "a-file");
    writeFileSync(file, "");
    const run = await runCli(["serve", "--port", "0"], { ...clean, DATA_DIR: join(file, "data") });
    expect(run.code).toBe(2);
    const lines = oneLine(run.stderr);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(new RegExp(`^graphcal serve: DATA_DIR ${join(file, "data")} is not writable \\(ENOTDIR.*\\): set DATA_DIR or --data-dir`));
  });

  it("serve: a bad setting is the ConfigError's line, exit 2", async () => {
    const run = await runCli(["serve", "--memory"], { ...clean, LOG_FORMAT: "fancy" });
    expect(run.code).toBe(2);
    expect(oneLine(run.stderr)).toEqual(["graphcal serve: LOG_FORMAT must be 'json' or 'pretty', got 'fancy'"]);
  });
});

describe("graphcal token: finds the server's store or says where it looked", () => {
  it("token: no store in DATA_DIR is exit 2 naming the file, and nothing is created; --init creates it", async () => {
    const dataDir = join(work, "token-data");
    const refused = await runCli(["token", "--user", "adelev@contoso.com"], { ...clean, DATA_DIR: dataDir });
    expect(refused.code).toBe(2);
    expect(refused.stdout).toBe("");
    expect(oneLine(refused.stderr)).toEqual([
      `graphcal token: no graphcal store at ${join(dataDir, "graphcal.db")} (DATA_DIR or --data-dir, default ./data): run where the server runs, pass --data-dir, or --init to create one`,
    ]);
    expect(existsSync(dataDir)).toBe(false);

    const created = await runCli(["token", "--user", "adelev@contoso.com", "--init"], { ...clean, DATA_DIR: dataDir });
    expect(created.code, created.stderr).toBe(0);
    expect(created.stdout).toMatch(/^ey[\w-]+\.[\w-]+\.[\w-]+\n$/);
    expect(existsSync(join(dataDir, "graphcal.db"))).toBe(true);
    // The store now exists: no --init needed, and the same keys sign.
    const again = await runCli(["token", "--app", "--data-dir", dataDir], clean);
    expect(again.code, again.stderr).toBe(0);
  });
});

describe("admin commands: a server that does not answer", () => {
  it("clock: a closed --base-url is one line naming it, exit 2", async () => {
    const port = await closedPort();
    const run = await runCli(["clock", "--base-url", `http://127.0.0.1:${port}`, "--token", "t"], clean);
    expect(run.code).toBe(2);
    expect(oneLine(run.stderr)).toEqual([
      `graphcal clock: cannot reach a graphcal server at http://127.0.0.1:${port} (ECONNREFUSED): start one (graphcal serve), or set --base-url`,
    ]);
  });
});
