export * from "./auth-errors.js";
export * from "./passwords.js";
export * from "./graph-audiences.js";
export * from "./signing-key.js";
export * from "./access-token-issuer.js";
export * from "./access-token-verifier.js";
export * from "./identity-service.js";
