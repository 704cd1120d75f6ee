import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { randomUUID } from "node:crypto";
import {
  createLocalJWKSet, decodeJwt, decodeProtectedHeader, jwtVerify,
} from "jose";
import { startTestServer, type TestResponse, type TestServer } from "../support/harness.js";
import { expectGraphError, GUID } from "../support/graph-assertions.js";
import { loadSigningKey, type SigningKey } from "../../src/auth/index.js";
import {
  DEMO_APP_DELEGATED_SCOPES, DEMO_APP_ROLES, DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, DEMO_TENANT_ID, DEMO_USER_PASSWORD, DEMO_USERS,
} from "../../src/server/index.js";

// The identity endpoints that mint tokens: OpenID discovery, keys, and the v2.0 token endpoint.

// Tokens minted offline (the harness, `graphcal token`) carry the default issuer origin.
const ISSUER = `https://login.graphcal.local/${DEMO_TENANT_ID}/v2.0`;

describe("identity", () => {
  let t: TestServer;
  let key: SigningKey;
  beforeAll(async () => {
    // The discovery test names its own host, which a server trusts only when listed (ALLOWED_HOSTS).
    t = await startTestServer({ env: { ALLOWED_HOSTS: "graphcal.test" } });
    key = await loadSigningKey(t.server.store);
  });
  afterAll(async () => t.close());

  describe("identity endpoints", () => {
    const form = (fields: Record<string, string>, headers: Record<string, string> = {}) => ({
      payload: new URLSearchParams(fields).toString(),
      headers: { "content-type": "application/x-www-form-urlencoded", ...headers },
    });

    /**
     * Entra's error shape: the AADSTS number leads the description and is repeated in
     * error_codes; the timestamp ("YYYY-MM-DD HH:MM:SSZ") is the server clock's, and the ids are
     * the response's correlation headers.
     */
    function expectOAuthError(res: TestResponse, status: number, error: string, description: RegExp): void {
      expect(res.status, res.text).toBe(status);
      const aadsts = /^AADSTS(\d+): /.exec(String(res.body.error_description));
      expect(aadsts, res.text).not.toBeNull();
      expect(res.body).toEqual({
        error, error_description: expect.stringMatching(description), error_codes: [Number(aadsts?.[1])],
        timestamp: expect.stringMatching(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}Z$/),
        trace_id: res.headers["request-id"], correlation_id: res.headers["client-request-id"],
      });
      expect(Date.parse(res.body.timestamp.replace(" ", "T"))).toBe(Math.floor(t.clock.now().getTime() / 1000) * 1000);
      expect(res.headers["content-type"]).toBe("application/json; charset=utf-8");
      expect(res.headers["cache-control"]).toBe("no-store");
      expect(res.body).not.toHaveProperty("access_token");
    }

    it("openid-configuration: points at this server's token and key endpoints", async () => {
      const res = await t.request("GET", "/contoso/v2.0/.well-known/openid-configuration", { headers: { host: "graphcal.test:8080" } });
      expect(res.status).toBe(200);
      expect(res.headers["content-type"]).toBe("application/json; charset=utf-8");
      expect(res.body).toMatchObject({
        // With no ISSUER_ORIGIN configured, the issuer is the origin the server was reached at.
        issuer: "http://graphcal.test:8080/{tenantid}/v2.0",
        token_endpoint: "http://graphcal.test:8080/contoso/oauth2/v2.0/token",
        jwks_uri: "http://graphcal.test:8080/contoso/discovery/v2.0/keys",
        id_token_signing_alg_values_supported: ["RS256"],
        grant_types_supported: expect.arrayContaining(["client_credentials", "password"]),
      });
    });

    it("discovery keys: publishes the public signing key only, which verifies issued tokens", async () => {
      const res = await t.request("GET", "/contoso/discovery/v2.0/keys");
      expect(res.status).toBe(200);
      expect(res.body.keys).toHaveLength(1);
      const [jwk] = res.body.keys;
      expect(jwk).toMatchObject({ kty: "RSA", use: "sig", alg: "RS256", kid: key.kid, e: expect.any(String), n: expect.any(String) });
      for (const secret of ["d", "p", "q", "dp", "dq", "qi"]) expect(jwk).not.toHaveProperty(secret);

      const mailbox = await t.newMailbox();
      const token = await t.userToken(mailbox);
      expect(decodeProtectedHeader(token).kid).toBe(jwk.kid);
      const { payload } = await jwtVerify(token, createLocalJWKSet(res.body), { currentDate: t.clock.now() });
      expect(payload).toMatchObject({ oid: mailbox.id, tid: DEMO_TENANT_ID, iss: ISSUER });
    });

    it("token (client_credentials): the demo app's secret yields an app token that works on /users/{id}", async () => {
      const res = await t.request("POST", "/contoso/oauth2/v2.0/token", form({
        grant_type: "client_credentials", client_id: DEMO_CLIENT_ID, client_secret: DEMO_CLIENT_SECRET, scope: "https://graph.microsoft.com/.default",
      }));
      expect(res.status).toBe(200);
      expect(res.headers["cache-control"]).toBe("no-store");
      expect(res.body).toEqual({ token_type: "Bearer", expires_in: 3600, ext_expires_in: 3600, access_token: expect.any(String) });
      const claims = decodeJwt(res.body.access_token);
      expect(claims).toMatchObject({ tid: DEMO_TENANT_ID, roles: DEMO_APP_ROLES, appid: DEMO_CLIENT_ID, idtyp: "app", aud: "https://graph.microsoft.com" });
      expect(claims).not.toHaveProperty("scp");

      const token = res.body.access_token as string;
      const list = await t.request("GET", "/v1.0/users/samanthab@contoso.com/calendars", { token });
      expect(list.status).toBe(200);
      expect(list.body.value.map((c: { name: string }) => c.name)).toEqual(["Calendar", "Birthdays"]);
      expect((await t.request("GET", "/v1.0/users", { token })).status).toBe(200);
      expectGraphError(await t.request("GET", "/v1.0/me/calendars", { token }), 400, "BadRequest");
    });

    it("token (client_credentials): client_secret_basic works too", async () => {
      const basic = Buffer.from(`${DEMO_CLIENT_ID}:${DEMO_CLIENT_SECRET}`).toString("base64");
      const res = await t.request("POST", "/contoso/oauth2/v2.0/token", form({ grant_type: "client_credentials" }, { authorization: `Basic ${basic}` }));
      expect(res.status, res.text).toBe(200);
      expect((await t.request("GET", `/v1.0/users/${DEMO_USERS[1].id}/calendarGroups`, { token: res.body.access_token })).status).toBe(200);
    });

    it("token (client_credentials): a bad secret, an unknown client or no client id are OAuth errors", async () => {
      expectOAuthError(await t.request("POST", "/contoso/oauth2/v2.0/token", form({ grant_type: "client_credentials", client_id: DEMO_CLIENT_ID, client_secret: "wrong" })),
        401, "invalid_client", /^AADSTS7000215/);
      expectOAuthError(await t.request("POST", "/contoso/oauth2/v2.0/token", form({ grant_type: "client_credentials", client_id: DEMO_CLIENT_ID })),
        401, "invalid_client", /Invalid client secret/);
      expectOAuthError(await t.request("POST", "/contoso/oauth2/v2.0/token", form({ grant_type: "client_credentials", client_id: randomUUID(), client_secret: DEMO_CLIENT_SECRET })),
        400, "unauthorized_client", /^AADSTS700016/);
      expectOAuthError(await t.request("POST", "/contoso/oauth2/v2.0/token", form({ grant_type: "client_credentials", client_secret: DEMO_CLIENT_SECRET })),
        400, "invalid_request", /client_id/);
    });

    it("token (password): a demo user's password yields a delegated token for /me", async () => {
      const res = await t.request("POST", "/contoso/oauth2/v2.0/token", form({
        grant_type: "password", client_id: DEMO_CLIENT_ID, username: "samanthab@contoso.com", password: DEMO_USER_PASSWORD,
        scope: "https://graph.microsoft.com/Calendars.ReadWrite openid profile offline_access",
      }));
      expect(res.status, res.text).toBe(200);
      expect(res.body).toEqual({ token_type: "Bearer", scope: "Calendars.ReadWrite", expires_in: 3600, ext_expires_in: 3600, access_token: expect.any(String) });
      const token = res.body.access_token as string;
      expect(decodeJwt(token)).toMatchObject({ oid: DEMO_USERS[0].id, tid: DEMO_TENANT_ID, scp: "Calendars.ReadWrite", upn: "samanthab@contoso.com" });

      const list = await t.request("GET", "/v1.0/me/calendars", { token });
      expect(list.status).toBe(200);
      expect(list.body.value[0].owner).toEqual({ name: "Samantha Booth", address: "samanthab@contoso.com" });
      // Another user's mailbox stays closed to Samantha's delegated token.
      expectGraphError(await t.request("GET", `/v1.0/users/${DEMO_USERS[1].userPrincipalName}/calendars`, { token }), 403, "ErrorAccessDenied");
    });

    it("token (password): the granted scopes limit what the token can do; .default grants all the app is consented to", async () => {
      const readOnly = await t.request("POST", "/contoso/oauth2/v2.0/token", form({
        grant_type: "password", client_id: DEMO_CLIENT_ID, username: "AdeleV@Contoso.com", password: DEMO_USER_PASSWORD, scope: "Calendars.Read",
      }));
      expect(readOnly.body.scope).toBe("Calendars.Read");
      const token = readOnly.body.access_token as string;
      expect((await t.request("GET", "/v1.0/me/calendars", { token })).status).toBe(200);
      expectGraphError(await t.request("POST", "/v1.0/me/calendars", { token, body: { name: "Nope" } }), 403, "ErrorAccessDenied");
      expectGraphError(await t.request("GET", "/v1.0/me", { token }), 403, "ErrorAccessDenied");

      const all = await t.request("POST", "/contoso/oauth2/v2.0/token", form({
        grant_type: "password", client_id: DEMO_CLIENT_ID, username: "meganb@contoso.com", password: DEMO_USER_PASSWORD,
        scope: "https://graph.microsoft.com/.default openid profile",
      }));
      expect(all.body.scope).toBe(DEMO_APP_DELEGATED_SCOPES.join(" "));
      expect(decodeJwt(all.body.access_token).scp).toBe(DEMO_APP_DELEGATED_SCOPES.join(" "));
      expect((await t.request("GET", "/v1.0/me", { token: all.body.access_token })).body.userPrincipalName).toBe("meganb@contoso.com");
    });

    it("token (password): a wrong password or unknown user is invalid_grant; no token is issued", async () => {
      for (const fields of [
        { username: "samanthab@contoso.com", password: "wrong" },
        { username: "samanthab@contoso.com", password: "" },
        { username: "nobody@contoso.com", password: DEMO_USER_PASSWORD },
      ]) {
        expectOAuthError(await t.request("POST", "/contoso/oauth2/v2.0/token", form({ grant_type: "password", client_id: DEMO_CLIENT_ID, ...fields })), 400, "invalid_grant", /^AADSTS50126/);
      }
      // A user provisioned without a password cannot sign in either.
      const mailbox = await t.newMailbox();
      expectOAuthError(await t.request("POST", "/contoso/oauth2/v2.0/token", form({ grant_type: "password", client_id: DEMO_CLIENT_ID, username: mailbox.userPrincipalName, password: "" })),
        400, "invalid_grant", /AADSTS50126/);
    });

    it("token: unsupported grant types and non-form bodies are OAuth errors", async () => {
      expectOAuthError(await t.request("POST", "/contoso/oauth2/v2.0/token", form({ grant_type: "authorization_code", code: "x" })),
        400, "unsupported_grant_type", /AADSTS70003/);
      expectOAuthError(await t.request("POST", "/contoso/oauth2/v2.0/token", form({})), 400, "unsupported_grant_type", /AADSTS70003/);
      expectOAuthError(await t.request("POST", "/contoso/oauth2/v2.0/token", { payload: "grant_type=client_credentials", headers: { "content-type": "text/plain" } }),
        400, "invalid_request", /x-www-form-urlencoded/);
    });

    it("token: an OAuth error names the client's client-request-id as its correlation_id", async () => {
      const clientRequestId = randomUUID();
      const res = await t.request("POST", "/contoso/oauth2/v2.0/token", form({ grant_type: "client_credentials", client_id: DEMO_CLIENT_ID, client_secret: "wrong" }, { "client-request-id": clientRequestId }));
      expectOAuthError(res, 401, "invalid_client", /^AADSTS7000215: Invalid client secret provided\.$/);
      expect(res.body.error_codes).toEqual([7000215]);
      expect(res.body.correlation_id).toBe(clientRequestId);
      expect(res.body.trace_id).not.toBe(clientRequestId);
    });

    it("token: each issued token is unique (uti) and identifies its tenant", async () => {
      const fields = { grant_type: "client_credentials", client_id: DEMO_CLIENT_ID, client_secret: DEMO_CLIENT_SECRET };
      const a = decodeJwt((await t.request("POST", "/contoso/oauth2/v2.0/token", form(fields))).body.access_token);
      const b = decodeJwt((await t.request("POST", "/contoso/oauth2/v2.0/token", form(fields))).body.access_token);
      expect(a.uti).toMatch(GUID);
      expect(a.uti).not.toBe(b.uti);
      // The token endpoint names the origin it was reached at; offline tokens use the default.
      expect(a.iss).toBe(`http://localhost:80/${DEMO_TENANT_ID}/v2.0`);
      const res = await t.request("GET", "/v1.0/users/samanthab@contoso.com/calendars", { token: (await t.request("POST", "/contoso/oauth2/v2.0/token", form(fields))).body.access_token });
      expect(res.status).toBe(200);
    });

    it("token: with ISSUER_ORIGIN configured only that issuer is accepted", async () => {
      const fixed = await startTestServer({ env: { ISSUER_ORIGIN: "https://sts.example.test" } });
      try {
        const fields = { grant_type: "client_credentials", client_id: DEMO_CLIENT_ID, client_secret: DEMO_CLIENT_SECRET };
        const token = (await fixed.request("POST", "/contoso/oauth2/v2.0/token", form(fields))).body.access_token;
        expect(decodeJwt(token).iss).toBe(`https://sts.example.test/${DEMO_TENANT_ID}/v2.0`);
        expect((await fixed.request("GET", "/contoso/v2.0/.well-known/openid-configuration")).body.issuer).toBe("https://sts.example.test/{tenantid}/v2.0");
        expect((await fixed.request("GET", "/v1.0/users/samanthab@contoso.com/calendars", { token })).status).toBe(200);
        // A token this key signed with another origin is not this server's any more.
        expect((await fixed.request("GET", "/v1.0/users/samanthab@contoso.com/calendars", { token: await t.appToken() })).status).toBe(401);
      } finally {
        await fixed.close();
      }
    });
  });
});
