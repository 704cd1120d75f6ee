// Case 8 (issue 10 "Performance", calendarView/delta): the no-change poll against bare node:http
// serving the same bytes (as case 2 does for calendars/delta), the one-change poll of a full
// mailbox against a nearly empty one (as case 3 does for store size), and the initial round of a
// one-year window in items/s against JSON.stringify of the same items. One graphcal child; the
// mailboxes are filled through EventService (server-child createEvents), the delta rounds are
// prepared in the child (prepareEventDelta) and then polled over HTTP with real tokens.
import { cpuSeconds } from "./children.js";
import { ServerChild } from "./children.js";
import { DAY, manySeries, SERIES, singles, SINGLES, utc } from "./case-events.js";
import {
  agent, bodyOk, capture, clientBoundNote, compare, cpuPerReq, freshDir, median, out, pairedRatio, quietWait, RATIO_HEADERS, ratioLine,
  SERVER_CPU, startBare, toCaptured, verdicts, type Series,
} from "./harness.js";
import type { Target } from "./load.js";
import { fmt, table } from "./report.js";
import type { BareRoutes } from "./server-child.js";
import { request as httpRequest } from "node:http";

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

function getPage(port: number, path: string, headers: Record<string, string>): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: "127.0.0.1", port, path, headers, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString("utf8") }));
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end();
  });
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

interface Round { seconds: number; serverCpu: number; pages: unknown[]; items: number; bytes: number }

/** One complete initial round over HTTP (a client that parses each page and keeps it). */
async function initialRound(server: ServerChild, token: string, query: string, pageSize: number): Promise<Round> {
  const headers = { ...bearer(token), prefer: `odata.maxpagesize=${pageSize}` };
  let path = `/v1.0/me/calendarView/delta?${query}`;
  const pages: unknown[] = [];
  let items = 0;
  let bytes = 0;
  const cpu0 = cpuSeconds(server.pid);
  const t0 = performance.now();
  for (;;) {
    const r = await getPage(server.port, path, headers);
    if (r.status !== 200) throw new Error(`initial round: status ${r.status}: ${r.text.slice(0, 300)}`);
    bytes += r.text.length;
    const body = JSON.parse(r.text) as { value: unknown[]; "@odata.nextLink"?: string; "@odata.deltaLink"?: string };
    pages.push(body);
    items += body.value.length;
    if (body["@odata.deltaLink"]) break;
    const next = new URL(body["@odata.nextLink"] as string);
    path = `${next.pathname}${next.search}`;
  }
  return { seconds: (performance.now() - t0) / 1000, serverCpu: cpuSeconds(server.pid) - cpu0, pages, items, bytes };
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

/** 8c: the initial round of a one-year window over the big mailbox (info). */
async function initialCase(server: ServerChild, token: string, nowMs: number): Promise<void> {
  const from = Math.floor(nowMs / 3_600_000) * 3_600_000 - 182 * DAY;
  const query = `startDateTime=${iso(from)}&endDateTime=${iso(from + 365 * DAY)}`;
  out(`\n### 8c — initial calendarView/delta round of a one-year window (${query}) over the big mailbox`);
  const rows: string[][] = [];
  for (const pageSize of [1000, 100]) {
    const rounds: Round[] = [];
    for (let i = 0; i < (pageSize === 1000 ? 3 : 2); i++) {
      await quietWait();
      rounds.push(await initialRound(server, token, query, pageSize));
    }
    const sec = median(rounds.map((r) => r.seconds));
    const last = rounds[rounds.length - 1] as Round;
    const rate = last.items / sec;
    const cpuUsPerItem = median(rounds.map((r) => (r.serverCpu * 1e6) / r.items));
    const json = stringifyRate(last);
    rows.push([`maxpagesize=${pageSize}`, fmt.int(last.items), String(last.pages.length), `${(last.bytes / 1e6).toFixed(1)} MB`,
      `${sec.toFixed(2)} s`, fmt.int(rate), cpuUsPerItem.toFixed(1), fmt.int(json), fmt.x(rate / json)]);
    verdicts.push({
      target: `8c. initial round, 1-year window, maxpagesize=${pageSize}: items/s (÷ JSON.stringify of the same items; no target)`,
      measured: `${fmt.int(rate)}/s (${fmt.x(rate / json)})`, pass: undefined,
    });
  }
  out(table(["variant (median of rounds)", "items", "pages", "body", "round wall time", "items/s", "server CPU µs/item",
    "JSON.stringify items/s (this process)", "round ÷ stringify"], rows));
  out("items/s = items ÷ wall time of the round over HTTP (server work + transfer + this process's JSON.parse of each page); "
    + "JSON.stringify = the same page bodies stringified in this process. The sync client has no events mode on this branch base, "
    + "so its rate is not measured here.");
}
