import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { API_VERSIONS, type ApiVersion } from "../../graph/index.js";
import { BadSyncTokenError, VerifiedCache, type DeltaScope, type IssuedCursor, type Store } from "../../domain/index.js";

// Skip and delta tokens: `{kid}.{payload}.{mac}`, payload = base64url(JSON of the cursor),
// mac = HMAC-SHA256 over `{kid}.{payload}` (spec §7.2, decision 18). The alphabet is
// [A-Za-z0-9_.-], safe in both SDKs' link handling (§11.3). The key id lets keys rotate:
// new tokens use the current key, old ones verify while their key is kept.

export interface TokenKeys {
  current: string;
  keys: Record<string, string>;
}

const SETTING = "delta.hmac-keys.v1";
const MAX_TOKEN_LENGTH = 4096;

export async function loadTokenKeys(store: Store): Promise<TokenKeys> {
  let stored = await store.getSetting(SETTING);
  if (stored === undefined) {
    const kid = randomBytes(3).toString("base64url");
    const candidate = JSON.stringify({ current: kid, keys: { [kid]: randomBytes(32).toString("base64url") } });
    stored = await store.transaction((tx) => tx.putSettingIfAbsent(SETTING, candidate));
  }
  return JSON.parse(stored) as TokenKeys;
}

interface Payload {
  v: 1;
  k: "p" | "r";
  m: string;
  a: ApiVersion;
  s: string[] | 0;
  f: number;
  t?: number;
  p?: number;
  c: string;
  i: number;
  /** calendarView/delta's scope: calendar id, window start and end (epoch ms), 1 if started on the default-calendar form. */
  w?: [string, number, number, 0 | 1];
  /** events/delta's scope: calendar id (null: every calendar) and startDateTime (epoch ms; null: none). */
  e?: [string | null, number | null];
}

/**
 * Verified tokens are kept, like verified bearer tokens: most delta traffic re-sends the same
 * deltaLink, and verifying costs an HMAC, a base64 decode and a JSON parse. The MAC of a given
 * string never changes while the codec's keys do not, and the codec's keys are fixed for its
 * lifetime, so a hit is exactly what verifying again would give. Failures are not kept.
 */
const DECODED_CACHE_LIMIT = 10_000;
const DECODED_KEY_CHARS = 32;
/**
 * A page token is decoded within moments of being issued (its page is made ahead as soon as the
 * page before it is sent, app.ts), and taken out when it is: the cache holds the pages clients are
 * reading right now. Short-lived entries also die young, before the GC would promote them.
 */
const ISSUED_PAGES_LIMIT = 1_024;

export class DeltaTokenCodec {
  readonly #keys: Map<string, Buffer>;
  readonly #current: string;
  readonly #decoded = new VerifiedCache<IssuedCursor>({ limit: DECODED_CACHE_LIMIT, tailChars: DECODED_KEY_CHARS });
  /** Page tokens this codec issued lately (see `encode`), apart so they never push polls' tokens out. */
  readonly #issuedPages = new VerifiedCache<IssuedCursor>({ limit: ISSUED_PAGES_LIMIT, tailChars: DECODED_KEY_CHARS });
  /** Cursors decoded from a token of the current key, back to that token (see `encode`). */
  readonly #tokens = new WeakMap<IssuedCursor, string>();

  constructor(keys: TokenKeys) {
    this.#keys = new Map(Object.entries(keys.keys).map(([kid, secret]) => [kid, Buffer.from(secret, "base64url")]));
    this.#current = keys.current;
    if (!this.#keys.has(this.#current)) throw new Error("current delta token key is missing");
  }

  /**
   * The token of a cursor. A cursor this codec decoded from a token of the current key encodes
   * to that very token: the delta service hands such a cursor back to repeat a deltaLink
   * unchanged, which saves the MAC and tells the client nothing new (Graph: "the same or a new
   * token"). Tokens of an older key are always re-issued under the current one.
   */
  encode(cursor: IssuedCursor): string {
    const known = this.#tokens.get(cursor);
    if (known !== undefined) return known;
    const payload: Payload = {
      v: 1, k: cursor.kind === "page" ? "p" : "r", m: cursor.mailboxId, a: cursor.apiVersion,
      s: cursor.select ?? 0, f: cursor.since, c: cursor.caller, i: cursor.issuedAt,
      ...(cursor.kind === "page" && { t: cursor.upTo, p: cursor.after }),
      ...scopeFields(cursor.scope),
    };
    const json = JSON.stringify(payload);
    const body = `${this.#current}.${Buffer.from(json).toString("base64url")}`;
    const token = `${body}.${this.mac(this.#current, body)}`;
    // A nextLink is asked for next, once (app.ts makes it ahead): its cursor is read back from
    // the payload just written (readPayload, as decoding would) and kept, so decoding it costs
    // no MAC, base64 decode or parse.
    if (cursor.kind === "page") this.#issuedPages.set(token, readPayload(JSON.parse(json) as Payload));
    return token;
  }

  /**
   * Decodes a token given as `$skiptoken` (must be a page cursor) or `$deltatoken` (a round).
   * The cursor returned is frozen and may be shared by every request that sends the token.
   */
  decode(token: string, as: "skip" | "delta"): IssuedCursor {
    if (token.length > MAX_TOKEN_LENGTH) throw new BadSyncTokenError("too long");
    // Found by the MAC's tail, then compared in full (VerifiedCache).
    let cursor = this.#decoded.get(token) ?? this.#takeIssuedPage(token);
    if (cursor === undefined) {
      cursor = this.verify(token);
      this.#decoded.set(token, cursor);
      if (token.startsWith(`${this.#current}.`)) this.#tokens.set(cursor, token);
    }
    if (cursor.kind !== (as === "skip" ? "page" : "round")) throw new BadSyncTokenError("token of the wrong kind for this parameter");
    return cursor;
  }

  /** An issued page token's cursor, once: its next request is a retry, decoded as any token. */
  #takeIssuedPage(token: string): IssuedCursor | undefined {
    const cursor = this.#issuedPages.get(token);
    if (cursor !== undefined) this.#issuedPages.delete(token);
    return cursor;
  }

  /**
   * A token of either kind, verified, with the id of the key that signed it: the admin decoder
   * behind the web console's delta explorer (issue 13). Requests go through `decode`.
   */
  inspect(token: string): { keyId: string; cursor: IssuedCursor } {
    if (token.length > MAX_TOKEN_LENGTH) throw new BadSyncTokenError("too long");
    return { keyId: token.split(".")[0] as string, cursor: this.#decoded.get(token) ?? this.verify(token) };
  }

  private verify(token: string): IssuedCursor {
    const parts = token.split(".");
    if (parts.length !== 3) throw new BadSyncTokenError("shape");
    const [kid, body, mac] = parts as [string, string, string];
    if (!this.#keys.has(kid)) throw new BadSyncTokenError("unknown key");
    const expected = Buffer.from(this.mac(kid, `${kid}.${body}`));
    const actual = Buffer.from(mac);
    if (expected.length !== actual.length || !timingSafeEqual(expected, actual)) throw new BadSyncTokenError("signature");
    let p: Payload;
    try {
      p = JSON.parse(Buffer.from(body, "base64url").toString("utf8")) as Payload;
    } catch {
      throw new BadSyncTokenError("payload");
    }
    return readPayload(p);
  }

  private mac(kid: string, data: string): string {
    return createHmac("sha256", this.#keys.get(kid) as Buffer).update(data).digest("base64url");
  }
}

/** The cursor a verified token's payload holds, frozen; the checks every decode makes. */
function readPayload(p: Payload): IssuedCursor {
  // The MAC says we wrote it, not that this version of us can read it (old formats, bugs).
  if (p === null || typeof p !== "object" || p.v !== 1 || !API_VERSIONS.includes(p.a)
    || !(p.s === 0 || (Array.isArray(p.s) && p.s.every((x) => typeof x === "string")))
    || typeof p.m !== "string" || typeof p.c !== "string" || !Number.isSafeInteger(p.f) || !Number.isSafeInteger(p.i)) {
    throw new BadSyncTokenError("payload");
  }
  if (p.w !== undefined && p.e !== undefined) throw new BadSyncTokenError("payload");
  const scope = p.w !== undefined ? readScope(p.w) : p.e !== undefined ? readEventsScope(p.e) : undefined;
  const binding = {
    mailboxId: p.m, apiVersion: p.a, select: p.s === 0 ? null : Object.freeze(p.s) as string[], caller: p.c, issuedAt: p.i,
    ...(scope && { scope }),
  };
  if (p.k === "p" && typeof p.t === "number" && typeof p.p === "number") {
    return Object.freeze({ kind: "page", since: p.f, upTo: p.t, after: p.p, ...binding });
  }
  if (p.k === "r") return Object.freeze({ kind: "round", since: p.f, ...binding });
  throw new BadSyncTokenError("token of the wrong kind for this parameter");
}

function scopeFields(scope: DeltaScope | undefined): Pick<Payload, "w" | "e"> {
  if (!scope) return {};
  if (scope.resource === "calendarView") return { w: [scope.calendarId, scope.window.startMs, scope.window.endMs, scope.viaDefault ? 1 : 0] };
  return { e: [scope.calendarId, scope.startMs] };
}

function readEventsScope(e: unknown): DeltaScope {
  if (!Array.isArray(e) || e.length !== 2 || !(e[0] === null || typeof e[0] === "string") || !(e[1] === null || Number.isSafeInteger(e[1]))) {
    throw new BadSyncTokenError("payload");
  }
  return Object.freeze({ resource: "events", calendarId: e[0] as string | null, startMs: e[1] as number | null });
}

function readScope(w: unknown): DeltaScope {
  if (!Array.isArray(w) || w.length !== 4 || typeof w[0] !== "string" || !Number.isSafeInteger(w[1]) || !Number.isSafeInteger(w[2])
    || (w[3] !== 0 && w[3] !== 1)) {
    throw new BadSyncTokenError("payload");
  }
  return Object.freeze({
    resource: "calendarView", calendarId: w[0], viaDefault: w[3] === 1,
    window: Object.freeze({ startMs: w[1] as number, endMs: w[2] as number }),
  });
}
