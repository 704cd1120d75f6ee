// auth/'s public surface: access tokens (issue, verify, the token endpoint's grants) and their errors.
export { AuthenticationError, OAUTH_ERROR_CODES, OAuthError, type AuthFailureReason, type OAuthErrorCode } from "./auth-errors.js";
export { hashSecret, UNMATCHABLE_HASH, verifySecret } from "./passwords.js";
export { GRAPH_AUDIENCES } from "./graph-audiences.js";
export { generateSigningKeyJwk, loadSigningKey, signingKeyFromJwk, type SigningKey } from "./signing-key.js";
export {
  AccessTokenIssuer, DEFAULT_ISSUER_ORIGIN, DEFAULT_TOKEN_LIFETIME_SECONDS, issuerFor,
} from "./access-token-issuer.js";
export { AccessTokenVerifier, MAX_ACCESS_TOKEN_CHARS, type ExternalIssuer } from "./access-token-verifier.js";
export {
  DEFAULT_SIGN_IN_LIMITS, IdentityService, type IssuedToken, type SignInLimits, type TokenRequest,
} from "./identity-service.js";
