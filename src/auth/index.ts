// auth/'s public surface: access tokens (issue, verify, the token endpoint's grants) and their errors.
export { AuthenticationError, OAUTH_ERROR_CODES, OAuthError, type OAuthErrorCode } from "./auth-errors.js";
export { hashSecret, verifySecret } from "./passwords.js";
export { GRAPH_AUDIENCES } from "./graph-audiences.js";
export { generateSigningKeyJwk, loadSigningKey, signingKeyFromJwk, type SigningKey } from "./signing-key.js";
export {
  AccessTokenIssuer, DEFAULT_ISSUER_ORIGIN, DEFAULT_TOKEN_LIFETIME_SECONDS, issuerFor,
} from "./access-token-issuer.js";
export { AccessTokenVerifier, type ExternalIssuer } from "./access-token-verifier.js";
export { IdentityService, type IssuedToken, type TokenRequest } from "./identity-service.js";
