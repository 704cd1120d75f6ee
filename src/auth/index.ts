export * from "./auth-errors.js";
export * from "./passwords.js";
export * from "./permissions.js";
export * from "./principal.js";
export * from "./signing-key.js";
export * from "./token-issuer.js";
export * from "./token-verifier.js";
