import { upnKey, type AppRegistration, type Clock, type Mailbox, type MailboxService, type StoreReader } from "../domain/index.js";
import { OAuthError } from "./auth-errors.js";
import { SecretCheckBusyError, UNMATCHABLE_HASH, verifySecret } from "./passwords.js";
import { checkClientCredentialsScope, grantDelegatedScopes } from "./scope-grants.js";
import { SignInThrottle } from "./sign-in-throttle.js";
import type { AccessTokenIssuer } from "./access-token-issuer.js";

// The token endpoint's logic, as the Microsoft identity platform's v2.0 endpoint behaves:
// client_credentials for app tokens, password (ROPC) for demo users. The route only parses the
// form and serialises the answer. It refuses what Entra refuses: an unknown tenant, a missing
// or unknown client, scopes the app is not consented to, and guessing (failed attempts lock a
// user or a client for a while).
// see: https://learn.microsoft.com/entra/identity-platform/v2-oauth2-client-creds-grant-flow
// see: https://learn.microsoft.com/entra/identity-platform/v2-oauth-ropc

/** A token request's fields as sent in the form (absent fields undefined, not validated yet). */
export interface TokenRequest {
  /** The `{tenant}` path segment: a tenant id, a domain, `common` or `organizations`. */
  tenant: string;
  grantType: string | undefined;
  clientId: string | undefined;
  clientSecret: string | undefined;
  /**
   * Credentials from an `Authorization: Basic` header (client_secret_basic). Only the
   * client-credentials grant reads them, and only for fields the form left out.
   */
  basic?: { clientId: string; clientSecret: string | undefined } | undefined;
  username: string | undefined;
  password: string | undefined;
  scope: string | undefined;
  /** The origin the token endpoint was reached at; names the issuer unless one is configured. */
  issuerOrigin: string;
}

export interface IssuedToken {
  token: string;
  expiresIn: number;
  /** The scopes a delegated token was granted; app tokens carry roles instead. */
  scopes?: string[];
}

/** How many failures lock a user or a client, and for how long (Entra's smart lockout defaults: 10, 60 s). */
export interface SignInLimits {
  userFailures: number;
  /** Per client: every failed secret, and every failed password through it. */
  clientFailures: number;
  windowSeconds: number;
  lockSeconds: number;
}

export const DEFAULT_SIGN_IN_LIMITS: SignInLimits = Object.freeze({ userFailures: 10, clientFailures: 100, windowSeconds: 60, lockSeconds: 60 });

/** Keys the throttles keep at most (each), so a flood of names cannot grow memory. */
const THROTTLE_KEYS = 10_000;
/** Tenant names that stand for "the app's own tenant" (multi-tenant authorities). */
const ANY_TENANT = new Set(["common", "organizations"]);
const TENANT_NAME = /^[A-Za-z0-9](?:[A-Za-z0-9.-]{0,251}[A-Za-z0-9])?$/;

function unknownApp(clientId: string, tenant: string): OAuthError {
  return new OAuthError({
    error: "unauthorized_client", aadstsCode: 700016,
    description: `Application with identifier '${clientId}' was not found in the directory '${tenant}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.`,
  });
}

function locked(retryAfterSeconds: number, subject: "user" | "client"): OAuthError {
  return subject === "user"
    ? new OAuthError({
      error: "invalid_grant", aadstsCode: 50053, retryAfterSeconds,
      description: "The account is locked, you've tried to sign in too many times with an incorrect user ID or password.",
    })
    : new OAuthError({
      error: "invalid_client", aadstsCode: 50196, retryAfterSeconds,
      description: "The server terminated an operation because it encountered a client request loop. Please contact your app vendor.",
    });
}

/** verifySecret, with a full queue of checks answered as Entra answers a flood: 429, try again in a second. */
async function checkSecret(secret: string, stored: string, subject: "user" | "client"): Promise<boolean> {
  try {
    return await verifySecret(secret, stored);
  } catch (error) {
    if (!(error instanceof SecretCheckBusyError)) throw error;
    throw new OAuthError({
      error: subject === "user" ? "invalid_grant" : "invalid_client", aadstsCode: 50196, retryAfterSeconds: 1,
      description: "The server terminated an operation because it encountered a client request loop. Please contact your app vendor.",
    });
  }
}

/** Issues access tokens for the grants the emulated token endpoint supports. */
export class IdentityService {
  readonly #store: StoreReader;
  readonly #mailboxes: MailboxService;
  readonly #issuer: AccessTokenIssuer;
  readonly #users: SignInThrottle;
  readonly #clients: SignInThrottle;

  constructor(options: {
    store: StoreReader; mailboxes: MailboxService; issuer: AccessTokenIssuer; clock: Clock; limits?: SignInLimits;
  }) {
    this.#store = options.store;
    this.#mailboxes = options.mailboxes;
    this.#issuer = options.issuer;
    const limits = options.limits ?? DEFAULT_SIGN_IN_LIMITS;
    const common = { clock: options.clock, windowMs: limits.windowSeconds * 1000, lockMs: limits.lockSeconds * 1000, limit: THROTTLE_KEYS };
    this.#users = new SignInThrottle({ ...common, maxFailures: limits.userFailures });
    this.#clients = new SignInThrottle({ ...common, maxFailures: limits.clientFailures });
  }

  async issueToken(request: TokenRequest): Promise<IssuedToken> {
    const tenantId = await this.#tenantOf(request.tenant);
    if (request.grantType === "client_credentials") return this.#clientCredentials(request, tenantId);
    if (request.grantType === "password") return this.#password(request, tenantId);
    throw new OAuthError({
      error: "unsupported_grant_type", aadstsCode: 70003, description: `The app requested an unsupported grant type '${request.grantType ?? ""}'.`,
    });
  }

  /** The tenant the path names (undefined for `common`), or Entra's refusal of the name. */
  async #tenantOf(name: string): Promise<string | undefined> {
    if (ANY_TENANT.has(name.toLowerCase())) return undefined;
    if (!TENANT_NAME.test(name)) {
      throw new OAuthError({
        error: "invalid_request", aadstsCode: 900023, description: `Specified tenant identifier '${name.slice(0, 100)}' is neither a valid DNS name, nor a valid external domain.`,
      });
    }
    const tenantId = await this.#store.findTenantId(name);
    if (tenantId === undefined) {
      throw new OAuthError({
        error: "invalid_request", aadstsCode: 90002,
        description: `Tenant '${name}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud. Check with your subscription administrator, this may happen if there are no active subscriptions for the tenant.`,
      });
    }
    return tenantId;
  }

  /** The app `clientId` names, registered in the tenant the path names. */
  async #app(clientId: string | undefined, tenant: { id: string | undefined; name: string }): Promise<AppRegistration> {
    if (!clientId) {
      throw new OAuthError({ error: "invalid_request", aadstsCode: 900144, description: "The request body must contain the following parameter: 'client_id'." });
    }
    const app = await this.#store.getApp(clientId);
    if (!app || (tenant.id !== undefined && app.tenantId !== tenant.id)) throw unknownApp(clientId, tenant.name);
    return app;
  }

  async #clientCredentials(request: TokenRequest, tenantId: string | undefined): Promise<IssuedToken> {
    const app = await this.#app(request.clientId ?? request.basic?.clientId, { id: tenantId, name: request.tenant });
    const secret = request.clientSecret ?? request.basic?.clientSecret;
    checkClientCredentialsScope(request.scope);
    const clientKey = app.clientId;
    const wait = this.#clients.retryAfterSeconds(clientKey);
    if (wait !== undefined) throw locked(wait, "client");
    // A missing secret costs the same scrypt as a wrong one.
    if (!(await checkSecret(secret ?? "", app.secretHash, "client")) || !secret) {
      this.#clients.recordFailure(clientKey);
      throw new OAuthError({ error: "invalid_client", aadstsCode: 7000215, description: "Invalid client secret provided." });
    }
    return this.#issuer.mintApp({ app, issuerOrigin: request.issuerOrigin });
  }

  async #password(request: TokenRequest, tenantId: string | undefined): Promise<IssuedToken> {
    const app = await this.#app(request.clientId, { id: tenantId, name: request.tenant });
    const scopes = grantDelegatedScopes(app, request.scope);
    const user = await this.#signIn(request, app);
    const { token, expiresIn } = await this.#issuer.mintDelegated({
      mailbox: user, scopes, clientId: app.clientId, issuerOrigin: request.issuerOrigin,
    });
    return { token, expiresIn, scopes };
  }

  async #signIn(request: TokenRequest, app: AppRegistration): Promise<Mailbox> {
    const userKey = upnKey(request.username ?? "");
    const clientKey = app.clientId;
    const wait = this.#users.retryAfterSeconds(userKey);
    if (wait !== undefined) throw locked(wait, "user");
    const clientWait = this.#clients.retryAfterSeconds(clientKey);
    if (clientWait !== undefined) throw locked(clientWait, "client");

    const user = request.username ? await this.#mailboxes.findUser(request.username) : undefined;
    const hash = user ? await this.#store.getPasswordHash({ mailboxId: user.id }) : null;
    // An unknown user, or one without a password, is checked against a hash nothing matches:
    // every attempt costs one scrypt, so the time taken tells nobody which names exist.
    const matches = await checkSecret(request.password ?? "", hash ?? UNMATCHABLE_HASH, "user");
    // One answer for an unknown user and a wrong password, as Entra gives: no account probing.
    if (!user || !hash || !request.password || !matches) {
      this.#users.recordFailure(userKey);
      this.#clients.recordFailure(clientKey);
      throw new OAuthError({ error: "invalid_grant", aadstsCode: 50126, description: "Error validating credentials due to invalid username or password." });
    }
    this.#users.clear(userKey);
    if (app.tenantId !== user.tenantId) {
      throw new OAuthError({ error: "invalid_grant", aadstsCode: 50020, description: "User account does not exist in the application's tenant." });
    }
    return user;
  }
}
