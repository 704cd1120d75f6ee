import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { clientCredentials } from "./client-credentials.js";
import { commandToken } from "./command-token.js";
import { cachedAccessTokenSource, jwtExpiry, toAccessTokenSource } from "./access-token-source.js";

const jwt = (payload: object) => `eyJhbGciOiJub25lIn0.${Buffer.from(JSON.stringify(payload)).toString("base64url")}.sig`;
const dir = mkdtempSync(join(tmpdir(), "graphcal-token-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("token sources", () => {
  it("jwtExpiry: reads exp in milliseconds; undefined for opaque tokens", () => {
    expect(jwtExpiry(jwt({ exp: 1700000000 }))).toBe(1700000000_000);
    expect(jwtExpiry("opaque-token")).toBeUndefined();
    expect(jwtExpiry("a.!!!.c")).toBeUndefined();
  });

  it("toAccessTokenSource: strings and functions become sources", async () => {
    expect(await toAccessTokenSource("T").getToken()).toBe("T");
    expect(await toAccessTokenSource(({ forceRefresh }) => (forceRefresh ? "new" : "old")).getToken({ forceRefresh: true })).toBe("new");
  });

  it("cachedAccessTokenSource: reuses a token until shortly before expiry or a forced refresh; one fetch for concurrent callers", async () => {
    let now = 0;
    let fetches = 0;
    const source = cachedAccessTokenSource(async () => ({ token: `t${++fetches}`, expiresAt: now + 600_000 }), { now: () => now, refreshBeforeMs: 60_000 });
    expect(await Promise.all([source.getToken(), source.getToken()])).toEqual(["t1", "t1"]);
    now = 500_000;
    expect(await source.getToken()).toBe("t1");
    now = 541_000; // within a minute of expiry
    expect(await source.getToken()).toBe("t2");
    expect(await source.getToken({ forceRefresh: true })).toBe("t3");
  });

  it("commandToken: runs the command, takes its last line, runs it again when forced", async () => {
    const counter = join(dir, "count");
    const token = jwt({ exp: Math.floor(Date.now() / 1000) + 3600 });
    const source = commandToken(`echo run >> '${counter}'; echo "Fetching token…"; echo '${token}'`);
    expect(await source.getToken()).toBe(token);
    expect(await source.getToken()).toBe(token);
    expect(readFileSync(counter, "utf8").trim().split("\n")).toHaveLength(1);
    await source.getToken({ forceRefresh: true });
    expect(readFileSync(counter, "utf8").trim().split("\n")).toHaveLength(2);
  });

  it("commandToken: a failing or silent command is an error that quotes stderr", async () => {
    await expect(commandToken("echo 'login required' >&2; exit 3").getToken()).rejects.toThrow(/token command failed \(3\): login required/);
    await expect(commandToken("true").getToken()).rejects.toThrow(/printed no token/);
  });

  it("clientCredentials: posts the grant to {authority}/oauth2/v2.0/token and caches by expires_in", async () => {
    const posts: Array<{ url: string; body: string }> = [];
    const fetch = (async (url: string, init: RequestInit) => {
      posts.push({ url, body: String(init.body) });
      return new Response(JSON.stringify({ token_type: "Bearer", expires_in: 3599, access_token: `A${posts.length}` }), { status: 200 });
    }) as unknown as typeof globalThis.fetch;
    const source = clientCredentials({ authority: "https://login.example/contoso/", clientId: "app", clientSecret: "s3cret", fetch });
    expect(await source.getToken()).toBe("A1");
    expect(await source.getToken()).toBe("A1");
    expect(await source.getToken({ forceRefresh: true })).toBe("A2");
    expect(posts[0]!.url).toBe("https://login.example/contoso/oauth2/v2.0/token");
    expect(Object.fromEntries(new URLSearchParams(posts[0]!.body))).toEqual({
      grant_type: "client_credentials", client_id: "app", client_secret: "s3cret", scope: "https://graph.microsoft.com/.default",
    });
  });

  it("clientCredentials: reports the identity platform's error", async () => {
    const fetch = (async () => new Response(JSON.stringify({ error: "invalid_client", error_description: "AADSTS7000215: Invalid client secret" }), { status: 401 })) as unknown as typeof globalThis.fetch;
    await expect(clientCredentials({ authority: "https://login.example/t", clientId: "a", clientSecret: "b", fetch }).getToken())
      .rejects.toThrow(/answered 401: invalid_client: AADSTS7000215/);
  });
});
