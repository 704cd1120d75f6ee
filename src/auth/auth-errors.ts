// Auth errors without HTTP; http/errors.ts maps them (401 / 403 / 400).

export class AuthenticationError extends Error {
  readonly kind = "authentication";
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "AuthenticationError";
  }
}

export class AccessDeniedError extends Error {
  readonly kind = "accessDenied";
  constructor(message = "Access is denied. Check credentials and try again.") {
    super(message);
    this.name = "AccessDeniedError";
  }
}

/** `/me` asked with an app-only token. */
export class DelegatedOnlyError extends Error {
  readonly kind = "delegatedOnly";
  constructor() {
    super("/me request is only valid with delegated authentication flow.");
    this.name = "DelegatedOnlyError";
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
