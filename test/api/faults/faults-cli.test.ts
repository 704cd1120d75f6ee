import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runCli, startCli, type CliRun } from "../../support/run-cli.js";

// The built CLI as users run it (`npm test` builds dist/ first): `graphcal serve --faults FILE`
// loads rules at start and logs each fault it injects (pino, info, with the rule id), and
// `graphcal faults …` edits the rules of the running server over HTTP with a token it mints.

async function listening(run: CliRun): Promise<string> {
  for (let i = 0; i < 400; i++) {
    const m = /listening on (http:\/\/\S+)/.exec(run.stderr());
    if (m) return m[1] as string;
    if (run.child.exitCode !== null) throw new Error(`serve exited: ${run.stderr()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`serve did not start: ${run.stderr()}`);
}

describe("graphcal serve --faults, graphcal faults", () => {
  const dir = mkdtempSync(join(tmpdir(), "graphcal-faults-cli-"));
  const dataDir = join(dir, "data");
  const rulesFile = join(dir, "rules.json");
  let serve: CliRun;
  let origin = "";
  let userToken = "";

  beforeAll(async () => {
    writeFileSync(rulesFile, JSON.stringify([{ id: "boot-429", path: "/me/calendars", status: 429, times: 1 }]));
    serve = startCli(["serve", "--port", "0", "--faults", rulesFile], { DATA_DIR: dataDir, LOG_LEVEL: "info" });
    origin = await listening(serve);
    userToken = (await runCli(["token", "--user", "adelev@contoso.com"], { DATA_DIR: dataDir })).stdout.trim();
  });
  afterAll(async () => {
    serve.child.kill("SIGTERM");
    await serve.exited;
    rmSync(dir, { recursive: true, force: true });
  });

  const get = (path: string) => fetch(`${origin}${path}`, { headers: { authorization: `Bearer ${userToken}` } });
  const faults = (...args: string[]) => runCli(["faults", ...args, "--base-url", origin], { DATA_DIR: dataDir });

  it("serve --faults: the file's rules fire, and each fault is logged at info with its rule id", async () => {
    const res = await get("/v1.0/me/calendars");
    expect(res.status).toBe(429);
    expect((await get("/v1.0/me/calendars")).status).toBe(200);
    const line = serve.stdout().split("\n").find((l) => l.includes("graphcal fault injected"));
    expect(line, serve.stdout().slice(-2000)).toBeDefined();
    expect(JSON.parse(line!)).toMatchObject({ level: 30, faultRule: "boot-429", fault: "status 429", url: "/v1.0/me/calendars" });
  });

  it("faults add / list / clear: edit the running server's rules", async () => {
    const added = await faults("add", "--status", "503", "--retry-after", "4", "--path", "/me/calendarGroups", "--times", "1");
    expect(added.code, added.stderr).toBe(0);
    const rule = JSON.parse(added.stdout) as { id: string; status: number; retryAfter: number };
    expect(rule).toMatchObject({ status: 503, retryAfter: 4, path: "/me/calendarGroups", times: 1 });
    const res = await get("/v1.0/me/calendarGroups");
    expect(res.status).toBe(503);
    expect(res.headers.get("retry-after")).toBe("4");

    const listed = await faults("list");
    expect(listed.code).toBe(0);
    expect((JSON.parse(listed.stdout) as { value: { id: string; hits: number }[] }).value.map((r) => [r.id, r.hits])).toEqual([["boot-429", 1], [rule.id, 1]]);

    const requests = await faults("requests", "--limit", "1");
    expect(JSON.parse(requests.stdout)).toMatchObject({ value: [{ path: "/v1.0/me/calendarGroups", status: 503, rule: rule.id }] });

    expect((await faults("clear")).code).toBe(0);
    expect(JSON.parse((await faults("list")).stdout)).toEqual({ value: [] });
  });

  it("faults add: a bad rule fails with the server's message naming the field", async () => {
    const bad = await faults("add", "--status", "418");
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/400 BadRequest: status: must be one of/);
  });

  it("serve --faults: a bad file stops the start with the field it names", async () => {
    const badFile = join(dir, "bad.json");
    writeFileSync(badFile, JSON.stringify([{ status: 429 }, { status: 429, path: "me" }]));
    const run = await runCli(["serve", "--port", "0", "--faults", badFile], { DATA_DIR: join(dir, "other") });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/--faults .*bad\.json: \[1\]\.path: must start with '\/'/);
  });
});
