// Auth errors without HTTP: http/errors.ts alone decides their statuses and bodies (ADR 0004).
// Access decisions (403) are the domain's: AccessDeniedError and DelegatedOnlyError live in domain/errors.ts.

export class AuthenticationError extends Error {
  readonly kind = "authentication";
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "AuthenticationError";
  }
}

/** The OAuth 2.0 `error` values the token endpoint answers with (RFC 6749 §5.2). */
export const OAUTH_ERROR_CODES = [
  "invalid_request", "invalid_client", "invalid_grant", "unauthorized_client", "unsupported_grant_type",
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
  constructor(options: { error: OAuthErrorCode; aadstsCode: number; description: string }) {
    super(`AADSTS${options.aadstsCode}: ${options.description}`);
    this.name = "OAuthError";
    this.error = options.error;
    this.aadstsCode = options.aadstsCode;
  }
}
