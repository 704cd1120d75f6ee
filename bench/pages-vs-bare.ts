// Cases 4b and 8d (issue 15, point 2): page assembly of an initial round against bare node:http
// serving the same page bytes. A round's pages are captured once by following its nextLinks; the
// load then requests its later pages (each nextLink, one at random per request) from graphcal and
// from a bare server that answers each URL with the captured bytes. The first page is left out:
// it is where a round is computed (cases 4 and 8c time that); pages 2… are what "assembly"
// costs while the round is kept. Tokens are stateless, so each nextLink is the same page again.
// A page requested again is answered at the edge (http/poll-replay.ts) while the domain says it
// still holds; a fourth, diagnostic variant sends the same requests with `X-Graphcal-Fault:
// latency=0`, which steps around the replay, so the pipeline assembles each page every time (the
// cost of a page the first time it is asked for).
import type { ServerChild } from "./children.js";
import {
  bodyOk, capture, clientBoundNote, compare, cpuPerReq, FASTIFY_LABEL, out, pairedRatio, startBare, threeWayTable, toCaptured,
  verdicts, type Series,
} from "./harness.js";
import type { Target } from "./load.js";
import { fmt } from "./report.js";
import type { BareRoutes } from "./server-child.js";

interface PagesOptions {
  /** Verdict prefix, e.g. "4b". */
  id: string;
  what: string;
  server: ServerChild;
  firstPath: string;
  headers: Record<string, string>;
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
    const gLabel = `graphcal ${o.what}, later pages`;
    const bLabel = "bare node:http, same page bytes";
    const pLabel = "diagnostic: graphcal pipeline, replay stepped around";
    const piped = targets.map((t) => ({ ...t, headers: { ...t.headers, "x-graphcal-fault": "latency=0" } }));
    const m = await compare([
      { label: gLabel, server: o.server, targets },
      { label: bLabel, server: bare, targets },
      { label: FASTIFY_LABEL, server: fastify, targets },
      { label: pLabel, server: o.server, targets: piped },
    ]);
    const g = m.get(gLabel) as Series;
    const b = m.get(bLabel) as Series;
    const f = m.get(FASTIFY_LABEL) as Series;
    const p = m.get(pLabel) as Series;
    out();
    out(threeWayTable(g, b, f));
    out(`diagnostic: pipeline page rate (bare µs/page ÷ pipeline µs/page) = ${fmt.x(pairedRatio(b, p, cpuPerReq))}: what a page costs when it is first asked for`);
    clientBoundNote("bare node:http", b.median);
    // The rate each server could serve pages at on its own core = 1 ÷ its CPU per page.
    const rate = pairedRatio(b, g, cpuPerReq);
    const rps = pairedRatio(g, b, (r) => r.rps);
    out(`page rate graphcal ÷ bare by server CPU per page (bare µs/page ÷ graphcal µs/page) = ${fmt.x(rate)}; by req/s ${fmt.x(rps)}`);
    verdicts.push({ target: `${o.id}. ${o.what} later pages: graphcal ÷ bare page rate (server CPU/page) >= 0.50x`, measured: `${fmt.x(rate)} (req/s ${fmt.x(rps)})`, pass: rate >= 0.5 });
  } finally {
    await Promise.all([bare.close(), fastify.close()]);
  }
}
