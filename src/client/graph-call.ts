// One Graph JSON request outside a delta round (the subscription calls): bearer token, retries
// for throttling and dropped connections, one token refresh after a 401, and any other non-2xx
// as a GraphRequestError carrying Graph's code and request-id.
import { errorBody } from "./delta-page-reader.js";
import { fetchWithRetry, type Runtime } from "./retrying-fetch.js";
import { DeltaProtocolError, GraphRequestError } from "./sync-errors.js";
import type { AccessTokenSource } from "./access-token-source.js";

export interface GraphCall {
  method: "GET" | "POST" | "PATCH" | "DELETE";
  url: string;
  body?: unknown;
  signal?: AbortSignal | undefined;
}

/** The parsed JSON body of a 2xx answer (undefined for 204 or an empty body). */
export async function callGraph(rt: Runtime, token: AccessTokenSource, call: GraphCall): Promise<unknown> {
  const send = (forceRefresh: boolean) => fetchWithRetry(rt, call.url, async () => ({
    method: call.method,
    headers: {
      authorization: `Bearer ${await token.getToken({ forceRefresh, ...(call.signal && { signal: call.signal }) })}`,
      accept: "application/json",
      "client-request-id": crypto.randomUUID(),
      ...(call.body !== undefined && { "content-type": "application/json" }),
    },
    ...(call.body !== undefined && { body: JSON.stringify(call.body) }),
  }), call.signal);
  let res = await send(false);
  if (res.status === 401) res = await send(true); // the token may just have expired
  if (res.status < 200 || res.status > 299) {
    const { code = "HttpError", message = res.text.slice(0, 200) } = errorBody(res.text);
    throw new GraphRequestError({ status: res.status, code, message, requestId: res.headers.get("request-id") ?? undefined, url: call.url });
  }
  if (res.text === "") return undefined;
  try {
    return JSON.parse(res.text) as unknown;
  } catch {
    throw new DeltaProtocolError(`${call.method} ${call.url} answered ${res.status} with a body that is not JSON`);
  }
}
