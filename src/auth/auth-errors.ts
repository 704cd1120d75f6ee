// Auth errors without HTTP; http/errors.ts maps them (401 / 400). Access decisions (403) are
// the domain's: AccessDeniedError and DelegatedOnlyError live in domain/errors.ts.

export class AuthenticationError extends Error {
  readonly kind = "authentication";
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "AuthenticationError";
  }
}

/** A failed OAuth token request; `error` is the OAuth 2.0 error code (RFC 6749 §5.2). */
export class OAuthError extends Error {
  readonly kind = "oauth";
  constructor(readonly error: string, readonly description: string, readonly status = 400) {
    super(description);
    this.name = "OAuthError";
  }
}
