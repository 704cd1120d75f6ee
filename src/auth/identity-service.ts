import type { AppRegistration, Mailbox, MailboxService, StoreReader } from "../domain/index.js";
import { OAuthError } from "./auth-errors.js";
import { verifySecret } from "./passwords.js";
import type { AccessTokenIssuer } from "./access-token-issuer.js";

// The token endpoint's logic, as the Microsoft identity platform's v2.0 endpoint behaves:
// client_credentials for app tokens, password (ROPC) for demo users. The route only parses the
// form and serialises the answer.
// see: https://learn.microsoft.com/entra/identity-platform/v2-oauth2-client-creds-grant-flow
// see: https://learn.microsoft.com/entra/identity-platform/v2-oauth-ropc

/** A token request's fields as sent in the form (absent fields undefined, not validated yet). */
export interface TokenRequest {
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

/** What a delegated token gets when the client asks for nothing specific (or `.default`). */
const DEFAULT_DELEGATED_SCOPES = ["Calendars.ReadWrite", "User.Read"];
/** OpenID Connect scopes ask for id and refresh tokens, which we do not issue; they grant nothing. */
const OIDC_SCOPES = new Set(["openid", "profile", "offline_access", "email"]);
const CLIENT_ID_FOR_CLI = "graphcal-cli";

/** Scopes asked for as `https://graph.microsoft.com/Calendars.Read` or bare; OIDC scopes dropped. */
function requestedScopes(scope: string | undefined): string[] {
  return (scope ?? "").split(/\s+/).filter(Boolean)
    .map((s) => s.replace(/^https:\/\/graph\.microsoft\.com\//i, "").replace(/^00000003-0000-0000-c000-000000000000\//i, ""))
    .filter((s) => !OIDC_SCOPES.has(s.toLowerCase()));
}

function unknownApp(clientId: string): OAuthError {
  return new OAuthError({
    error: "unauthorized_client", aadstsCode: 700016, description: `Application with identifier '${clientId}' was not found in the directory.`,
  });
}

/** Issues access tokens for the grants the emulated token endpoint supports. */
export class IdentityService {
  readonly #store: StoreReader;
  readonly #mailboxes: MailboxService;
  readonly #issuer: AccessTokenIssuer;

  constructor(options: { store: StoreReader; mailboxes: MailboxService; issuer: AccessTokenIssuer }) {
    this.#store = options.store;
    this.#mailboxes = options.mailboxes;
    this.#issuer = options.issuer;
  }

  async issueToken(request: TokenRequest): Promise<IssuedToken> {
    if (request.grantType === "client_credentials") return this.#clientCredentials(request);
    if (request.grantType === "password") return this.#password(request);
    throw new OAuthError({
      error: "unsupported_grant_type", aadstsCode: 70003, description: `The app requested an unsupported grant type '${request.grantType ?? ""}'.`,
    });
  }

  async #clientCredentials(request: TokenRequest): Promise<IssuedToken> {
    const clientId = request.clientId ?? request.basic?.clientId;
    const secret = request.clientSecret ?? request.basic?.clientSecret;
    if (!clientId) {
      throw new OAuthError({ error: "invalid_request", aadstsCode: 900144, description: "The request body must contain the following parameter: 'client_id'." });
    }
    const app = await this.#store.getApp(clientId);
    if (!app) throw unknownApp(clientId);
    if (!secret || !verifySecret(secret, app.secretHash)) {
      throw new OAuthError({ error: "invalid_client", aadstsCode: 7000215, description: "Invalid client secret provided." });
    }
    return this.#issuer.mintApp({ app, issuerOrigin: request.issuerOrigin });
  }

  async #password(request: TokenRequest): Promise<IssuedToken> {
    // The client id is optional here (public clients such as the CLI), but must exist if given.
    const app = request.clientId ? await this.#store.getApp(request.clientId) : undefined;
    if (request.clientId && !app) throw unknownApp(request.clientId);
    const user = await this.#signIn(request, app);
    const scopes = requestedScopes(request.scope);
    const granted = scopes.length === 0 || scopes.some((s) => s.toLowerCase() === ".default") ? DEFAULT_DELEGATED_SCOPES : scopes;
    const { token, expiresIn } = await this.#issuer.mintDelegated({
      mailbox: user, scopes: granted, clientId: request.clientId ?? CLIENT_ID_FOR_CLI, issuerOrigin: request.issuerOrigin,
    });
    return { token, expiresIn, scopes: granted };
  }

  async #signIn(request: TokenRequest, app: AppRegistration | undefined): Promise<Mailbox> {
    const user = request.username ? await this.#mailboxes.findUser(request.username) : undefined;
    const hash = user ? await this.#store.getPasswordHash({ mailboxId: user.id }) : null;
    // One answer for an unknown user and a wrong password, as Entra gives: no account probing.
    if (!user || !hash || !request.password || !verifySecret(request.password, hash)) {
      throw new OAuthError({ error: "invalid_grant", aadstsCode: 50126, description: "Error validating credentials due to invalid username or password." });
    }
    if (app && app.tenantId !== user.tenantId) {
      throw new OAuthError({ error: "invalid_grant", aadstsCode: 50020, description: "User account does not exist in the application's tenant." });
    }
    return user;
  }
}
