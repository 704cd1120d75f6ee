// Case 8 (issue 10 "Performance", calendarView/delta): the no-change poll against bare node:http
// serving the same bytes (as case 2 does for calendars/delta), the one-change poll of a full
// mailbox against a nearly empty one (as case 3 does for store size), and the initial round of a
// one-year window in items/s against JSON.stringify of the same items. One graphcal child; the
// mailboxes are filled through EventService (server-child createEvents), the delta rounds are
// prepared in the child (prepareEventDelta) and then polled over HTTP with real tokens. 8d: the
// year round's later pages against bare node:http (bench/pages-vs-bare.ts).
import { cpuSeconds } from "./children.js";
import { ServerChild } from "./children.js";
import { DAY, manySeries, SERIES, singles, SINGLES, utc } from "./case-events.js";
import {
  getText, bodyOk, capture, clientBoundNote, compare, cpuPerReq, freshDir, median, out, pairedRatio, quietWait, RATIO_HEADERS, ratioLine,
  SERVER_CPU, startBare, toCaptured, verdicts, type Series,
} from "./harness.js";
import type { Target } from "./load.js";
import { fmt, table } from "./report.js";
import type { BareRoutes } from "./server-child.js";
import { DeltaSync, MemoryLocalStore } from "../dist/client/index.js";
import { pagesVsBare } from "./pages-vs-bare.js";

const SMALL_EVENTS = 100;
/** Windows polled per mailbox (each its own deltaLink): one-week windows shifted by an hour each. */
const WINDOWS = 10;

interface Provisioned { mailbox: { id: string }; token: string }
interface PreparedWindows { token: string; windows: { oneChange: string; noChange: string; initialItems: number; initialPages: number }[] }

const iso = (ms: number) => `${new Date(ms).toISOString().slice(0, 19)}Z`;
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

/** One-week windows from now − 3 days (+ i hours): all hold now + 1 day, where the one write lands. */
function weekWindows(nowMs: number): { start: string; end: string }[] {
  const from = Math.floor(nowMs / 3_600_000) * 3_600_000 - 3 * DAY;
  return Array.from({ length: WINDOWS }, (_, i) => ({ start: iso(from + i * 3_600_000), end: iso(from + i * 3_600_000 + 7 * DAY) }));
}

/** The one write after the deltaLinks were taken: a 30-minute event tomorrow (inside every window). */
function oneWrite(nowMs: number): unknown {
  const start = Math.floor((nowMs + DAY) / 1_800_000) * 1_800_000;
  return { subject: "bench 8 the one change", start: utc(start), end: utc(start + 1_800_000) };
}

export async function caseEventDelta(): Promise<void> {
  out("\n## Case 8 — event delta: calendarView/delta no-change poll vs bare node:http, one-change poll cost vs mailbox size, initial round rate");
  const t0 = performance.now();
  const server = await ServerChild.start("graphcal:event-delta", { BENCH_DATA_DIR: freshDir("case8") }, SERVER_CPU);
  try {
    const nowMs = Date.now();
    const [big, small] = await server.call<Provisioned[]>("provision", { count: 2, prefix: "case8-u" });
    if (!big || !small) throw new Error("no mailbox");
    const a = await server.call<{ seconds: number }>("createEvents", { user: big.mailbox.id, bodies: singles(nowMs, SINGLES) });
    const b = await server.call<{ seconds: number }>("createEvents", { user: big.mailbox.id, bodies: manySeries(nowMs) });
    await server.call("createEvents", { user: small.mailbox.id, bodies: singles(nowMs, SMALL_EVENTS) });
    const windows = weekWindows(nowMs);
    const pBig = await server.call<PreparedWindows>("prepareEventDelta", { user: big.mailbox.id, windows, write: oneWrite(nowMs) });
    const pSmall = await server.call<PreparedWindows>("prepareEventDelta", { user: small.mailbox.id, windows, write: oneWrite(nowMs) });
    const first = pBig.windows[0];
    out(`setup (${((performance.now() - t0) / 1000).toFixed(1)} s): big mailbox = ${SINGLES.toLocaleString("en-US")} single events (2 years around now) `
      + `created through EventService in ${a.seconds.toFixed(1)} s + ${SERIES} noEnd series in ${b.seconds.toFixed(1)} s; small mailbox = `
      + `${SMALL_EVENTS} single events. In each, ${WINDOWS} one-week windows (now − 3 days + i hours, i < ${WINDOWS}): a complete initial `
      + `calendarView/delta round (maxpagesize=1000; big: ${first?.initialItems ?? "?"} items in ${first?.initialPages ?? "?"} page(s) per window, `
      + `small: ${pSmall.windows[0]?.initialItems ?? "?"}) → deltaLink L1; then ONE event created tomorrow (inside every window) through POST; `
      + "L1 polled → exactly 1 item and deltaLink L2; L2 polled → 0 items (all verified). Tokens are stateless, so every request for L1 is "
      + "again a poll that sees exactly one change, and every request for L2 a no-change poll; nothing else is written to these mailboxes.");
    await noChangeCase(server, pBig);
    await oneChangeCase(server, pBig, pSmall);
    await initialCase(server, big.token, nowMs);
    out(`\n### 8d — the one-year window's initial round at maxpagesize=100: pages, each asked for once, vs bare node:http serving the same page bytes`);
    await pagesVsBare({ id: "8d", what: "calendarView/delta initial round", server, firstPath: `/v1.0/me/calendarView/delta?${yearQuery(nowMs)}`, headers: { ...bearer(big.token), prefer: "odata.maxpagesize=100" },
      user: big.mailbox.id, appPath: (id) => `/v1.0/users/${id}/calendarView/delta?${yearQuery(nowMs)}` });
  } finally {
    await server.close();
  }
  out(`(case 8: ${((performance.now() - t0) / 1000).toFixed(0)} s)`);
}

/** 8a: L2 polled, against bare node:http answering each URL with the bytes graphcal sent for it (case 2's machinery). */
async function noChangeCase(server: ServerChild, p: PreparedWindows): Promise<void> {
  out("\n### 8a — no-change calendarView/delta poll (big mailbox, one of 10 window deltaLinks at random) vs bare node:http, same bytes");
  const targets: Target[] = p.windows.map((w) => ({ path: w.noChange, headers: bearer(p.token) }));
  const routes: BareRoutes = {};
  for (const t of targets) {
    const r = await capture(server.port, t);
    bodyOk(r, "no-change event delta poll");
    if ((JSON.parse(r.body.toString()) as { value: unknown[] }).value.length !== 0) throw new Error("a no-change poll returned items");
    routes[t.path] = toCaptured(r);
  }
  const bare = await startBare("case8", routes);
  try {
    const gLabel = "graphcal calendarView/delta no-change poll";
    const bLabel = "bare node:http, same bytes";
    const m = await compare([
      { label: gLabel, server, targets },
      { label: bLabel, server: bare, targets },
    ]);
    const g = m.get(gLabel) as Series;
    const bs = m.get(bLabel) as Series;
    out();
    out(table(RATIO_HEADERS, [ratioLine("graphcal ÷ bare (target req/s >= 0.60x)", g, bs)]));
    clientBoundNote("bare node:http", bs.median);
    const ratio = pairedRatio(g, bs, (r) => r.rps);
    verdicts.push({ target: "8a. calendarView/delta no-change poll graphcal ÷ bare req/s >= 0.60x", measured: fmt.x(ratio), pass: ratio >= 0.6 });
    const cost = pairedRatio(g, bs, cpuPerReq);
    verdicts.push({ target: "8a. calendarView/delta no-change poll cost: graphcal ÷ bare server CPU/req <= 1.30x", measured: fmt.x(cost), pass: cost <= 1.3 });
  } finally {
    await bare.close();
  }
}

/** 8b: L1 polled (exactly one change each time) in the big mailbox and in the small one. */
async function oneChangeCase(server: ServerChild, big: PreparedWindows, small: PreparedWindows): Promise<void> {
  out(`\n### 8b — one-change calendarView/delta poll: ${SINGLES.toLocaleString("en-US")} events + ${SERIES} noEnd series vs ${SMALL_EVENTS} events `
    + `(same server, ${WINDOWS} deltaLinks each, one at random per request)`);
  const targets = (p: PreparedWindows): Target[] => p.windows.map((w) => ({ path: w.oneChange, headers: bearer(p.token) }));
  const bLabel = "one-change poll, big mailbox";
  const sLabel = "one-change poll, small mailbox";
  const m = await compare([
    { label: bLabel, server, targets: targets(big) },
    { label: sLabel, server, targets: targets(small) },
  ]);
  const bs = m.get(bLabel) as Series;
  const ss = m.get(sLabel) as Series;
  const byRps = pairedRatio(ss, bs, (r) => r.rps);
  const byCpu = pairedRatio(bs, ss, cpuPerReq);
  out();
  out(table(RATIO_HEADERS, [ratioLine("big ÷ small", bs, ss)]));
  out(`cost big ÷ small: by throughput (small req/s ÷ big req/s) ${fmt.x(byRps)}, by server CPU per request ${fmt.x(byCpu)}`);
  verdicts.push({ target: "8b. one-change poll cost, 10k events + 200 series ÷ 100 events (small req/s ÷ big req/s) <= 1.25x", measured: fmt.x(byRps), pass: byRps <= 1.25 });
}

interface Round { seconds: number; serverCpu: number; pages: unknown[]; pageSeconds: number[]; items: number; bytes: number; complete: boolean }

/**
 * A complete initial round over HTTP (a client that parses each page and keeps it), or only its
 * first `maxPages` pages.
 */
async function initialRound(server: ServerChild, token: string, query: string, pageSize: number, maxPages = Infinity): Promise<Round> {
  const headers = { ...bearer(token), prefer: `odata.maxpagesize=${pageSize}` };
  let path = `/v1.0/me/calendarView/delta?${query}`;
  const pages: unknown[] = [];
  const pageSeconds: number[] = [];
  let items = 0;
  let bytes = 0;
  let complete = false;
  const cpu0 = cpuSeconds(server.pid);
  const t0 = performance.now();
  while (pages.length < maxPages) {
    const p0 = performance.now();
    const r = await getText(server.port, path, headers);
    if (r.status !== 200) throw new Error(`initial round: status ${r.status}: ${r.text.slice(0, 300)}`);
    bytes += r.text.length;
    const body = JSON.parse(r.text) as { value: unknown[]; "@odata.nextLink"?: string; "@odata.deltaLink"?: string };
    pageSeconds.push((performance.now() - p0) / 1000);
    pages.push(body);
    items += body.value.length;
    if (body["@odata.deltaLink"]) {
      complete = true;
      break;
    }
    const next = new URL(body["@odata.nextLink"] as string);
    path = `${next.pathname}${next.search}`;
  }
  return { seconds: (performance.now() - t0) / 1000, serverCpu: cpuSeconds(server.pid) - cpu0, pages, pageSeconds, items, bytes, complete };
}

/** JSON.stringify of the round's page bodies (the same items), items per second, repeated for at least 0.5 s. */
function stringifyRate(round: Round): number {
  for (const page of round.pages) JSON.stringify(page); // warm-up
  let n = 0;
  const t0 = performance.now();
  while (performance.now() - t0 < 500) {
    for (const page of round.pages) JSON.stringify(page);
    n++;
  }
  return (n * round.items) / ((performance.now() - t0) / 1000);
}

const PARTIAL_PAGES = 5;
/** Wall time a measured round may take; past it the round is extrapolated from its pages (keeps case 8 near 2 minutes). */
const ROUND_BUDGET_S = 15;

/** How many items the initial round holds: calendarView's $count (instances) + the series masters, which the round sends too. */
async function roundItems(server: ServerChild, token: string, query: string): Promise<number> {
  const r = await capture(server.port, { path: `/v1.0/me/calendarView?${query}&$count=true&$top=1`, headers: bearer(token) });
  bodyOk(r, "calendarView $count");
  return (JSON.parse(r.body.toString()) as { "@odata.count": number })["@odata.count"] + SERIES;
}

/**
 * 8c: the initial round of a one-year window over the big mailbox (info), at the largest page
 * (1000) and at 100, and the sync client's events mode doing the same round into a memory store.
 * The round's groups are computed once, on its first page (RoundCache), and every later page
 * slices them; a round that would still outlast ROUND_BUDGET_S is stopped there and its time
 * extrapolated (median page time × pages needed; items from calendarView $count + masters).
 */
const yearFrom = (nowMs: number) => Math.floor(nowMs / 3_600_000) * 3_600_000 - 182 * DAY;
const yearQuery = (nowMs: number) => `startDateTime=${iso(yearFrom(nowMs))}&endDateTime=${iso(yearFrom(nowMs) + 365 * DAY)}`;

async function initialCase(server: ServerChild, token: string, nowMs: number): Promise<void> {
  const from = yearFrom(nowMs);
  const query = yearQuery(nowMs);
  out(`\n### 8c — initial calendarView/delta round of a one-year window (${query}) over the big mailbox`);
  const expected = await roundItems(server, token, query);
  const rows: string[][] = [];
  for (const pageSize of [1000, 100]) {
    await quietWait();
    // Pages within the budget, judged by the first page's time (at least PARTIAL_PAGES).
    const probe = await initialRound(server, token, query, pageSize, 1);
    const perPage = probe.pageSeconds[0] ?? 1;
    const pagesNeeded = Math.ceil(expected / pageSize);
    const whole = probe.complete || perPage * pagesNeeded <= ROUND_BUDGET_S;
    const round = probe.complete ? probe
      : await initialRound(server, token, query, pageSize, whole ? Infinity : Math.max(PARTIAL_PAGES, Math.floor(ROUND_BUDGET_S / perPage)));
    const items = round.complete ? round.items : expected;
    const seconds = round.complete ? round.seconds : median(round.pageSeconds) * pagesNeeded;
    const est = round.complete ? "" : " (est.)";
    const rate = items / seconds;
    const json = stringifyRate(round);
    rows.push([
      `maxpagesize=${pageSize}${round.complete ? ", whole round" : `, first ${round.pages.length} pages timed`}`,
      `${fmt.int(items)}${est}`, `${round.complete ? round.pages.length : pagesNeeded}${est}`, `${seconds.toFixed(1)} s${est}`,
      `${fmt.int(rate)}${est}`, ((round.serverCpu * 1e6) / round.items).toFixed(0),
      `${(median(round.pageSeconds) * 1000).toFixed(0)} ms`, fmt.int(json), fmt.x(rate / json),
    ]);
    verdicts.push({
      target: `8c. initial round, 1-year window (10k events + 200 series), maxpagesize=${pageSize}: items/s (÷ JSON.stringify of the same items; no target)`,
      measured: `${fmt.int(rate)}/s${est} (${fmt.x(rate / json)})`, pass: undefined,
    });
  }
  out(table(["variant", "items", "pages", "round wall time", "items/s", "server CPU µs/item", "page wall time (median)",
    "JSON.stringify items/s (this process)", "round ÷ stringify"], rows));
  out("items/s = items ÷ wall time of the round over HTTP (server work + transfer + this process's JSON.parse of each page); "
    + "JSON.stringify = the same page bodies (those fetched) stringified in this process. (est.): the round would have outlasted "
    + `${ROUND_BUDGET_S} s, so only its first pages were timed and the round extrapolated, items = calendarView $count of the window + `
    + `${SERIES} masters (${fmt.int(expected)}).`);
  // The sync client (graphcal/client, events mode) over the same window into a memory store.
  await quietWait();
  const sync = new DeltaSync({
    baseUrl: `http://127.0.0.1:${server.port}/v1.0`, store: new MemoryLocalStore(), token, pageSize: 1000,
    resource: { kind: "calendarView", start: new Date(from), end: new Date(from + 365 * DAY) },
  });
  const started = performance.now();
  const summary = await sync.runRound();
  const seconds = (performance.now() - started) / 1000;
  await sync.close();
  out(`sync client, events mode (maxpagesize=1000, memory store): ${fmt.int(summary.items)} items in ${summary.pages} pages, `
    + `${seconds.toFixed(1)} s = ${fmt.int(summary.items / seconds)} items/s (staging, commit and the HTTP round included).`);
  verdicts.push({
    target: "8c. sync client events mode, same initial round (maxpagesize=1000): items/s (no target)",
    measured: `${fmt.int(summary.items / seconds)}/s`, pass: undefined,
  });
}
