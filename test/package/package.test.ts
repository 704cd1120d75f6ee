import { execFile, spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { installOffline, packedFiles, packRepository } from "./offline-install.js";

// The installable package (issue 14 §7): `npm pack` makes a tarball that installs into an empty
// folder, whose `npx graphcal serve` answers /healthz and whose `graphcal/client` imports.
// Offline: see offline-install.ts for how.

const repo = fileURLToPath(new URL("../../", import.meta.url));
const work = mkdtempSync(join(tmpdir(), "graphcal-package-"));
const run = promisify(execFile);

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe("npm pack", () => {
  it("package: the tarball holds dist, schemas, README, LICENSE and package.json, and nothing else", async () => {
    const files = await packedFiles(repo);
    const tops = new Set(files.map((f) => f.split("/")[0]));
    expect([...tops].sort()).toEqual(["LICENSE", "README.md", "dist", "package.json", "schemas"]);
    expect(files).toContain("dist/cli/main.js");
    expect(files).toContain("dist/client/index.d.ts");
    expect(files.filter((f) => /\.test\./.test(f))).toEqual([]);
  });

  it("package: installs offline into an empty folder; graphcal serve answers /healthz; graphcal/client imports", async () => {
    const tarball = await packRepository(repo, work);
    const app = join(work, "app");
    await installOffline({ repo, tarball, dir: app });

    // `npx graphcal` finds the installed bin (npx's own resolution, offline).
    const version = await run("npx", ["--offline", "graphcal", "--version"], { cwd: app });
    expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);

    writeFileSync(join(app, "check.mjs"), [
      'import { DeltaSync, MemoryLocalStore } from "graphcal/client";',
      'const sync = new DeltaSync({ baseUrl: "http://127.0.0.1:1/beta", store: new MemoryLocalStore(), token: "t" });',
      "console.log(sync.initialUrl);",
    ].join("\n"));
    const client = await run(process.execPath, ["check.mjs"], { cwd: app });
    expect(client.stdout).toBe("http://127.0.0.1:1/beta/me/calendars/delta\n");

    // The bin npx ran above, started directly so that SIGTERM reaches the server itself.
    const server = spawn(join(app, "node_modules", ".bin", "graphcal"), ["serve", "--memory", "--port", "0"], {
      cwd: app, env: { ...process.env, DATA_DIR: "", DATABASE_URL: "", LOG_LEVEL: "warn" }, stdio: ["ignore", "ignore", "pipe"],
    });
    try {
      let stderr = "";
      const origin = await new Promise<string>((resolve, reject) => {
        server.stderr.on("data", (d: Buffer) => {
          stderr += d.toString();
          const m = /listening on (http:\/\/\S+)/.exec(stderr);
          if (m) resolve(m[1] as string);
        });
        server.once("exit", (code) => reject(new Error(`graphcal serve exited with ${code}:\n${stderr}`)));
      });
      const health = await fetch(`${origin}/healthz`);
      expect(health.status).toBe(200);
      expect(await health.json()).toEqual({ status: "ok" });
    } finally {
      const exited = new Promise((resolve) => server.once("exit", resolve));
      server.kill("SIGTERM");
      await exited;
    }
  }, 120_000);
});
