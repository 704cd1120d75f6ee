// Auth errors without HTTP: http/errors.ts alone decides their statuses and bodies (ADR 0004).
// Access decisions (403) are the domain's: AccessDeniedError and DelegatedOnlyError live in domain/errors.ts.

/**
 * Why a bearer token was refused: logged with every 401 and named in its `WWW-Authenticate`
 * challenge. `missing` is the one without an `invalid_token` error (RFC 6750 §3.1: a request
 * with no credentials gets a plain challenge).
 */
export type AuthFailureReason =
  | "missing" | "malformed" | "tooLarge" | "expired" | "notYetValid" | "badSignature" | "wrongAudience"
  | "unknownIssuer" | "wrongTenant" | "badClaims";

export class AuthenticationError extends Error {
  readonly kind = "authentication";
  readonly reason: AuthFailureReason;
  constructor(message: string, options: { reason: AuthFailureReason; cause?: unknown }) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "AuthenticationError";
    this.reason = options.reason;
  }
}

/** The OAuth 2.0 `error` values the token endpoint answers with (RFC 6749 §5.2). */
export const OAUTH_ERROR_CODES = [
  "invalid_request", "invalid_client", "invalid_grant", "unauthorized_client", "unsupported_grant_type", "invalid_scope",
] as const;
export type OAuthErrorCode = (typeof OAUTH_ERROR_CODES)[number];

/**
 * A failed token request. Entra pairs the OAuth `error` with an `AADSTS…` number, which clients
 * (MSAL) read from `error_codes` and which leads the description: "AADSTS7000215: Invalid …".
 * see: https://learn.microsoft.com/entra/identity-platform/reference-error-codes
 */
export class OAuthError extends Error {
  readonly kind = "oauth";
  readonly error: OAuthErrorCode;
  readonly aadstsCode: number;
  /** Set when the attempt was refused for too many failures: answered 429 with `Retry-After`. */
  readonly retryAfterSeconds: number | undefined;
  constructor(options: { error: OAuthErrorCode; aadstsCode: number; description: string; retryAfterSeconds?: number }) {
    super(`AADSTS${options.aadstsCode}: ${options.description}`);
    this.name = "OAuthError";
    this.error = options.error;
    this.aadstsCode = options.aadstsCode;
    this.retryAfterSeconds = options.retryAfterSeconds;
  }
}
