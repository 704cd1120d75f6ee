import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { randomUUID } from "node:crypto";
import {
  decodeJwt, generateKeyPair, SignJWT, type CryptoKey, type JWTPayload,
} from "jose";
import { startTestServer, type TestResponse, type TestServer } from "../support/harness.js";
import { expectGraphError } from "../support/graph-assertions.js";
import { APP_ROLES, DELEGATED_SCOPES, shareRoleFor } from "../support/scopes.js";
import { loadSigningKey, type SigningKey } from "../../src/auth/index.js";
import {
  DEMO_CLIENT_ID, DEMO_TENANT_ID, DEMO_USERS,
} from "../../src/server/index.js";
import type { Mailbox } from "../../src/domain/index.js";

// Bearer tokens and the permission matrix (spec §3); the token endpoint is in identity.test.ts.

const ISSUER = `https://login.graphcal.local/${DEMO_TENANT_ID}/v2.0`;

describe("auth", () => {
  let t: TestServer;
  let key: SigningKey;
  beforeAll(async () => {
    t = await startTestServer();
    key = await loadSigningKey(t.server.store);
  });
  afterAll(async () => t.close());

  /** Signs arbitrary claims with the server's own key (or another), defaults making a valid delegated token. */
  async function sign(mailbox: Mailbox, overrides: JWTPayload = {}, options: { key?: CryptoKey; kid?: string } = {}): Promise<string> {
    const now = Math.floor(t.clock.now().getTime() / 1000);
    const claims: JWTPayload = {
      iss: ISSUER, aud: "https://graph.microsoft.com", iat: now, nbf: now, exp: now + 3600,
      oid: mailbox.id, tid: DEMO_TENANT_ID, scp: "Calendars.ReadWrite", azp: DEMO_CLIENT_ID, ...overrides,
    };
    for (const [k, v] of Object.entries(claims)) if (v === undefined) delete claims[k];
    return new SignJWT(claims)
      .setProtectedHeader({ alg: "RS256", typ: "JWT", kid: options.kid ?? key.kid })
      .sign(options.key ?? key.privateKey);
  }

  describe("permission matrix", () => {
    interface Target { mailbox: Mailbox; path: string; defaultId: string }
    interface Op {
      name: string;
      write: boolean;
      ok: number;
      /**
       * Whether a share of the default calendar opens it (ADR 0011): reading that calendar does;
       * groups, calendars/delta and calendar writes are the whole mailbox's, which no share opens.
       */
      viaShare?: boolean;
      /** Runs before the snapshot; its result reaches send (a calendar to delete). */
      prepare?(target: Target): Promise<string>;
      send(target: Target, token: string, prepared?: string): Promise<TestResponse>;
    }

    // Every calendar operation of spec §3.3, addressed at `target.path` (`me` or `users/{id}`).
    const OPS: Op[] = [
      { name: "list calendars", write: false, ok: 200, viaShare: true, send: (x, token) => t.request("GET", `/v1.0/${x.path}/calendars`, { token }) },
      { name: "get calendar", write: false, ok: 200, viaShare: true, send: (x, token) => t.request("GET", `/v1.0/${x.path}/calendars/${x.defaultId}`, { token }) },
      { name: "list calendarGroups", write: false, ok: 200, send: (x, token) => t.request("GET", `/v1.0/${x.path}/calendarGroups`, { token }) },
      { name: "calendars delta", write: false, ok: 200, send: (x, token) => t.request("GET", `/beta/${x.path}/calendars/delta`, { token }) },
      { name: "create calendar", write: true, ok: 201, send: (x, token) => t.request("POST", `/v1.0/${x.path}/calendars`, { token, body: { name: `New ${randomUUID()}` } }) },
      { name: "update calendar", write: true, ok: 200, send: (x, token) => t.request("PATCH", `/v1.0/${x.path}/calendar`, { token, body: { color: "lightRed" } }) },
      {
        name: "delete calendar", write: true, ok: 204,
        prepare: async (x) => (await t.server.services.calendars.create({ mailbox: x.mailbox, body: { name: "Doomed" }, apiVersion: "v1.0" })).id,
        send: (x, token, doomedId) => t.request("DELETE", `/v1.0/${x.path}/calendars/${doomedId}`, { token }),
      },
    ];

    async function targetOf(mailbox: Mailbox, path: string): Promise<Target> {
      const calendar = await t.server.services.calendars.get({ mailbox, target: { defaultCalendar: true } });
      return { mailbox, path, defaultId: calendar.id };
    }

    const snapshot = async (mailbox: Mailbox) =>
      (await t.server.services.calendars.list({ mailbox, offset: 0, limit: 100 })).calendars;

    /** Runs the op; checks the status and that a denied write changed nothing. */
    async function check(op: Op, target: Target, token: string, allowed: boolean): Promise<void> {
      const prepared = await op.prepare?.(target);
      const before = await snapshot(target.mailbox);
      const res = await op.send(target, token, prepared);
      if (allowed) {
        expect(res.status, res.text).toBe(op.ok);
        if (op.write) expect(await snapshot(target.mailbox)).not.toEqual(before);
        return;
      }
      expectGraphError(res, 403, "ErrorAccessDenied", "Access is denied. Check credentials and try again.");
      expect(await snapshot(target.mailbox)).toEqual(before);
    }

    for (const op of OPS) {
      for (const d of DELEGATED_SCOPES) {
        const allowed = op.write ? d.own.write : d.own.read;
        it(`${op.name}: delegated ${d.scope} on the own mailbox (/me) → ${allowed ? op.ok : 403}`, async () => {
          const mailbox = await t.newMailbox();
          await check(op, await targetOf(mailbox, "me"), await t.userToken(mailbox, [d.scope]), allowed);
        });
        it(`${op.name}: delegated ${d.scope} on the own mailbox (/users/{upn}) → ${allowed ? op.ok : 403}`, async () => {
          const mailbox = await t.newMailbox();
          await check(op, await targetOf(mailbox, `users/${mailbox.userPrincipalName}`), await t.userToken(mailbox, [d.scope]), allowed);
        });
        it(`${op.name}: delegated ${d.scope} on another user's mailbox (not shared) → 403`, async () => {
          const me = await t.newMailbox();
          const other = await t.newMailbox();
          await check(op, await targetOf(other, `users/${other.id}`), await t.userToken(me, [d.scope]), false);
        });
        const role = shareRoleFor(op.write);
        const sharedAllowed = op.viaShare === true && (op.write ? d.shared.write : d.shared.read);
        it(`${op.name}: delegated ${d.scope} on another user's mailbox shared as '${role}' → ${sharedAllowed ? op.ok : 403}`, async () => {
          const me = await t.newMailbox();
          const other = await t.newMailbox();
          await t.server.services.permissions.create({
            mailbox: other, target: { defaultCalendar: true }, body: { emailAddress: { address: me.userPrincipalName }, role },
          });
          await check(op, await targetOf(other, `users/${other.id}`), await t.userToken(me, [d.scope]), sharedAllowed);
        });
      }
      for (const a of APP_ROLES) {
        const allowed = op.write ? a.any.write : a.any.read;
        it(`${op.name}: application ${a.role} on any mailbox of the tenant → ${allowed ? op.ok : 403}`, async () => {
          const mailbox = await t.newMailbox();
          await check(op, await targetOf(mailbox, `users/${mailbox.id}`), await t.appToken([a.role]), allowed);
        });
      }
    }

    it("list calendars: an app token reaches every demo mailbox of its tenant", async () => {
      const token = await t.appToken(["Calendars.Read"]);
      for (const user of DEMO_USERS) {
        const res = await t.request("GET", `/v1.0/users/${user.userPrincipalName}/calendars`, { token });
        expect(res.status).toBe(200);
        expect(res.body.value[0].owner).toEqual({ name: user.displayName, address: user.userPrincipalName });
      }
    });

    it("list calendars: an app of another tenant cannot see this tenant's mailboxes (404, as if absent)", async () => {
      const clientId = randomUUID();
      await t.server.store.transaction((tx) => tx.putApp({
        clientId, tenantId: randomUUID(), displayName: "fabrikam app", secretHash: "scrypt$x$y", roles: ["Calendars.ReadWrite"], delegatedScopes: [],
      }));
      const token = await t.appToken(["Calendars.ReadWrite"], clientId);
      expectGraphError(await t.request("GET", "/v1.0/users/samanthab@contoso.com/calendars", { token }), 404, "ErrorInvalidUser");
      expectGraphError(await t.request("POST", `/v1.0/users/${DEMO_USERS[0].id}/calendars`, { token, body: { name: "Intrusion" } }), 404, "ErrorInvalidUser");
    });

    it("get user: /me with an app-only token is 400 BadRequest", async () => {
      const token = await t.appToken();
      for (const url of ["/v1.0/me", "/v1.0/me/calendars", "/beta/me/calendar", "/beta/me/calendars/delta", "/v1.0/me/calendarGroups"]) {
        expectGraphError(await t.request("GET", url, { token }), 400, "BadRequest", "/me request is only valid with delegated authentication flow.");
      }
      expectGraphError(await t.request("POST", "/v1.0/me/calendars", { token, body: { name: "x" } }), 400, "BadRequest");
    });

    it("admin resetSync: needs an app token with Graphcal.Admin", async () => {
      const mailbox = await t.newMailbox();
      const url = `/_graphcal/mailboxes/${mailbox.id}/resetSync`;
      expectGraphError(await t.request("POST", url, { token: await t.userToken(mailbox) }), 403, "ErrorAccessDenied");
      expectGraphError(await t.request("POST", url, { token: await t.appToken(["Calendars.ReadWrite"]) }), 403, "ErrorAccessDenied");
      expect((await t.request("POST", url, { token: await t.appToken(["Graphcal.Admin"]) })).status).toBe(204);
    });
  });

  describe("invalid tokens", () => {
    function expect401(res: TestResponse, message?: string | RegExp): void {
      expectGraphError(res, 401, "InvalidAuthenticationToken", message);
      expect(res.headers["www-authenticate"]).toMatch(/^Bearer /);
      expect(res.headers["www-authenticate"]).toContain('authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize"');
    }

    it("authenticate: a missing or empty Authorization header is 401 'Access token is empty.'", async () => {
      expect401(await t.request("GET", "/v1.0/me/calendars"), "Access token is empty.");
      for (const authorization of ["", "Bearer", "Bearer   ", "Basic dXNlcjpwYXNz", "token abc"]) {
        expect401(await t.request("GET", "/v1.0/me/calendars", { headers: { authorization } }), "Access token is empty.");
      }
    });

    it("authenticate: garbage tokens are 401", async () => {
      for (const token of ["garbage", "a.b.c", "eyJhbGciOiJub25lIn0.eyJ0aWQiOiJ4In0.", "x".repeat(5000)]) {
        expect401(await t.request("GET", "/v1.0/me/calendars", { token }));
      }
    });

    it("authenticate: the Bearer scheme is case-insensitive", async () => {
      const mailbox = await t.newMailbox();
      const token = await t.userToken(mailbox);
      expect((await t.request("GET", "/v1.0/me/calendars", { headers: { authorization: `bearer ${token}` } })).status).toBe(200);
    });

    it("authenticate: an expired token is 401 once the clock passes exp (plus the 60 s skew)", async () => {
      const mailbox = await t.newMailbox();
      const token = await t.userToken(mailbox);
      const exp = decodeJwt(token).exp as number;
      const start = t.clock.now();
      try {
        expect((await t.request("GET", "/v1.0/me/calendars", { token })).status).toBe(200);
        t.clock.set(exp * 1000 + 30_000); // inside the skew: still fine
        expect((await t.request("GET", "/v1.0/me/calendars", { token })).status).toBe(200);
        t.clock.set(exp * 1000 + 61_000);
        expect401(await t.request("GET", "/v1.0/me/calendars", { token }), "Lifetime validation failed, the token is expired.");
      } finally {
        t.clock.set(start);
      }
      // Valid again when the clock goes back (the verifier keeps no stale verdict).
      expect((await t.request("GET", "/v1.0/me/calendars", { token })).status).toBe(200);
    });

    it("authenticate: a token not yet valid (nbf beyond the skew) is 401", async () => {
      const mailbox = await t.newMailbox();
      const now = Math.floor(t.clock.now().getTime() / 1000);
      expect401(await t.request("GET", "/v1.0/me/calendars", { token: await sign(mailbox, { nbf: now + 600, iat: now + 600 }) }));
      expect((await t.request("GET", "/v1.0/me/calendars", { token: await sign(mailbox, { nbf: now + 30 }) })).status).toBe(200);
    });

    it("authenticate: Graph's audiences are accepted, others are 401", async () => {
      const mailbox = await t.newMailbox();
      for (const aud of ["https://graph.microsoft.com", "00000003-0000-0000-c000-000000000000"]) {
        expect((await t.request("GET", "/v1.0/me/calendars", { token: await sign(mailbox, { aud }) })).status, aud).toBe(200);
      }
      for (const aud of ["api://someone-else", "https://graph.microsoft.com/", "https://outlook.office.com"]) {
        expect401(await t.request("GET", "/v1.0/me/calendars", { token: await sign(mailbox, { aud }) }));
      }
      const minted = await t.server.issuer.mintDelegated({ mailbox, scopes: ["Calendars.Read"], clientId: DEMO_CLIENT_ID, audience: "api://other" });
      expect401(await t.request("GET", "/v1.0/me/calendars", { token: minted.token }));
    });

    it("authenticate: a token signed with another key is 401, even under our key id", async () => {
      const mailbox = await t.newMailbox();
      const { privateKey } = await generateKeyPair("RS256");
      expect401(await t.request("GET", "/v1.0/me/calendars", { token: await sign(mailbox, {}, { key: privateKey }) }),
        "Access token validation failure. Invalid audience, issuer or signature.");
      expect401(await t.request("GET", "/v1.0/me/calendars", { token: await sign(mailbox, {}, { key: privateKey, kid: "other" }) }));
      // A valid token with one character of its signature changed.
      const good = await t.userToken(mailbox);
      const last = good.at(-2) === "A" ? "B" : "A";
      expect401(await t.request("GET", "/v1.0/me/calendars", { token: `${good.slice(0, -2)}${last}${good.at(-1)}` }));
    });

    it("authenticate: a token with a tampered payload is 401", async () => {
      const mailbox = await t.newMailbox();
      const victim = await t.newMailbox();
      const [header, , signature] = (await t.userToken(mailbox)).split(".");
      const forged = Buffer.from(JSON.stringify({ ...decodeJwt(await t.userToken(mailbox)), oid: victim.id })).toString("base64url");
      expect401(await t.request("GET", "/v1.0/me/calendars", { token: `${header}.${forged}.${signature}` }));
    });

    it("authenticate: the wrong issuer, a missing tid, or neither scp nor roles is 401", async () => {
      const mailbox = await t.newMailbox();
      for (const overrides of [
        { iss: "https://login.microsoftonline.com/x/v2.0" }, { iss: `https://login.graphcal.local/${randomUUID()}/v2.0` },
        { tid: undefined }, { scp: undefined }, { exp: undefined },
      ] as JWTPayload[]) {
        expect401(await t.request("GET", "/v1.0/me/calendars", { token: await sign(mailbox, overrides) }));
      }
    });

    it("authenticate: a token for a user that does not exist reaches nothing", async () => {
      const ghost = { ...(await t.newMailbox()), id: randomUUID() };
      expectGraphError(await t.request("GET", "/v1.0/me/calendars", { token: await sign(ghost) }), 404, "ErrorInvalidUser");
    });

    it("authenticate: errors are 401 on every version and resource, and nothing is written", async () => {
      const mailbox = await t.newMailbox();
      const before = await t.server.services.calendars.list({ mailbox, offset: 0, limit: 100 });
      expect401(await t.request("POST", `/beta/users/${mailbox.id}/calendars`, { body: { name: "Anon" } }));
      expect401(await t.request("DELETE", `/v1.0/users/${mailbox.id}/calendars/${before.calendars[1]?.id}`, { token: "nope" }));
      expect401(await t.request("GET", "/v1.0/users"));
      expect(await t.server.services.calendars.list({ mailbox, offset: 0, limit: 100 })).toEqual(before);
    });
  });

});
