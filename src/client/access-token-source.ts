// Where a DeltaSync gets its bearer token. It asks before each request (so a source may
// refresh whenever it likes) and asks with `forceRefresh` once after a 401.

/**
 * Supplies access tokens. `forceRefresh` means the last token was rejected (401): do not
 * answer from a cache.
 *
 * @example
 * const source: AccessTokenSource = { getToken: async () => process.env.GRAPH_TOKEN ?? "" };
 */
export interface AccessTokenSource {
  getToken(options?: { forceRefresh?: boolean; signal?: AbortSignal }): Promise<string>;
}

/** A token string, an {@link AccessTokenSource}, or a function returning a token. */
export type AccessTokenInput = string | AccessTokenSource | ((options: { forceRefresh: boolean }) => string | Promise<string>);

/**
 * Always the same token (it cannot be refreshed, so a 401 ends the sync).
 *
 * @example
 * const sync = new DeltaSync({ baseUrl, store, token: staticToken(process.env.GRAPH_TOKEN!) });
 */
export function staticToken(token: string): AccessTokenSource {
  return { getToken: async () => token };
}

/**
 * Calls `fn` for every request; `fn` decides about caching (MSAL's `acquireTokenSilent` does).
 *
 * @example
 * const token = tokenFunction(async ({ forceRefresh }) =>
 *   (await msal.acquireTokenByClientCredential({ scopes: [".default"], skipCache: forceRefresh }))!.accessToken);
 */
export function tokenFunction(fn: (options: { forceRefresh: boolean }) => string | Promise<string>): AccessTokenSource {
  return { getToken: async (options) => fn({ forceRefresh: options?.forceRefresh ?? false }) };
}

/**
 * Normalises the `token` option of a DeltaSync.
 *
 * @example
 * toAccessTokenSource("eyJ0eXAi…"); // same as staticToken("eyJ0eXAi…")
 */
export function toAccessTokenSource(input: AccessTokenInput): AccessTokenSource {
  if (typeof input === "string") return staticToken(input);
  if (typeof input === "function") return tokenFunction(input);
  return input;
}

/**
 * The `exp` of a JWT in epoch milliseconds, read without verifying (the server verifies);
 * undefined for opaque tokens.
 *
 * @example
 * jwtExpiry(token); // 1767225600000
 */
export function jwtExpiry(token: string): number | undefined {
  const payload = token.split(".")[1];
  if (!payload) return undefined;
  try {
    const exp = (JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as { exp?: unknown }).exp;
    return typeof exp === "number" ? exp * 1000 : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Wraps an expensive token fetch (a command, a token endpoint) in a cache that answers until
 * `refreshBeforeMs` before the token expires, or until a forced refresh. Concurrent callers
 * share one fetch.
 *
 * @example
 * const source = cachedAccessTokenSource(async () => ({ token: await readTokenFile(), expiresAt: Date.now() + 3_600_000 }));
 */
export function cachedAccessTokenSource(
  fetchToken: (signal?: AbortSignal) => Promise<{ token: string; expiresAt?: number | undefined }>,
  options: { now?: () => number; refreshBeforeMs?: number } = {},
): AccessTokenSource {
  const now = options.now ?? Date.now;
  const refreshBeforeMs = options.refreshBeforeMs ?? 120_000;
  let cached: { token: string; expiresAt?: number | undefined } | undefined;
  let pending: Promise<{ token: string; expiresAt?: number | undefined }> | undefined;
  return {
    async getToken(opts) {
      const fresh = cached && (cached.expiresAt === undefined || now() < cached.expiresAt - refreshBeforeMs);
      if (cached && fresh && !opts?.forceRefresh) return cached.token;
      pending ??= fetchToken(opts?.signal).finally(() => {
        pending = undefined;
      });
      cached = await pending;
      return cached.token;
    },
  };
}
