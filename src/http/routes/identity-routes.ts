import type { FastifyInstance, FastifyRequest } from "fastify";
import type { AppRegistration, Mailbox, MailboxService, StoreReader } from "../../domain/index.js";
import {
  OAuthError, issuerFor, verifySecret, type SigningKey, type AccessTokenIssuer,
} from "../../auth/index.js";

// A small Microsoft identity platform look-alike under /{tenant}/…: OpenID discovery, JWKS and
// the v2.0 token endpoint (client_credentials for app tokens, password for demo users).
// see: https://learn.microsoft.com/entra/identity-platform/v2-oauth2-client-creds-grant-flow

export interface IdentityDeps {
  store: StoreReader;
  mailboxes: MailboxService;
  issuer: AccessTokenIssuer;
  signingKey: SigningKey;
  issuerOrigin?: string | undefined;
  originOf: (request: FastifyRequest) => string;
}

/** Scopes asked for as `https://graph.microsoft.com/Calendars.Read` or bare; OIDC scopes dropped. */
function requestedScopes(scope: string | undefined): string[] {
  const oidc = new Set(["openid", "profile", "offline_access", "email"]);
  return (scope ?? "").split(/\s+/).filter(Boolean)
    .map((s) => s.replace(/^https:\/\/graph\.microsoft\.com\//i, "").replace(/^00000003-0000-0000-c000-000000000000\//i, ""))
    .filter((s) => !oidc.has(s.toLowerCase()));
}

function formBody(request: FastifyRequest): Record<string, string> {
  const body = request.body;
  if (body && typeof body === "object" && !Array.isArray(body)) return body as Record<string, string>;
  throw new OAuthError("invalid_request", "AADSTS900144: The request body must be application/x-www-form-urlencoded.");
}

async function clientCredentials(deps: IdentityDeps, form: Record<string, string>, basic?: [string, string]) {
  const clientId = form.client_id ?? basic?.[0];
  const secret = form.client_secret ?? basic?.[1];
  if (!clientId) throw new OAuthError("invalid_request", "AADSTS900144: The request body must contain the following parameter: 'client_id'.");
  const app = await deps.store.getApp(clientId);
  if (!app) throw new OAuthError("unauthorized_client", `AADSTS700016: Application with identifier '${clientId}' was not found in the directory.`);
  if (!secret || !verifySecret(secret, app.secretHash)) {
    throw new OAuthError("invalid_client", "AADSTS7000215: Invalid client secret provided.", 401);
  }
  return app;
}

async function passwordGrant(deps: IdentityDeps, form: Record<string, string>, app: AppRegistration | undefined): Promise<Mailbox> {
  const user = form.username ? await deps.mailboxes.findUser(form.username) : undefined;
  const hash = user ? await deps.store.getPasswordHash({ mailboxId: user.id }) : null;
  if (!user || !hash || !form.password || !verifySecret(form.password, hash)) {
    throw new OAuthError("invalid_grant", "AADSTS50126: Error validating credentials due to invalid username or password.");
  }
  if (app && app.tenantId !== user.tenantId) throw new OAuthError("invalid_grant", "AADSTS50020: User account does not exist in the application's tenant.");
  return user;
}

export function registerIdentityRoutes(app: FastifyInstance, deps: IdentityDeps): void {
  app.get<{ Params: { tenant: string } }>("/:tenant/v2.0/.well-known/openid-configuration", async (request, reply) => {
    const origin = deps.originOf(request);
    const t = encodeURIComponent(request.params.tenant);
    reply.header("content-type", "application/json; charset=utf-8");
    return {
      // MSAL checks that the issuer shares its authority's origin (msal-common's
      // AuthorityMetadata validation), so unless one is configured the issuer is ours here.
      issuer: issuerFor(deps.issuer.issuerOrigin(origin), "{tenantid}"),
      token_endpoint: `${origin}/${t}/oauth2/v2.0/token`,
      authorization_endpoint: `${origin}/${t}/oauth2/v2.0/authorize`,
      jwks_uri: `${origin}/${t}/discovery/v2.0/keys`,
      response_types_supported: ["token"],
      subject_types_supported: ["pairwise"],
      id_token_signing_alg_values_supported: ["RS256"],
      token_endpoint_auth_methods_supported: ["client_secret_post", "client_secret_basic"],
      grant_types_supported: ["client_credentials", "password"],
      scopes_supported: ["openid", "profile", "email", "offline_access"],
      tenant_region_scope: null,
      cloud_instance_name: "graphcal.local",
    };
  });

  app.get("/:tenant/discovery/v2.0/keys", async (_request, reply) => {
    reply.header("content-type", "application/json; charset=utf-8");
    return { keys: [{ ...deps.signingKey.publicJwk, kid: deps.signingKey.kid, use: "sig", alg: "RS256" }] };
  });

  app.post("/:tenant/oauth2/v2.0/token", async (request, reply) => {
    reply.header("content-type", "application/json; charset=utf-8").header("cache-control", "no-store");
    try {
      const form = formBody(request);
      const auth = request.headers.authorization;
      const basic = auth?.startsWith("Basic ")
        ? (Buffer.from(auth.slice(6), "base64").toString().split(":", 2) as [string, string])
        : undefined;
      const scopes = requestedScopes(form.scope);
      if (form.grant_type === "client_credentials") {
        const registration = await clientCredentials(deps, form, basic);
        const { token, expiresIn } = await deps.issuer.mintApp({ app: registration, issuerOrigin: deps.originOf(request) });
        return { token_type: "Bearer", expires_in: expiresIn, ext_expires_in: expiresIn, access_token: token };
      }
      if (form.grant_type === "password") {
        const registration = form.client_id ? await deps.store.getApp(form.client_id) : undefined;
        if (form.client_id && !registration) throw new OAuthError("unauthorized_client", `AADSTS700016: Application with identifier '${form.client_id}' was not found in the directory.`);
        const user = await passwordGrant(deps, form, registration);
        const granted = scopes.length === 0 || scopes.some((s) => s.toLowerCase() === ".default")
          ? ["Calendars.ReadWrite", "User.Read"]
          : scopes;
        const { token, expiresIn } = await deps.issuer.mintDelegated({
          mailbox: user, scopes: granted, clientId: form.client_id ?? "graphcal-cli", issuerOrigin: deps.originOf(request),
        });
        return { token_type: "Bearer", scope: granted.join(" "), expires_in: expiresIn, ext_expires_in: expiresIn, access_token: token };
      }
      throw new OAuthError("unsupported_grant_type", `AADSTS70003: The app requested an unsupported grant type '${form.grant_type ?? ""}'.`);
    } catch (error) {
      if (!(error instanceof OAuthError)) throw error;
      reply.code(error.status);
      return { error: error.error, error_description: error.description, error_codes: [], timestamp: new Date().toISOString() };
    }
  });
}
