import { describe, expect, it } from "vitest";
import { startCli } from "../support/run-cli.js";

// graphcal serve's request log: pino-pretty for a person at a terminal, JSON for everything else
// (issue 14 §6). The suite's stdout is a pipe, so JSON is the default here and LOG_FORMAT forces.

async function logOfOneRequest(env: Record<string, string>): Promise<string> {
  const run = startCli(["serve", "--memory", "--port", "0"], { DATA_DIR: "", DATABASE_URL: "", LOG_LEVEL: "info", ...env });
  try {
    for (let i = 0; i < 200 && !/listening on http/.test(run.stderr()); i++) await new Promise((r) => setTimeout(r, 50));
    const origin = /listening on (http:\/\/\S+)/.exec(run.stderr())?.[1];
    expect(origin, run.stderr()).toBeDefined();
    expect((await fetch(`${origin}/healthz`)).status).toBe(200);
    for (let i = 0; i < 100 && !/request completed/.test(run.stdout()); i++) await new Promise((r) => setTimeout(r, 50));
    return run.stdout();
  } finally {
    run.child.kill("SIGTERM");
    await run.exited;
  }
}

describe("graphcal serve logs", () => {
  it("serve: JSON lines when stdout is not a terminal; LOG_FORMAT=pretty forces pino-pretty's lines", async () => {
    const json = (await logOfOneRequest({})).split("\n").find((l) => l.includes("request completed"));
    expect(JSON.parse(json!)).toMatchObject({ level: 30, msg: "request completed", res: { statusCode: 200 } });

    const pretty = (await logOfOneRequest({ LOG_FORMAT: "pretty" })).split("\n").find((l) => l.includes("request completed"));
    expect(pretty, "a pretty line").toBeDefined();
    expect(pretty).not.toMatch(/^\{/);
    expect(pretty).toMatch(/^\[\d\d:\d\d:\d\d\.\d{3}\] INFO.*request completed/);
  }, 60_000);
});
