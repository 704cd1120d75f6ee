import type { FastifyInstance, FastifyRequest } from "fastify";
import {
  OAuthError, issuerFor, type IdentityService, type SigningKey, type AccessTokenIssuer, type TokenRequest,
} from "../../auth/index.js";

// A small Microsoft identity platform look-alike under /{tenant}/…: OpenID discovery, JWKS and
// the v2.0 token endpoint (client_credentials for app tokens, password for demo users).
// see: https://learn.microsoft.com/entra/identity-platform/v2-oauth2-client-creds-grant-flow

export interface IdentityDeps {
  identity: IdentityService;
  issuer: AccessTokenIssuer;
  signingKey: SigningKey;
  issuerOrigin?: string | undefined;
  originOf: (request: FastifyRequest) => string;
}

function formBody(request: FastifyRequest): Record<string, string | undefined> {
  const body = request.body;
  if (body && typeof body === "object" && !Array.isArray(body)) return body as Record<string, string | undefined>;
  throw new OAuthError({ error: "invalid_request", aadstsCode: 900144, description: "The request body must be application/x-www-form-urlencoded." });
}

/** client_secret_basic: `Authorization: Basic base64(client_id:client_secret)`. */
function basicCredentials(authorization: string | undefined): TokenRequest["basic"] {
  if (!authorization?.startsWith("Basic ")) return undefined;
  const [clientId = "", clientSecret] = Buffer.from(authorization.slice(6), "base64").toString().split(":", 2);
  return { clientId, clientSecret };
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

  app.post<{ Params: { tenant: string } }>("/:tenant/oauth2/v2.0/token", async (request, reply) => {
    // Token responses must not be cached (RFC 6749 §5.1); OAuthErrors are answered by the app's
    // error handler in OAuth's shape (http/errors.ts).
    reply.header("content-type", "application/json; charset=utf-8").header("cache-control", "no-store");
    const form = formBody(request);
    const issued = await deps.identity.issueToken({
      tenant: request.params.tenant, grantType: form.grant_type, clientId: form.client_id, clientSecret: form.client_secret,
      basic: basicCredentials(request.headers.authorization),
      username: form.username, password: form.password, scope: form.scope, issuerOrigin: deps.originOf(request),
    });
    return {
      token_type: "Bearer", ...(issued.scopes && { scope: issued.scopes.join(" ") }),
      expires_in: issued.expiresIn, ext_expires_in: issued.expiresIn, access_token: issued.token,
    };
  });
}
