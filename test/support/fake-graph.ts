// A scripted stand-in for Graph's delta endpoint, as an injectable `fetch`, for the client's
// unit tests (the end-to-end suites in test/sync/ use the real server instead).

export interface FakeResponse {
  status?: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** Fail like a connection reset before any response. */
  drop?: boolean;
}

export interface FakeRequest {
  url: string;
  headers: Record<string, string>;
}

export const BASE = "https://graph.example/beta";
export const INITIAL = `${BASE}/me/calendars/delta`;
export const skip = (n: number | string) => `${INITIAL}?$skiptoken=s${n}`;
export const delta = (n: number | string) => `${INITIAL}?$deltatoken=d${n}`;

/** A delta page: `next` makes it a nextLink page, otherwise it ends the round at `deltaLink`. */
export function page(value: unknown[], links: { next?: string; deltaLink?: string }): FakeResponse {
  return {
    body: {
      "@odata.context": `${BASE}/$metadata#Collection(calendar)`,
      value,
      ...(links.next ? { "@odata.nextLink": links.next } : { "@odata.deltaLink": links.deltaLink }),
    },
  };
}

export const cal = (id: string, props: Record<string, unknown> = {}) => ({ "@odata.type": "#microsoft.graph.calendar", id, name: id, ...props });
export const removed = (id: string) => ({ "@odata.type": "#microsoft.graph.calendar", id, "@removed": { reason: "deleted" } });

export function graphError(status: number, code: string, headers: Record<string, string> = {}): FakeResponse {
  return { status, headers, body: { error: { code, message: `${code} (fake)`, innerError: { date: "2026-03-01T10:00:00" } } } };
}

/**
 * `routes` maps a URL to its response, or to a queue of responses consumed one per request
 * (the last one repeats). Unknown URLs answer 404.
 */
export function fakeGraph(routes: Record<string, FakeResponse | FakeResponse[]>) {
  const requests: FakeRequest[] = [];
  const served = new Map<string, number>();
  const fetch = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const url = String(input);
    const headers = Object.fromEntries(new Headers(init?.headers).entries());
    requests.push({ url, headers });
    const route = routes[url];
    if (route === undefined) return new Response(JSON.stringify({ error: { code: "NotFound", message: url } }), { status: 404 });
    const queue = Array.isArray(route) ? route : [route];
    const n = served.get(url) ?? 0;
    served.set(url, n + 1);
    const res = queue[Math.min(n, queue.length - 1)]!;
    if (res.drop) throw new TypeError("fetch failed", { cause: Object.assign(new Error("socket hang up"), { code: "ECONNRESET" }) });
    return new Response(JSON.stringify(res.body ?? {}), { status: res.status ?? 200, headers: { "content-type": "application/json", ...res.headers } });
  };
  return { fetch: fetch as typeof globalThis.fetch, requests, urls: () => requests.map((r) => r.url) };
}
