import type { TestServer } from "./harness.js";

/**
 * A `fetch` that sends each request through the whole HTTP app in process (Fastify inject), so
 * a client library (DeltaSync) can be driven against a test server of either engine without a
 * socket. Links keep the origin of the URL asked (its host is sent as the Host header).
 */
export function injectFetch(t: TestServer): typeof globalThis.fetch {
  return async (input, init) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    const headers: Record<string, string> = { ...Object.fromEntries(new Headers(init?.headers)), host: url.host };
    const res = await t.server.app.inject({
      method: (init?.method ?? "GET") as "GET", url: `${url.pathname}${url.search}`, headers,
      ...(typeof init?.body === "string" && { payload: init.body }),
    });
    const out = new Headers();
    for (const [name, value] of Object.entries(res.headers)) {
      if (value !== undefined) out.set(name, Array.isArray(value) ? value.join(", ") : String(value));
    }
    const empty = res.statusCode === 204 || res.statusCode === 304;
    return new Response(empty ? null : res.rawPayload, { status: res.statusCode, headers: out });
  };
}
