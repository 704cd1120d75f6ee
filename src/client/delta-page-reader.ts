// Fetches one delta page the way Graph wants it asked (spec §7): bearer token, Prefer:
// odata.maxpagesize on every page (Graph does not remember it), retries for throttling and
// dropped connections, one token refresh after a 401, and the 410 family reported as
// SyncStateLostError so the caller can start a full resync.
// see: https://learn.microsoft.com/graph/delta-query-overview
import { Annotation, GraphErrorCode } from "../graph/index.js";
import { fetchWithRetry, type FetchedResponse, type Runtime } from "./retrying-fetch.js";
import { DeltaProtocolError, GraphRequestError, SyncStateLostError } from "./sync-errors.js";
import type { AccessTokenSource } from "./access-token-source.js";

export interface DeltaPage {
  value: unknown[];
  nextLink?: string;
  deltaLink?: string;
}

/** Graph's codes for "your sync state is gone, start over"; compared case-insensitively (spec §7.6). */
const SYNC_STATE_LOST = new Set([GraphErrorCode.SyncStateNotFound, GraphErrorCode.SyncStateInvalid, GraphErrorCode.ResyncRequired].map((c) => c.toLowerCase()));

export function errorBody(text: string): { code?: string; message?: string } {
  try {
    const error = (JSON.parse(text) as { error?: { code?: unknown; message?: unknown } }).error;
    return { ...(typeof error?.code === "string" && { code: error.code }), ...(typeof error?.message === "string" && { message: error.message }) };
  } catch {
    return {};
  }
}

export class DeltaPageReader {
  readonly #rt: Runtime;
  readonly #token: AccessTokenSource;
  readonly #pageSize: number | undefined;
  readonly #origin: string;

  constructor(args: { runtime: Runtime; token: AccessTokenSource; pageSize: number | undefined; baseUrl: string }) {
    this.#rt = args.runtime;
    this.#token = args.token;
    this.#pageSize = args.pageSize;
    this.#origin = new URL(args.baseUrl).origin;
  }

  async read(url: string, signal?: AbortSignal): Promise<DeltaPage> {
    this.#assertOwnOrigin(url);
    let res = await this.#get(url, false, signal);
    if (res.status === 401) res = await this.#get(url, true, signal); // the token may just have expired
    if (res.status === 200) return this.#parse(url, res.text);
    const { code = "HttpError", message = res.text.slice(0, 200) } = errorBody(res.text);
    // 410 on a delta link always means the state is gone; directory resources say the same with 400 syncStateNotFound.
    if (res.status === 410 || SYNC_STATE_LOST.has(code.toLowerCase())) {
      const location = res.headers.get("location");
      throw new SyncStateLostError({ code, message, location: location ? new URL(location, url).href : undefined });
    }
    throw new GraphRequestError({ status: res.status, code, message, requestId: res.headers.get("request-id") ?? undefined, url });
  }

  /** Links must stay on the base URL's origin: following one elsewhere would hand over the token. */
  #assertOwnOrigin(url: string): void {
    if (new URL(url).origin !== this.#origin) {
      throw new DeltaProtocolError(`refusing to send the token to ${new URL(url).origin} (base URL origin is ${this.#origin}); set PUBLIC_BASE_URL on the server, or use that origin as --base-url`);
    }
  }

  #get(url: string, forceRefresh: boolean, signal?: AbortSignal): Promise<FetchedResponse> {
    return fetchWithRetry(this.#rt, url, async () => {
      const token = await this.#token.getToken({ forceRefresh, ...(signal && { signal }) });
      return {
        headers: {
          authorization: `Bearer ${token}`,
          accept: "application/json",
          "client-request-id": crypto.randomUUID(),
          ...(this.#pageSize !== undefined && { prefer: `odata.maxpagesize=${this.#pageSize}` }),
        },
      };
    }, signal);
  }

  #parse(url: string, text: string): DeltaPage {
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(text) as Record<string, unknown>;
    } catch {
      throw new DeltaProtocolError(`${url} answered 200 with a body that is not JSON`);
    }
    const value = body.value;
    const nextLink = body[Annotation.nextLink];
    const deltaLink = body[Annotation.deltaLink];
    if (!Array.isArray(value)) throw new DeltaProtocolError(`${url} answered a page without a value array`);
    if (typeof nextLink === "string") return { value, nextLink: new URL(nextLink, url).href };
    if (typeof deltaLink === "string") return { value, deltaLink: new URL(deltaLink, url).href };
    throw new DeltaProtocolError(`${url} answered a page with neither @odata.nextLink nor @odata.deltaLink`);
  }
}
