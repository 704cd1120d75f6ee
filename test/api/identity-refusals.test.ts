import { describe, expect, it } from "vitest";
import { randomUUID } from "node:crypto";
import { decodeJwt } from "jose";
import { useTestServer } from "../support/harness.js";
import { expectGraphError } from "../support/graph-assertions.js";
import { expectOAuthError, tokenForm } from "../support/oauth-assertions.js";
import { hashSecret } from "../../src/auth/index.js";
import {
  ADMIN_ROLE, DEMO_APP_DELEGATED_SCOPES, DEMO_APP_ROLES, DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, DEMO_TENANT_ID, DEMO_USER_PASSWORD, DEMO_USERS,
} from "../../src/server/index.js";

// The token endpoint refuses what Entra refuses (issue 14): tenants it does not know, requests
// without a client or from an unknown one, and scopes or roles the app is not consented to.

const USER = DEMO_USERS[0].userPrincipalName;
const password = (fields: Record<string, string> = {}) => tokenForm({
  grant_type: "password", client_id: DEMO_CLIENT_ID, username: USER, password: DEMO_USER_PASSWORD, ...fields,
});
const credentials = (fields: Record<string, string> = {}) => tokenForm({
  grant_type: "client_credentials", client_id: DEMO_CLIENT_ID, client_secret: DEMO_CLIENT_SECRET, scope: "https://graph.microsoft.com/.default", ...fields,
});

describe("identity: what the token endpoint refuses", () => {
  const t = useTestServer();
  const token = (tenant: string, form: ReturnType<typeof tokenForm>) => t.request("POST", `/${tenant}/oauth2/v2.0/token`, form);

  describe("tenants", () => {
    it("token: an unknown tenant is AADSTS90002 for either grant, however good the credentials", async () => {
      for (const tenant of ["fabrikam", "fabrikam.com", randomUUID()]) {
        for (const form of [password(), credentials()]) {
          expectOAuthError(t, await token(tenant, form), {
            status: 400, error: "invalid_request", aadsts: 90002,
            description: new RegExp(`^AADSTS90002: Tenant '${tenant}' not found\\. Check to make sure you have the correct tenant ID`),
          });
        }
      }
    });

    it("token: a tenant name that is not even a DNS name is AADSTS900023", async () => {
      expectOAuthError(t, await token("con%20toso", credentials()), {
        status: 400, error: "invalid_request", aadsts: 900023, description: /'con toso' is neither a valid DNS name/,
      });
    });

    it("token: the demo tenant answers to its id, its domain (any case), its short name, common and organizations", async () => {
      for (const tenant of [DEMO_TENANT_ID, "contoso.com", "Contoso.COM", "contoso", "common", "organizations"]) {
        const res = await token(tenant, password({ scope: "User.Read" }));
        expect(res.status, `${tenant}: ${res.text}`).toBe(200);
        expect(decodeJwt(res.body.access_token).tid).toBe(DEMO_TENANT_ID);
        expect((await token(tenant, credentials())).status, tenant).toBe(200);
      }
    });

    it("token: an app of another tenant is not found in this one (AADSTS700016 naming the directory asked for)", async () => {
      const tenantId = randomUUID();
      const clientId = randomUUID();
      const secret = "fabrikam-secret";
      await t.server.store.transaction(async (tx) => tx.putApp({
        clientId, tenantId, displayName: "fabrikam app", secretHash: await hashSecret(secret), roles: ["Calendars.Read"], delegatedScopes: ["User.Read"],
      }));
      expectOAuthError(t, await token("contoso", credentials({ client_id: clientId, client_secret: secret })), {
        status: 400, error: "unauthorized_client", aadsts: 700016, description: new RegExp(`'${clientId}' was not found in the directory 'contoso'`),
      });
      // In its own tenant it works, and its token is that tenant's.
      const res = await token(tenantId, credentials({ client_id: clientId, client_secret: secret }));
      expect(res.status, res.text).toBe(200);
      expect(decodeJwt(res.body.access_token)).toMatchObject({ tid: tenantId, roles: ["Calendars.Read"] });
      // Its app can sign no contoso user in, through common either.
      expectOAuthError(t, await token("common", password({ client_id: clientId, scope: "User.Read" })), { status: 400, error: "invalid_grant", aadsts: 50020 });
    });
  });

  describe("clients", () => {
    it("token (password): client_id is required (AADSTS900144)", async () => {
      const form = tokenForm({ grant_type: "password", username: USER, password: DEMO_USER_PASSWORD, scope: "User.Read" });
      expectOAuthError(t, await token("contoso", form), {
        status: 400, error: "invalid_request", aadsts: 900144, description: /must contain the following parameter: 'client_id'/,
      });
    });

    it("token (password): an unknown client is AADSTS700016, before any password is checked", async () => {
      const clientId = randomUUID();
      expectOAuthError(t, await token("contoso", password({ client_id: clientId })), {
        status: 400, error: "unauthorized_client", aadsts: 700016, description: new RegExp(`^AADSTS700016: Application with identifier '${clientId}'`),
      });
    });
  });

  describe("delegated scopes", () => {
    it("token (password): a Graph scope the app is not consented to is AADSTS65001", async () => {
      for (const scope of ["Calendars.ReadWrite.Shared", "Calendars.Read.Shared", "Directory.ReadWrite.All", "User.Read Mail.Read"]) {
        expectOAuthError(t, await token("contoso", password({ scope })), {
          status: 400, error: "invalid_grant", aadsts: 65001,
          description: new RegExp(`has not consented to use the application with ID '${DEMO_CLIENT_ID}' named 'graphcal demo app'`),
        });
      }
    });

    it("token (password): a scope that is no Graph permission is invalid_scope (AADSTS70011), Graphcal.Admin included", async () => {
      for (const scope of ["Graphcal.Admin", "https://graph.microsoft.com/Graphcal.Admin", "Calendars.Everything", "api://other/Calendars.Read", "User.Read Nope.Nope"]) {
        expectOAuthError(t, await token("contoso", password({ scope })), {
          status: 400, error: "invalid_scope", aadsts: 70011, description: /The provided value for the input parameter 'scope' is not valid\./,
        });
      }
    });

    it("token (password): 700 invented scopes get a short refusal, and 700 copies of one scope a short token", async () => {
      const invented = Array.from({ length: 700 }, (_, i) => `Invented.Scope${i}`).join(" ");
      const refused = await token("contoso", password({ scope: invented }));
      expectOAuthError(t, refused, { status: 400, error: "invalid_scope", aadsts: 70011 });
      expect(refused.text.length).toBeLessThan(1024);

      const res = await token("contoso", password({ scope: Array.from({ length: 700 }, () => "user.read").join(" ") }));
      expect(res.status, res.text).toBe(200);
      expect(res.body.scope).toBe("User.Read");
      expect(res.body.access_token.length).toBeLessThan(2048);
    });

    it("token (password): named scopes come back once each in Graph's spelling; .default cannot be mixed with them", async () => {
      const res = await token("contoso", password({ scope: "calendars.read https://graph.microsoft.com/User.Read Calendars.Read offline_access" }));
      expect(res.status, res.text).toBe(200);
      expect(res.body.scope).toBe("Calendars.Read User.Read");
      expectOAuthError(t, await token("contoso", password({ scope: "https://graph.microsoft.com/.default Calendars.Read" })), {
        status: 400, error: "invalid_scope", aadsts: 70011,
      });
      // Nothing but OIDC scopes is .default: everything the app is consented to.
      expect((await token("contoso", password({ scope: "openid profile" }))).body.scope).toBe(DEMO_APP_DELEGATED_SCOPES.join(" "));
    });
  });

  describe("application roles", () => {
    it("token (client_credentials): only {resource}/.default is a scope; the token carries the app's roles, never Graphcal.Admin for the demo app", async () => {
      for (const scope of ["Calendars.Read", "https://graph.microsoft.com/Graphcal.Admin"]) {
        expectOAuthError(t, await token("contoso", credentials({ scope })), {
          status: 400, error: "invalid_scope", aadsts: 1002012, description: /Client credential flows must have a scope value with \/\.default/,
        });
      }
      expectOAuthError(t, await token("contoso", credentials({ scope: "api://other/.default" })), { status: 400, error: "invalid_scope", aadsts: 70011 });
      const res = await token("contoso", credentials());
      expect(decodeJwt(res.body.access_token).roles).toEqual(DEMO_APP_ROLES);
      expectGraphError(await t.request("GET", "/_graphcal/clock", { token: res.body.access_token }), 403, "ErrorAccessDenied");
    });

    it("token (client_credentials): an app configured with Graphcal.Admin gets it and reaches the controls", async () => {
      const clientId = randomUUID();
      const secret = "admin-app-secret";
      await t.server.store.transaction(async (tx) => tx.putApp({
        clientId, tenantId: DEMO_TENANT_ID, displayName: "ops app", secretHash: await hashSecret(secret), roles: [ADMIN_ROLE],
      }));
      const res = await token("contoso", credentials({ client_id: clientId, client_secret: secret }));
      expect(res.status, res.text).toBe(200);
      expect(decodeJwt(res.body.access_token).roles).toEqual([ADMIN_ROLE]);
      expect((await t.request("GET", "/_graphcal/clock", { token: res.body.access_token })).status).toBe(200);
      // The same app has no delegated scopes: a user cannot sign in through it for any scope.
      expectOAuthError(t, await token("contoso", password({ client_id: clientId, scope: "User.Read" })), { status: 400, error: "invalid_grant", aadsts: 65001 });
    });
  });
});
