import { describe, expect, it } from "vitest";
import { randomUUID } from "node:crypto";
import { Writable } from "node:stream";
import { generateKeyPair, SignJWT, type CryptoKey, type JWTPayload } from "jose";
import { useTestServer, type TestResponse } from "../support/harness.js";
import { expectGraphError } from "../support/graph-assertions.js";
import { loadSigningKey, MAX_ACCESS_TOKEN_CHARS, type AuthFailureReason } from "../../src/auth/index.js";
import { DEMO_CLIENT_ID, DEMO_TENANT_ID } from "../../src/server/index.js";
import type { Mailbox } from "../../src/domain/index.js";

// Every 401 says why (issue 14): in the server log, at info through the request's logger, and
// in the answer's `WWW-Authenticate` challenge (RFC 6750 §3: `error="invalid_token"` and a
// description; a request without any token gets Graph's plain challenge). The body stays Graph's.

const GRAPH_CHALLENGE = 'Bearer realm="", authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize", client_id="00000003-0000-0000-c000-000000000000"';

/** The server's pino lines, parsed as they arrive. */
class LogLines extends Writable {
  readonly lines: Record<string, unknown>[] = [];
  override _write(chunk: Buffer, _encoding: string, done: () => void): void {
    for (const line of chunk.toString().split("\n")) if (line.trim()) this.lines.push(JSON.parse(line) as Record<string, unknown>);
    done();
  }
}

describe("auth: why a token was refused", () => {
  const logs = new LogLines();
  const t = useTestServer({ logs });

  async function sign(mailbox: Mailbox, overrides: JWTPayload = {}, key?: CryptoKey): Promise<string> {
    const own = await loadSigningKey(t.server.store);
    const now = Math.floor(t.clock.now().getTime() / 1000);
    const claims: JWTPayload = {
      iss: `https://login.graphcal.local/${DEMO_TENANT_ID}/v2.0`, aud: "https://graph.microsoft.com", iat: now, nbf: now, exp: now + 3600,
      oid: mailbox.id, tid: DEMO_TENANT_ID, scp: "Calendars.ReadWrite", azp: DEMO_CLIENT_ID, ...overrides,
    };
    for (const [k, v] of Object.entries(claims)) if (v === undefined) delete claims[k];
    return new SignJWT(claims).setProtectedHeader({ alg: "RS256", typ: "JWT", kid: own.kid }).sign(key ?? own.privateKey);
  }

  /** A 401 with Graph's body, the reason in the challenge, and one info line in the log naming the request. */
  function expectRefused(res: TestResponse, reason: AuthFailureReason): void {
    expectGraphError(res, 401, "InvalidAuthenticationToken");
    const challenge = String(res.headers["www-authenticate"]);
    if (reason === "missing") {
      expect(challenge).toBe(GRAPH_CHALLENGE);
    } else {
      expect(challenge.startsWith(`${GRAPH_CHALLENGE}, error="invalid_token", error_description="${reason}: `), challenge).toBe(true);
      expect(challenge.endsWith(`${res.body.error.message.replace(/"/g, "'")}"`), challenge).toBe(true);
    }
    const logged = logs.lines.filter((l) => l.reqId === res.headers["request-id"] && l.authFailure !== undefined);
    expect(logged, `log lines of ${res.headers["request-id"]}`).toHaveLength(1);
    expect(logged[0]).toMatchObject({ level: 30, authFailure: reason, detail: res.body.error.message, msg: `access token refused: ${reason}` });
  }

  it("authenticate: no token at all is the plain challenge, logged as missing", async () => {
    expectRefused(await t.request("GET", "/v1.0/me/calendars"), "missing");
    expectRefused(await t.request("GET", "/v1.0/me/calendars", { headers: { authorization: "Basic dXNlcjpwYXNz" } }), "missing");
  });

  it("authenticate: a token that does not parse is malformed, with Graph's CompactToken message", async () => {
    for (const token of ["garbage", "a.b.c", "x".repeat(5000)]) {
      const res = await t.request("GET", "/v1.0/me/calendars", { token });
      expectRefused(res, "malformed");
      expect(res.body.error.message).toBe("CompactToken parsing failed with error code: 80049217");
    }
  });

  it("authenticate: expired, not yet valid, bad signature, wrong audience, unknown issuer, wrong tenant and bad claims each say so", async () => {
    const mailbox = await t.newMailbox();
    const now = Math.floor(t.clock.now().getTime() / 1000);
    const { privateKey: otherKey } = await generateKeyPair("RS256");
    const cases: [AuthFailureReason, Promise<string>][] = [
      ["expired", sign(mailbox, { iat: now - 7200, nbf: now - 7200, exp: now - 3600 })],
      ["notYetValid", sign(mailbox, { nbf: now + 600, iat: now + 600, exp: now + 4200 })],
      ["badSignature", sign(mailbox, {}, otherKey)],
      ["wrongAudience", sign(mailbox, { aud: "api://someone-else" })],
      ["unknownIssuer", sign(mailbox, { iss: "https://login.microsoftonline.com/common" })],
      ["wrongTenant", sign(mailbox, { iss: `https://login.graphcal.local/${randomUUID()}/v2.0` })],
      ["badClaims", sign(mailbox, { scp: undefined })],
      ["badClaims", sign(mailbox, { exp: undefined })],
    ];
    for (const [reason, token] of cases) expectRefused(await t.request("GET", "/v1.0/me/calendars", { token: await token }), reason);
  });

  it("authenticate: a token over 16 kB is refused before it is verified, even when its signature is good", async () => {
    const mailbox = await t.newMailbox();
    const big = await sign(mailbox, { padding: "p".repeat(MAX_ACCESS_TOKEN_CHARS) });
    expect(big.length).toBeGreaterThan(MAX_ACCESS_TOKEN_CHARS);
    const res = await t.request("GET", "/v1.0/me/calendars", { token: big });
    expectRefused(res, "tooLarge");
    expect(res.body.error.message).toBe(`Access token is larger than ${MAX_ACCESS_TOKEN_CHARS} characters.`);
    // Just under the limit is fine: the limit is the token's size, nothing else.
    const fits = await sign(mailbox, { padding: "p".repeat(Math.floor((MAX_ACCESS_TOKEN_CHARS - 1200) * 0.75)) }); // base64url: 4 chars per 3 bytes
    expect(fits.length).toBeLessThanOrEqual(MAX_ACCESS_TOKEN_CHARS);
    expect((await t.request("GET", "/v1.0/me/calendars", { token: fits })).status).toBe(200);
  });

  it("authenticate: the admin controls' 401s say why too", async () => {
    expectRefused(await t.request("GET", "/_graphcal/clock"), "missing");
    expectRefused(await t.request("GET", "/_graphcal/clock", { token: "not-a-jwt" }), "malformed");
  });
});
