// App-only tokens by the OAuth 2.0 client credentials grant, as the Microsoft identity
// platform serves it (and graphcal's /{tenant}/oauth2/v2.0/token).
// see: https://learn.microsoft.com/entra/identity-platform/v2-oauth2-client-creds-grant-flow
import { DEFAULT_RETRY } from "./retry-policy.js";
import { defaultRuntime, fetchWithRetry } from "./retrying-fetch.js";
import { cachedAccessTokenSource, type AccessTokenSource } from "./access-token-source.js";

/**
 * Options of {@link clientCredentials}.
 *
 * @example
 * const options: ClientCredentialsOptions = {
 *   authority: "https://login.microsoftonline.com/contoso.onmicrosoft.com",
 *   clientId: "…", clientSecret: process.env.CLIENT_SECRET!,
 * };
 */
export interface ClientCredentialsOptions {
  /** `https://login.microsoftonline.com/{tenant}`, or graphcal's `http://host:port/{tenant}`. */
  authority: string;
  clientId: string;
  clientSecret: string;
  /** Default `https://graph.microsoft.com/.default` (graphcal accepts the same). */
  scope?: string;
  fetch?: typeof globalThis.fetch;
  now?: () => number;
}

/**
 * A token source that POSTs to `{authority}/oauth2/v2.0/token` and caches the token until two
 * minutes before `expires_in` runs out.
 *
 * @example
 * const token = clientCredentials({
 *   authority: "http://127.0.0.1:8080/contoso",
 *   clientId: "c0ffee00-cafe-4bad-a55e-000000000001", clientSecret: "graphcal-demo-secret",
 * });
 * const sync = new DeltaSync({ baseUrl: "http://127.0.0.1:8080/beta", userId: "adelev@contoso.com", store, token });
 */
export function clientCredentials(options: ClientCredentialsOptions): AccessTokenSource {
  const endpoint = `${options.authority.replace(/\/+$/, "")}/oauth2/v2.0/token`;
  const now = options.now ?? Date.now;
  const rt = {
    ...defaultRuntime(), ...(options.fetch && { fetch: options.fetch }),
    retry: { ...DEFAULT_RETRY, maxRetries: 3 },
  };
  return cachedAccessTokenSource(async (signal) => {
    const body = new URLSearchParams({
      grant_type: "client_credentials", client_id: options.clientId, client_secret: options.clientSecret,
      scope: options.scope ?? "https://graph.microsoft.com/.default",
    });
    const res = await fetchWithRetry(rt, endpoint, () => ({
      method: "POST", body, headers: { "content-type": "application/x-www-form-urlencoded", accept: "application/json" },
    }), signal);
    let json: { access_token?: unknown; expires_in?: unknown; error?: unknown; error_description?: unknown } = {};
    try {
      json = JSON.parse(res.text) as typeof json;
    } catch {
      // reported below
    }
    if (res.status !== 200 || typeof json.access_token !== "string") {
      const why = typeof json.error === "string" ? `${json.error}: ${String(json.error_description ?? "")}` : res.text.slice(0, 200);
      throw new Error(`token endpoint ${endpoint} answered ${res.status}: ${why}`);
    }
    const seconds = Number(json.expires_in);
    return { token: json.access_token, expiresAt: Number.isFinite(seconds) ? now() + seconds * 1000 : undefined };
  }, { now });
}
