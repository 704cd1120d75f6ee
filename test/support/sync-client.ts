// A minimal delta client for tests: follows links, applies pages, asserts the wire contract.

export type LocalStore = Map<string, Record<string, unknown>>;

export interface RoundResult {
  deltaLink: string;
  pages: number;
  seen: string[];
}

/**
 * Runs one round from `startUrl` (an initial delta URL or a deltaLink), applying each page to
 * `store`: upserts replace, @removed deletes. `fetchJson` decides which instance serves a page.
 */
export async function syncRound(
  fetchJson: (url: string, pageIndex: number) => Promise<{ status: number; body: any }>,
  startUrl: string,
  store: LocalStore,
): Promise<RoundResult> {
  let url = startUrl;
  const seen: string[] = [];
  for (let page = 0; page < 100_000; page++) {
    const res = await fetchJson(url, page);
    if (res.status !== 200) throw new Error(`delta page ${page} answered ${res.status}: ${JSON.stringify(res.body)}`);
    const body = res.body;
    if (!Array.isArray(body.value)) throw new Error("page without value array");
    const next = body["@odata.nextLink"];
    const delta = body["@odata.deltaLink"];
    if ((next === undefined) === (delta === undefined)) throw new Error("page must carry exactly one of nextLink/deltaLink");
    for (const item of body.value) {
      seen.push(item.id);
      if (item["@removed"]) store.delete(item.id);
      else {
        const { "@odata.type": _type, ...calendar } = item;
        store.set(item.id, calendar);
      }
    }
    if (delta) return { deltaLink: delta, pages: page + 1, seen };
    url = next;
  }
  throw new Error("round did not end");
}

/** Rewrites a link's origin (to take a page from another server instance). */
export function onOrigin(link: string, origin: string): string {
  const u = new URL(link);
  return `${origin}${u.pathname}${u.search}`;
}
