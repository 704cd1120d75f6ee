import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { existsSync, readdirSync, rmSync } from "node:fs";
import { runCli } from "../support/run-cli.js";
import { spawnServer, type SpawnedServer } from "../support/spawn-server.js";
import { tempDataDir } from "../support/harness.js";

// The admin commands of the built CLI (clock, reset, expire-tokens) against `graphcal serve`
// run as users run it: `--memory --dev-open-admin` (nothing on disk, no token needed), and a
// server over a data folder whose admin token the CLI mints itself.

/** `graphcal serve` with `args`, in `cwd`, over no configured store (the flags say which). */
const serve = (args: string[], cwd: string): Promise<SpawnedServer> => spawnServer({ DATA_DIR: "", DATABASE_URL: "" }, { args, cwd });

describe("graphcal serve --memory --dev-open-admin and the admin commands", () => {
  const cwd = tempDataDir();
  let server: SpawnedServer;
  beforeAll(async () => {
    server = await serve(["--memory", "--dev-open-admin"], cwd);
  }, 30_000);
  afterAll(async () => {
    await server?.stop();
    rmSync(cwd, { recursive: true, force: true });
  });

  it("cli: clock shows, advances, sets and refuses a move backwards", async () => {
    const base = ["--base-url", server.origin];
    const shown = await runCli(["clock", ...base]);
    expect(shown.code, shown.stderr).toBe(0);
    expect(JSON.parse(shown.stdout).mode).toBe("real");
    const set = await runCli(["clock", "--set", "2030-01-01T00:00:00Z", ...base]);
    expect(JSON.parse(set.stdout)).toEqual({ now: "2030-01-01T00:00:00.000Z", mode: "manual" });
    const advanced = await runCli(["clock", "--advance", "P1D", ...base]);
    expect(JSON.parse(advanced.stdout).now).toBe("2030-01-02T00:00:00.000Z");
    const back = await runCli(["clock", "--set", "2029-01-01T00:00:00Z", ...base]);
    expect(back.code).toBe(1);
    expect(back.stderr).toMatch(/400 BadRequest .*allowBackwards/);
    const real = await runCli(["clock", "--real", "--allow-backwards", ...base]);
    expect(JSON.parse(real.stdout).mode).toBe("real");
    expect((await runCli(["clock", "--real", "--advance", "P1D", ...base])).code).toBe(2);
  }, 60_000);

  it("cli: reset of the store and of a mailbox, and expire-tokens, answer as the API does", async () => {
    const base = ["--base-url", server.origin];
    const store = await runCli(["reset", ...base]);
    expect(store.code, store.stderr).toBe(0);
    expect(JSON.parse(store.stdout)).toEqual({ reset: "store", startupState: "demo" });
    const mailbox = await runCli(["reset", "--mailbox", "adelev@contoso.com", ...base]);
    expect(JSON.parse(mailbox.stdout)).toMatchObject({ reset: "mailbox", userPrincipalName: "adelev@contoso.com" });
    const expired = await runCli(["expire-tokens", "--mailbox", "adelev@contoso.com", ...base]);
    expect(JSON.parse(expired.stdout)).toMatchObject({ expired: "mailbox" });
    const unknown = await runCli(["reset", "--mailbox", "nobody@contoso.com", ...base]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/404 ErrorInvalidUser/);
    expect((await runCli(["expire-tokens", ...base])).code, "neither --delta-link nor --mailbox").toBe(2);
  }, 60_000);

  it("cli: quirks sets a mailbox's and the global set, lists them, clears them; a bad name is a 400", async () => {
    const base = ["--base-url", server.origin];
    const set = await runCli(["quirks", "--mailbox", "adelev@contoso.com", "--set", "empty-page,late-change", ...base]);
    expect(set.code, set.stderr).toBe(0);
    expect(JSON.parse(set.stdout)).toMatchObject({ userPrincipalName: "adelev@contoso.com", quirks: ["empty-page", "late-change"] });
    expect(JSON.parse((await runCli(["quirks", "--set", "replay-item", ...base])).stdout)).toEqual({ global: ["replay-item"] });
    const listed = JSON.parse((await runCli(["quirks", ...base])).stdout);
    expect(listed.global).toEqual(["replay-item"]);
    expect(listed.value.map((m: { userPrincipalName: string; quirks: string[] }) => [m.userPrincipalName, m.quirks]))
      .toEqual([["adelev@contoso.com", ["empty-page", "late-change"]]]);
    const bad = await runCli(["quirks", "--set", "sometimes-wrong", ...base]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/400 BadRequest/);
    expect((await runCli(["quirks", "--clear", ...base])).code).toBe(0);
    expect(JSON.parse((await runCli(["quirks", ...base])).stdout)).toEqual({ global: [], value: [] });
    expect((await runCli(["quirks", "--set", "x", "--clear", ...base])).code).toBe(2);
  }, 60_000);

  it("cli: serve --memory writes nothing to disk", () => {
    expect(readdirSync(cwd)).toEqual([]);
  });
});

describe("graphcal admin commands against a server over a data folder", () => {
  const dataDir = tempDataDir();
  let server: SpawnedServer;
  beforeAll(async () => {
    server = await serve(["--data-dir", dataDir], dataDir);
  }, 30_000);
  afterAll(async () => {
    await server?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("cli: mints its admin token over --data-dir; without one the server answers 401", async () => {
    const minted = await runCli(["clock", "--base-url", server.origin, "--data-dir", dataDir]);
    expect(minted.code, minted.stderr).toBe(0);
    expect(JSON.parse(minted.stdout).mode).toBe("real");
    const elsewhere = tempDataDir();
    try {
      const none = await runCli(["clock", "--base-url", server.origin, "--data-dir", elsewhere]);
      expect(none.code).toBe(1);
      expect(none.stderr).toMatch(/401 InvalidAuthenticationToken/);
      expect(existsSync(`${elsewhere}/graphcal.db`), "no store was created to mint from").toBe(false);
    } finally {
      rmSync(elsewhere, { recursive: true, force: true });
    }
  }, 60_000);
});
