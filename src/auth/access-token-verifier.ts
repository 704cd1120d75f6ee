import { createRemoteJWKSet, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from "jose";
import { VerifiedCache, type Clock, type Principal } from "../domain/index.js";
import { AuthenticationError, type AuthFailureReason } from "./auth-errors.js";
import { GRAPH_AUDIENCES } from "./graph-audiences.js";
import type { SigningKey } from "./signing-key.js";

export interface ExternalIssuer {
  jwksUrl: string;
  /** Exact issuer, or with `{tenantid}` standing for the token's tid. */
  issuer: string;
}

const CACHE_LIMIT = 10_000;
/** The cache's budget in characters of bearer headers (~16 MB): 10,000 tokens of Entra's usual 1–2 kB fit. */
const CACHE_MAX_CHARS = 16 * 1024 * 1024;
const CACHE_KEY_CHARS = 32;
const CLOCK_SKEW_SECONDS = 60;
/**
 * The longest access token accepted. Entra's tokens stay a few kB (it caps group claims at 200
 * for that reason); a larger one is refused before it is parsed or cached.
 */
export const MAX_ACCESS_TOKEN_CHARS = 16 * 1024;

const refuse = (reason: AuthFailureReason, message: string, cause?: unknown) => new AuthenticationError(message, { reason, cause });

function principalOf(payload: JWTPayload): Principal {
  const tid = typeof payload.tid === "string" ? payload.tid : undefined;
  const appId = typeof payload.azp === "string" ? payload.azp : typeof payload.appid === "string" ? payload.appid : "";
  if (!tid) throw refuse("badClaims", "Access token has no tenant (tid) claim.");
  if (typeof payload.scp === "string") {
    if (typeof payload.oid !== "string") throw refuse("badClaims", "Access token has no user (oid) claim.");
    return { kind: "delegated", tenantId: tid, userId: payload.oid, appId, scopes: new Set(payload.scp.split(" ").filter(Boolean)) };
  }
  if (Array.isArray(payload.roles)) {
    return { kind: "app", tenantId: tid, appId, roles: new Set(payload.roles.filter((r): r is string => typeof r === "string")) };
  }
  throw refuse("badClaims", "Access token carries neither scopes nor roles.");
}

/**
 * Verifies bearer tokens (signature, exp/nbf, iss, aud) and caches the result until the token
 * expires: a jose verify costs 56–100 µs here, a cache hit well under one.
 */
export class AccessTokenVerifier {
  readonly #cache = new VerifiedCache<{ principal: Principal; expMs: number }>({
    limit: CACHE_LIMIT, tailChars: CACHE_KEY_CHARS, maxChars: CACHE_MAX_CHARS,
  });
  readonly #external: { getKey: JWTVerifyGetKey; issuer: string } | undefined;

  constructor(private readonly deps: {
    key: SigningKey; clock: Clock; issuerOrigin?: string | undefined; audiences?: string[]; external?: ExternalIssuer;
  }) {
    if (deps.external) {
      this.#external = { getKey: createRemoteJWKSet(new URL(deps.external.jwksUrl)), issuer: deps.external.issuer };
    }
  }

  /**
   * `nowMs` is the time expiry is judged at: the (virtual) clock's, unless the caller says
   * otherwise (admin controls also accept a token still valid by the wall clock, admin-auth.ts).
   */
  async verify(authorization: string | undefined, nowMs = this.deps.clock.nowMs()): Promise<Principal> {
    if (authorization === undefined) throw refuse("missing", "Access token is empty.");
    if (authorization.length > MAX_ACCESS_TOKEN_CHARS + 64) throw tooLarge();
    // A hit is the whole header as sent, so it needs no parsing: one header value always
    // carries the same token and verifies the same way (VerifiedCache: found by the header's
    // tail, which is part of the signature, then compared in full).
    const hit = this.cachedPrincipal(authorization, nowMs);
    if (hit !== undefined) return hit;

    const token = /^Bearer\s+(.+)$/i.exec(authorization.trim())?.[1]?.trim();
    if (!token) throw refuse("missing", "Access token is empty.");
    if (token.length > MAX_ACCESS_TOKEN_CHARS) throw tooLarge();
    const payload = await this.verifySignature(token, nowMs);
    const principal = principalOf(payload);
    this.#cache.set(authorization, { principal, expMs: (payload.exp ?? 0) * 1000 });
    return principal;
  }

  /**
   * The principal `authorization` verified to earlier, if it is cached and its token has not
   * expired; never verifies. An expired entry is dropped (verify then refuses the token).
   */
  cachedPrincipal(authorization: string, nowMs = this.deps.clock.nowMs()): Principal | undefined {
    const hit = this.#cache.get(authorization);
    if (hit === undefined) return undefined;
    if (hit.expMs > nowMs) return hit.principal;
    this.#cache.delete(authorization);
    return undefined;
  }

  /**
   * When the token `authorization` verified to expires (ms since the epoch), if it is cached. The
   * poll replay keeps it with an answer, so a replay judges the bearer's expiry without a second
   * lookup of a 1–2 kB header (http/poll-replay.ts).
   */
  cachedExpiryMs(authorization: string): number | undefined {
    return this.#cache.get(authorization)?.expMs;
  }

  /**
   * With ISSUER_ORIGIN configured only that issuer is ours. Otherwise the token endpoint names
   * the origin it was reached at (MSAL requires the issuer to match its authority), so any
   * `{http(s) origin}/{tid}/v2.0` signed with our key is ours: the signature is the proof.
   */
  private checkOwnIssuer(iss: string | undefined, tid: string): void {
    const shape = typeof iss === "string" ? /^(.+)\/([^/?#]+)\/v2\.0$/.exec(iss) : null;
    const origin = this.deps.issuerOrigin;
    const ours = shape !== null && (origin !== undefined ? shape[1] === origin : /^https?:\/\/[^/?#]+$/.test(shape[1] as string));
    if (!ours) throw refuse("unknownIssuer", "Access token has an unknown issuer.");
    if (tid === "") throw refuse("badClaims", "Access token has no tenant (tid) claim.");
    // Our issuer, but naming another tenant than the token's tid: not a token we minted.
    if (shape[2] !== tid) throw refuse("wrongTenant", "Access token's issuer names another tenant than its tid claim.");
  }

  private async verifySignature(token: string, nowMs: number): Promise<JWTPayload> {
    const audience = [...GRAPH_AUDIENCES, ...(this.deps.audiences ?? [])];
    const options = { audience, currentDate: new Date(nowMs), clockTolerance: CLOCK_SKEW_SECONDS, requiredClaims: ["exp"] };
    try {
      const { payload } = await jwtVerify(token, this.deps.key.publicKey, { ...options, algorithms: ["RS256"] });
      this.checkOwnIssuer(payload.iss, typeof payload.tid === "string" ? payload.tid : "");
      return payload;
    } catch (ours) {
      // Only a token our key does not verify may be the external issuer's.
      const refused = asAuthError(ours);
      if (ours instanceof AuthenticationError || refused.reason !== "badSignature" || !this.#external) throw refused;
      try {
        const { payload } = await jwtVerify(token, this.#external.getKey, options);
        const tid = typeof payload.tid === "string" ? payload.tid : "";
        if (payload.iss !== this.#external.issuer.replace("{tenantid}", tid)) {
          throw refuse("unknownIssuer", "Access token has an unknown issuer.");
        }
        return payload;
      } catch (theirs) {
        throw asAuthError(theirs);
      }
    }
  }
}

function tooLarge(): AuthenticationError {
  return refuse("tooLarge", `Access token is larger than ${MAX_ACCESS_TOKEN_CHARS} characters.`);
}

/** jose's failures by code, as a reason and Graph's wording where Graph has one (spec §3.1). */
function asAuthError(error: unknown): AuthenticationError {
  if (error instanceof AuthenticationError) return error;
  const { code, claim } = error as { code?: string; claim?: string };
  switch (code) {
    case "ERR_JWT_EXPIRED": return refuse("expired", "Lifetime validation failed, the token is expired.", error);
    case "ERR_JWT_CLAIM_VALIDATION_FAILED":
      if (claim === "aud") return refuse("wrongAudience", "Access token validation failure. Invalid audience.", error);
      if (claim === "nbf" || claim === "iat") return refuse("notYetValid", "Lifetime validation failed, the token is not yet valid.", error);
      return refuse("badClaims", `Access token validation failed: ${(error as Error).message}.`, error);
    case "ERR_JWS_INVALID": case "ERR_JWT_INVALID": case "ERR_JOSE_NOT_SUPPORTED":
      // Graph's own answer to a token it cannot even parse.
      return refuse("malformed", "CompactToken parsing failed with error code: 80049217", error);
    default:
      // A bad signature, a key id we do not have, an algorithm we do not accept.
      return refuse("badSignature", "Access token validation failure. Invalid audience, issuer or signature.", error);
  }
}
