import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { execFile, execFileSync, spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { request as httpsRequest } from "node:https";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { decodeJwt } from "jose";
import { GRAPH_CONTENT_TYPE } from "../support/graph-assertions.js";

// The built CLI over real sockets: `graphcal serve` with HTTP and HTTPS listeners, and tokens
// minted by `graphcal token` in another process over the same DATA_DIR.

const ROOT = resolve(import.meta.dirname, "../..");
const CLI = join(ROOT, "dist/cli/main.js");
const JWT_LINE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\n$/;
const run = promisify(execFile);

function hasCurl(): boolean {
  try {
    execFileSync("curl", ["--version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

/** Newest modification time of the production sources (tests excluded). */
function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(path));
    else if (entry.name.endsWith(".ts") && !entry.name.endsWith(".test.ts")) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

/** `npm test` builds first; a direct `vitest run` may find dist/ missing or older than src/. */
function ensureBuilt(): void {
  if (existsSync(CLI) && statSync(CLI).mtimeMs >= newestSource(join(ROOT, "src"))) return;
  try {
    execFileSync(process.execPath, [join(ROOT, "node_modules/typescript/bin/tsc"), "-p", "tsconfig.build.json"], { cwd: ROOT, stdio: "pipe" });
  } catch (error) {
    // tsc still emits on type errors; only a missing CLI is fatal here.
    if (!existsSync(CLI)) throw error;
  }
}

interface HttpsResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: any; // parsed JSON; the test asserts on its shape
}

/** A request over HTTPS that trusts exactly the server's generated certificate. */
function httpsFetch(url: string, ca: string, options: { method?: string; token?: string; body?: unknown } = {}): Promise<HttpsResponse> {
  return new Promise((resolvePromise, reject) => {
    const payload = options.body === undefined ? undefined : JSON.stringify(options.body);
    const req = httpsRequest(url, {
      method: options.method ?? "GET", ca,
      headers: {
        ...(options.token && { authorization: `Bearer ${options.token}` }),
        ...(payload !== undefined && { "content-type": "application/json", "content-length": Buffer.byteLength(payload) }),
      },
    }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => (text += chunk));
      res.on("end", () => resolvePromise({ status: res.statusCode ?? 0, headers: res.headers, body: text ? JSON.parse(text) : undefined }));
    });
    req.on("error", reject);
    req.end(payload);
  });
}

describe("real sockets (built CLI)", () => {
  const dataDir = mkdtempSync(join(tmpdir(), "graphcal-socket-"));
  const env = { ...process.env, DATA_DIR: dataDir, LOG_LEVEL: "warn" };
  let child: ChildProcess;
  let stderr = "";
  let http = "";
  let https = "";
  let certPath = "";

  const cli = async (...args: string[]) => run(process.execPath, [CLI, ...args], { env, cwd: ROOT });

  beforeAll(async () => {
    ensureBuilt();
    child = spawn(process.execPath, [CLI, "serve"], { env: { ...env, PORT: "0", HTTPS_PORT: "0" }, cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
    await new Promise<void>((resolvePromise, reject) => {
      const timer = setTimeout(() => reject(new Error(`server did not start:\n${stderr}`)), 25_000);
      child.once("exit", (code) => reject(new Error(`server exited with ${code}:\n${stderr}`)));
      child.stderr?.setEncoding("utf8").on("data", (chunk: string) => {
        stderr += chunk;
        const httpLine = /graphcal listening on (http:\/\/\S+)/.exec(stderr);
        const httpsLine = /graphcal HTTPS on (https:\/\/\S+) \(certificate: ([^)]+)\)/.exec(stderr);
        if (httpLine && httpsLine) {
          [, http] = httpLine as unknown as [string, string];
          [, https, certPath] = httpsLine as unknown as [string, string, string];
          clearTimeout(timer);
          resolvePromise();
        }
      });
    });
  }, 60_000);

  afterAll(async () => {
    if (child && child.exitCode === null) {
      const exited = new Promise((r) => child.once("exit", r));
      child.kill("SIGTERM");
      await exited;
    }
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("serve: prints its HTTP and HTTPS addresses on ephemeral ports and a certificate under DATA_DIR/tls", () => {
    expect(http).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(https).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(http.split(":")[2]).not.toBe("0");
    expect(https.split(":")[2]).not.toBe(http.split(":")[2]);
    expect(certPath).toBe(join(dataDir, "tls", "cert.pem"));
    expect(readFileSync(certPath, "utf8")).toContain("BEGIN CERTIFICATE");
  });

  it("serve: prints the web console's URL, which serves the console page", async () => {
    const line = /web console: (http:\/\/\S+)/.exec(stderr);
    expect(line?.[1]).toBe(`${http}/_graphcal/console`);
    const res = await fetch(line?.[1] as string);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/html/);
    expect(await res.text()).toContain("graphcal console");
  });

  it("healthz: 200 ok over TCP", async () => {
    const res = await fetch(`${http}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: "ok" });
  });

  it("token --user: stdout is exactly one line, a JWT the server accepts for /me", async () => {
    const { stdout } = await cli("token", "--user", "samanthab@contoso.com");
    expect(stdout).toMatch(JWT_LINE);
    const token = stdout.trim();
    expect(decodeJwt(token)).toMatchObject({ upn: "samanthab@contoso.com", scp: "Calendars.ReadWrite" });

    const list = await fetch(`${http}/v1.0/me/calendars`, { headers: { authorization: `Bearer ${token}` } });
    expect(list.status).toBe(200);
    expect(list.headers.get("content-type")).toBe(GRAPH_CONTENT_TYPE);
    expect(list.headers.get("request-id")).toMatch(/^[0-9a-f-]{36}$/);
    const body = await list.json() as { "@odata.context": string; value: { name: string; owner: { address: string } }[] };
    expect(body["@odata.context"]).toBe(`${http}/v1.0/$metadata#me/calendars`);
    expect(body.value.map((c) => c.name)).toEqual(["Calendar", "Birthdays"]);
    expect(body.value[0]?.owner.address).toBe("samanthab@contoso.com");

    const created = await fetch(`${http}/v1.0/me/calendars`, {
      method: "POST", headers: { authorization: `Bearer ${token}`, "content-type": "application/json" }, body: JSON.stringify({ name: "Over TCP" }),
    });
    expect(created.status).toBe(201);
    const location = created.headers.get("location") as string;
    expect(location.startsWith(`${http}/v1.0/users/`)).toBe(true);
    const fetched = await fetch(location, { headers: { authorization: `Bearer ${token}` } });
    expect((await fetched.json() as { name: string }).name).toBe("Over TCP");
  });

  it("HTTPS listener: trusted with the generated certificate, serves Graph with HSTS and https links", async () => {
    const ca = readFileSync(certPath, "utf8");
    const token = (await cli("token", "--user", "adelev@contoso.com", "--scopes", "Calendars.ReadWrite User.Read")).stdout.trim();
    const list = await httpsFetch(`${https}/beta/me/calendars?$top=1`, ca, { token });
    expect(list.status).toBe(200);
    expect(list.headers["strict-transport-security"]).toBe("max-age=31536000");
    expect(list.body["@odata.context"]).toBe(`${https}/beta/$metadata#me/calendars`);
    expect(list.body["@odata.nextLink"]).toBe(`${https}/beta/me/calendars?$top=1&$skip=1`);

    const created = await httpsFetch(`${https}/beta/me/calendars`, ca, { method: "POST", token, body: { name: "Over TLS" } });
    expect(created.status).toBe(201);
    expect(created.body.owner).toEqual({ name: "Adele Vance", address: "adelev@contoso.com" });
    // Both listeners share one store.
    const viaHttp = await fetch(`${http}/beta/me/calendars/${created.body.id}`, { headers: { authorization: `Bearer ${token}` } });
    expect(viaHttp.status).toBe(200);
  });

  it("HTTPS listener: an untrusting client is refused by TLS, not served", async () => {
    await expect(fetch(`${https}/healthz`)).rejects.toThrow();
  });

  it("token --app --roles Calendars.Read: reads any mailbox, cannot write, has no /me", async () => {
    const { stdout } = await cli("token", "--app", "--roles", "Calendars.Read");
    expect(stdout).toMatch(JWT_LINE);
    const token = stdout.trim();
    expect(decodeJwt(token)).toMatchObject({ roles: ["Calendars.Read"], idtyp: "app" });
    const auth = { authorization: `Bearer ${token}` };

    const list = await fetch(`${http}/v1.0/users/meganb@contoso.com/calendars`, { headers: auth });
    expect(list.status).toBe(200);
    const denied = await fetch(`${http}/v1.0/users/meganb@contoso.com/calendars`, {
      method: "POST", headers: { ...auth, "content-type": "application/json" }, body: JSON.stringify({ name: "Nope" }),
    });
    expect(denied.status).toBe(403);
    expect((await denied.json() as { error: { code: string } }).error.code).toBe("ErrorAccessDenied");
    const me = await fetch(`${http}/v1.0/me/calendars`, { headers: auth });
    expect(me.status).toBe(400);
  });

  it("token: an unknown user exits 1 with nothing on stdout", async () => {
    const failure = await cli("token", "--user", "nobody@contoso.com").then(() => undefined, (error: { code: number; stdout: string; stderr: string }) => error);
    expect(failure?.code).toBe(1);
    expect(failure?.stdout).toBe("");
    expect(failure?.stderr).toContain("no user 'nobody@contoso.com'");
  });

  it("serve: @odata.context resolves to the $metadata document; v1.0 calendars/delta is Graph's 400 (parity mode)", async () => {
    const token = (await cli("token", "--user", "samanthab@contoso.com")).stdout.trim();
    const list = await fetch(`${http}/v1.0/me/calendars`, { headers: { authorization: `Bearer ${token}` } });
    const context = ((await list.json()) as { "@odata.context": string })["@odata.context"];
    const metadata = await fetch(context.split("#")[0] as string);
    expect(metadata.status).toBe(200);
    expect(metadata.headers.get("content-type")).toMatch(/^application\/xml/);
    expect(await metadata.text()).toContain('<EntityType Name="calendar">');
    const delta = await fetch(`${http}/v1.0/me/calendars/delta`, { headers: { authorization: `Bearer ${token}` } });
    expect(delta.status).toBe(400);
    expect(((await delta.json()) as { error: { message: string } }).error.message).toBe("Resource not found for the segment 'delta'.");
  });

  it.skipIf(!hasCurl())("curl: a 6 MB upload (curl asks Expect: 100-continue) reads the 413 and Graph's body, no broken pipe", async () => {
    const token = (await cli("token", "--user", "samanthab@contoso.com")).stdout.trim();
    const file = join(dataDir, "big.json");
    writeFileSync(file, JSON.stringify({ name: "Huge", pad: "x".repeat(6 * 1024 * 1024) }));
    const { stdout, stderr } = await run("curl", [
      "-sS", "-X", "POST", "-H", `Authorization: Bearer ${token}`, "-H", "Content-Type: application/json",
      "--data-binary", `@${file}`, "-w", "\n%{http_code}", `${http}/v1.0/me/calendars`,
    ]);
    expect(stderr).toBe("");
    const [body = "", status] = stdout.split(/\n(?=\d+$)/);
    expect(status).toBe("413");
    expect(JSON.parse(body)).toMatchObject({ error: { code: "BadRequest", message: "The maximum request length supported is 4MB." } });
  });

  it("serve: a garbage token over TCP is 401 with WWW-Authenticate", async () => {
    const res = await fetch(`${http}/v1.0/me/calendars`, { headers: { authorization: "Bearer nope" } });
    expect(res.status).toBe(401);
    expect(res.headers.get("www-authenticate")).toMatch(/^Bearer /);
    expect((await res.json() as { error: { code: string } }).error.code).toBe("InvalidAuthenticationToken");
  });
});
