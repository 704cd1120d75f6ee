// Cases 4b and 8d (issue 15, point 2): page assembly of an initial round against bare node:http
// serving the same page bytes. A round's pages are captured once by following its nextLinks, and
// bare node:http answers each later page's URL with its captured bytes (one at random per
// request). graphcal is measured two ways:
// - the verdict: initial sync as clients do it. Each connection is an app of its own that pages
//   through the mailbox's round from its first page, follows each nextLink once and starts over
//   after the deltaLink (bench/chain-load.ts). Every URL is new, so nothing is answered again
//   from what an earlier request kept: this is what a page costs the first time it is asked for
//   (the page made ahead included, app.ts). The 50 apps read one round, so item and page JSON
//   are shared between them (catalogue entries 11 and 14), as between clients of one mailbox.
// - for information: the captured later pages at random, as bare serves them. Tokens are
//   stateless, so each is the same page again, which the edge answers from the kept answer
//   (http/poll-replay.ts): what a retry or a second client on the same links costs.
import type { ServerChild } from "./children.js";
import {
  bodyOk, capture, clientBoundNote, CONNECTIONS, compare, cpuPerReq, FASTIFY_LABEL, out, pairedRatio, startBare, threeWayTable, toCaptured,
  verdicts, type Series,
} from "./harness.js";
import { measure, type Target } from "./load.js";
import { fmt } from "./report.js";
import type { BareRoutes } from "./server-child.js";

interface PagesOptions {
  /** Verdict prefix, e.g. "4b". */
  id: string;
  what: string;
  server: ServerChild;
  firstPath: string;
  headers: Record<string, string>;
  /** The mailbox (id or UPN) and its round's first page as an app reads it (`/users/{id}/…`). */
  user: string;
  appPath: (mailboxId: string) => string;
}

const pathOf = (link: string) => {
  const u = new URL(link);
  return `${u.pathname}${u.search}`;
};

/** Follows the round from its first page; returns every later page's path with its captured answer. */
async function capturePages(o: PagesOptions): Promise<{ targets: Target[]; routes: BareRoutes; items: number; bytes: number }> {
  const targets: Target[] = [];
  const routes: BareRoutes = {};
  let items = 0;
  let bytes = 0;
  let path = o.firstPath;
  for (let page = 0; ; page++) {
    const r = await capture(o.server.port, { path, headers: o.headers });
    bodyOk(r, `${o.what} page ${page}`);
    const body = JSON.parse(r.body.toString()) as { value: unknown[]; "@odata.nextLink"?: string; "@odata.deltaLink"?: string };
    if (page > 0) {
      targets.push({ path, headers: o.headers });
      routes[path] = toCaptured(r);
      items += body.value.length;
      bytes += r.body.length;
    }
    if (body["@odata.deltaLink"]) break;
    path = pathOf(body["@odata.nextLink"] as string);
  }
  if (targets.length === 0) throw new Error(`${o.what}: the round has a single page`);
  return { targets, routes, items, bytes };
}

/** Measures graphcal's later pages against bare node:http; pushes the verdict (bare cost ÷ graphcal cost ≥ 0.5x). */
export async function pagesVsBare(o: PagesOptions): Promise<void> {
  const { targets, routes, items, bytes } = await capturePages(o);
  const bare = await startBare(`pages-${o.id}`, routes);
  const fastify = await startBare(`pages-${o.id}`, routes, "fastify");
  try {
    out(`${targets.length} later pages captured (${fmt.int(items / targets.length)} items, ${fmt.int(bytes / targets.length)} body bytes `
      + "a page on average); each request picks one at random. bare node:http answers each URL with its captured bytes.");
    // One app per connection, each paging through the mailbox on links of its own.
    const apps = await o.server.call<{ mailboxId: string; tokens: string[] }>("appTokens", { user: o.user, count: CONNECTIONS });
    const callers = apps.tokens.map((token) => ({ ...o.headers, authorization: `Bearer ${token}` }));
    // What answered the followed rounds: every URL is new, so a page sent at the edge is one
    // made ahead while the page before it was read (http/poll-replay.ts), never a repeat.
    const followed = { port: o.server.port, serverPid: o.server.pid, connections: CONNECTIONS, warmupSeconds: 0, seconds: 2 };
    const before = await o.server.call<number>("replayed");
    const probe = await measure({ ...followed, targets: [{ path: o.appPath(apps.mailboxId), headers: o.headers, follow: { callers } }] });
    const replayed = (await o.server.call<number>("replayed")) - before;
    out(`each client paging through its own round: ${fmt.int(probe.responses)} pages in 2 s, ${fmt.int(replayed)} of them sent at the edge (made ahead), the rest by the pipeline`);
    const cLabel = `graphcal ${o.what}, each client pages through its own round`;
    const gLabel = `graphcal ${o.what}, captured later pages again`;
    const bLabel = "bare node:http, same page bytes";
    const m = await compare([
      { label: cLabel, server: o.server, targets: [{ path: o.appPath(apps.mailboxId), headers: o.headers, follow: { callers } }] },
      { label: bLabel, server: bare, targets },
      { label: FASTIFY_LABEL, server: fastify, targets },
      { label: gLabel, server: o.server, targets },
    ]);
    const c = m.get(cLabel) as Series;
    const g = m.get(gLabel) as Series;
    const b = m.get(bLabel) as Series;
    const f = m.get(FASTIFY_LABEL) as Series;
    out();
    out(threeWayTable(c, b, f));
    out(`captured later pages asked for again (answered at the edge): bare µs/page ÷ graphcal µs/page = ${fmt.x(pairedRatio(b, g, cpuPerReq))}`);
    clientBoundNote("bare node:http", b.median);
    // The rate each server could serve pages at on its own core = 1 ÷ its CPU per page.
    const rate = pairedRatio(b, c, cpuPerReq);
    const rps = pairedRatio(c, b, (r) => r.rps);
    out(`initial sync page rate graphcal ÷ bare by server CPU per page (bare µs/page ÷ graphcal µs/page) = ${fmt.x(rate)}; by req/s ${fmt.x(rps)}`);
    verdicts.push({
      target: `${o.id}. ${o.what}, each page asked for once: graphcal ÷ bare page rate (server CPU/page) >= 0.50x`,
      measured: `${fmt.x(rate)} (req/s ${fmt.x(rps)})`, pass: rate >= 0.5,
    });
  } finally {
    await Promise.all([bare.close(), fastify.close()]);
  }
}
