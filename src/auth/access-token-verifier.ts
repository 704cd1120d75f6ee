import { createRemoteJWKSet, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from "jose";
import { VerifiedCache, type Clock, type Principal } from "../domain/index.js";
import { AuthenticationError } from "./auth-errors.js";
import { GRAPH_AUDIENCES } from "./graph-audiences.js";
import type { SigningKey } from "./signing-key.js";
import { issuerFor } from "./access-token-issuer.js";

export interface ExternalIssuer {
  jwksUrl: string;
  /** Exact issuer, or with `{tenantid}` standing for the token's tid. */
  issuer: string;
}

const CACHE_LIMIT = 10_000;
const CACHE_KEY_CHARS = 32;
const CLOCK_SKEW_SECONDS = 60;

function principalOf(payload: JWTPayload): Principal {
  const tid = typeof payload.tid === "string" ? payload.tid : undefined;
  const appId = typeof payload.azp === "string" ? payload.azp : typeof payload.appid === "string" ? payload.appid : "";
  if (!tid) throw new AuthenticationError("Access token has no tenant (tid) claim.");
  if (typeof payload.scp === "string") {
    if (typeof payload.oid !== "string") throw new AuthenticationError("Access token has no user (oid) claim.");
    return { kind: "delegated", tenantId: tid, userId: payload.oid, appId, scopes: new Set(payload.scp.split(" ").filter(Boolean)) };
  }
  if (Array.isArray(payload.roles)) {
    return { kind: "app", tenantId: tid, appId, roles: new Set(payload.roles.filter((r): r is string => typeof r === "string")) };
  }
  throw new AuthenticationError("Access token carries neither scopes nor roles.");
}

/**
 * Verifies bearer tokens (signature, exp/nbf, iss, aud) and caches the result until the token
 * expires: a jose verify costs 56–100 µs here, a cache hit well under one.
 */
export class AccessTokenVerifier {
  readonly #cache = new VerifiedCache<{ principal: Principal; expMs: number }>({ limit: CACHE_LIMIT, tailChars: CACHE_KEY_CHARS });
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
  async verify(authorization: string | undefined, nowMs = this.deps.clock.now().getTime()): Promise<Principal> {
    if (authorization === undefined) throw new AuthenticationError("Access token is empty.");
    // A hit is the whole header as sent, so it needs no parsing: one header value always
    // carries the same token and verifies the same way (VerifiedCache: found by the header's
    // tail, which is part of the signature, then compared in full).
    const hit = this.cachedPrincipal(authorization, nowMs);
    if (hit !== undefined) return hit;

    const token = /^Bearer\s+(.+)$/i.exec(authorization.trim())?.[1]?.trim();
    if (!token) throw new AuthenticationError("Access token is empty.");
    const payload = await this.verifySignature(token, nowMs);
    const principal = principalOf(payload);
    this.#cache.set(authorization, { principal, expMs: (payload.exp ?? 0) * 1000 });
    return principal;
  }

  /**
   * The principal `authorization` verified to earlier, if it is cached and its token has not
   * expired; never verifies. An expired entry is dropped (verify then refuses the token).
   */
  cachedPrincipal(authorization: string, nowMs = this.deps.clock.now().getTime()): Principal | undefined {
    const hit = this.#cache.get(authorization);
    if (hit === undefined) return undefined;
    if (hit.expMs > nowMs) return hit.principal;
    this.#cache.delete(authorization);
    return undefined;
  }

  /**
   * With ISSUER_ORIGIN configured only that issuer is ours. Otherwise the token endpoint names
   * the origin it was reached at (MSAL requires the issuer to match its authority), so any
   * `{http(s) origin}/{tid}/v2.0` signed with our key is ours: the signature is the proof.
   */
  private isOwnIssuer(iss: string | undefined, tid: string): boolean {
    if (this.deps.issuerOrigin) return iss === issuerFor(this.deps.issuerOrigin, tid);
    const suffix = `/${tid}/v2.0`;
    return typeof iss === "string" && tid !== "" && iss.endsWith(suffix)
      && /^https?:\/\/[^/?#]+$/.test(iss.slice(0, -suffix.length));
  }

  private async verifySignature(token: string, nowMs: number): Promise<JWTPayload> {
    const audience = [...GRAPH_AUDIENCES, ...(this.deps.audiences ?? [])];
    const options = { audience, currentDate: new Date(nowMs), clockTolerance: CLOCK_SKEW_SECONDS, requiredClaims: ["exp"] };
    try {
      const { payload } = await jwtVerify(token, this.deps.key.publicKey, { ...options, algorithms: ["RS256"] });
      const tid = typeof payload.tid === "string" ? payload.tid : "";
      if (!this.isOwnIssuer(payload.iss, tid)) throw new AuthenticationError("Access token has an unknown issuer.");
      return payload;
    } catch (ours) {
      if (ours instanceof AuthenticationError || !this.#external) throw asAuthError(ours);
      try {
        const { payload } = await jwtVerify(token, this.#external.getKey, options);
        const tid = typeof payload.tid === "string" ? payload.tid : "";
        if (payload.iss !== this.#external.issuer.replace("{tenantid}", tid)) {
          throw new AuthenticationError("Access token has an unknown issuer.");
        }
        return payload;
      } catch (theirs) {
        throw asAuthError(theirs);
      }
    }
  }
}

function asAuthError(error: unknown): AuthenticationError {
  if (error instanceof AuthenticationError) return error;
  const code = (error as { code?: string }).code;
  const message = code === "ERR_JWT_EXPIRED"
    ? "Lifetime validation failed, the token is expired."
    : code === "ERR_JWT_CLAIM_VALIDATION_FAILED"
      ? `Access token validation failed: ${(error as Error).message}.`
      : "Access token validation failure. Invalid audience, issuer or signature.";
  return new AuthenticationError(message, { cause: error });
}
