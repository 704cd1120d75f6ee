// What every bench case shares: settings from the environment, CPU placement, the log, the
// verdicts, and the interleaved A/B/C measurement (compare) with its ratios.
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { Agent, request as httpRequest } from "node:http";
import { cpus } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { pin, ServerChild, waitForQuiet } from "./children.js";
import { measure, type LoadResult, type Target } from "./load.js";
import { fmt, LOAD_HEADERS, loadRow, table, type Verdict } from "./report.js";
import type { BareRoutes, CapturedResponse } from "./server-child.js";

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
export const WORK = join(ROOT, ".bench");
/** This run's scratch folder: one per process, so two bench runs at once do not delete each other's stores. */
export const RUN = join(WORK, `run-${process.pid}`);

/** Removes the scratch folders of earlier runs whose process is gone (a run killed midway leaves one). */
export function removeStaleRuns(): void {
  for (const name of existsSync(WORK) ? readdirSync(WORK) : []) {
    const pid = /^run-(\d+)$/.exec(name)?.[1];
    if (pid && Number(pid) !== process.pid && !existsSync(`/proc/${pid}`)) rmSync(join(WORK, name), { recursive: true, force: true });
  }
}

export const SECONDS = Number(process.env.BENCH_DURATION ?? 8);
export const WARMUP = Number(process.env.BENCH_WARMUP ?? (SECONDS < 4 ? 1 : 2));
/** Measured time is cut into slices, run alternately for the variants of a comparison. */
export const SLICE = Math.min(SECONDS, Number(process.env.BENCH_SLICE ?? 2));
export const ROUNDS = Math.max(1, Math.round(SECONDS / SLICE));
export const CONNECTIONS = 50;
export const QUIET = Number(process.env.BENCH_QUIET_WAIT ?? 10);
export const QUIET_BUDGET = Number(process.env.BENCH_QUIET_BUDGET ?? 60);
/** All quiet waits together stay within QUIET_BUDGET, so a busy machine cannot stretch the run much. */
let quietBudget = QUIET_BUDGET;
export const POLLED_MAILBOXES = 1_000;

export const verdicts: Verdict[] = [];
export const out = (line = "") => console.log(line);
/** "other CPU" of every measurement, for the closing remark on how quiet the machine was. */
export const disturbance: number[] = [];

// --- CPU placement ----------------------------------------------------------------------------
export const cpuCount = cpus().length;
export const pinned = cpuCount >= 2 && pin(process.pid, 0);
export const SERVER_CPU = pinned ? 1 : undefined;

/** Waits for the machine to go idle (within what is left of the quiet budget). */
export async function quietWait(): Promise<void> {
  const waited = await waitForQuiet(Math.min(QUIET, quietBudget));
  quietBudget = Math.max(0, quietBudget - waited.waited);
}

// --- helpers ----------------------------------------------------------------------------------
export const agent = new Agent({ keepAlive: true, maxSockets: 1 });

/** One GET over the shared keep-alive agent: status and body text. */
export function getText(port: number, path: string, headers: Record<string, string>): Promise<{ status: number; text: string }> {
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

/** One GET over a real socket; the exact status, headers and body bytes. */
export function capture(port: number, target: Target, extraHeaders: Record<string, string> = {}): Promise<{ status: number; headers: Record<string, string>; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: "127.0.0.1", port, path: target.path, method: "GET", headers: { ...target.headers, ...extraHeaders }, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => {
        const headers: Record<string, string> = {};
        for (const [k, v] of Object.entries(res.headers)) {
          if (v === undefined || ["date", "connection", "keep-alive", "transfer-encoding"].includes(k)) continue;
          headers[k] = Array.isArray(v) ? v.join(", ") : v;
        }
        resolve({ status: res.statusCode ?? 0, headers, body: Buffer.concat(chunks) });
      });
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end();
  });
}

export function toCaptured(r: { status: number; headers: Record<string, string>; body: Buffer }): CapturedResponse {
  return { status: r.status, headers: r.headers, body: r.body.toString("base64") };
}

export async function startBare(name: string, routes: BareRoutes, role: "bare" | "fastify" = "bare"): Promise<ServerChild> {
  const file = join(RUN, `${name}.routes.json`);
  writeFileSync(file, JSON.stringify(routes));
  return ServerChild.start(`${role}:${name}`, { BENCH_ROLE: role, BENCH_ROUTES_FILE: file }, SERVER_CPU);
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** The median of every figure over a variant's slices. */
function medianOf(runs: LoadResult[]): LoadResult {
  const m = (f: (r: LoadResult) => number) => median(runs.map(f));
  return {
    rps: m((r) => r.rps), p50: m((r) => r.p50), p99: m((r) => r.p99), p999: m((r) => r.p999), mean: m((r) => r.mean),
    responses: runs.reduce((a, r) => a + r.responses, 0), bytesPerResponse: m((r) => r.bytesPerResponse),
    errors: runs.reduce((a, r) => a + r.errors, 0), unexpected: runs.reduce((a, r) => a + r.unexpected, 0),
    serverCpu: m((r) => r.serverCpu), clientCpu: m((r) => r.clientCpu), otherCpu: m((r) => r.otherCpu),
    ...(runs.some((r) => r.dbCpu !== undefined) && { dbCpu: m((r) => r.dbCpu ?? 0) }),
    seconds: runs.reduce((a, r) => a + r.seconds, 0),
  };
}

export interface Series {
  runs: LoadResult[];
  median: LoadResult;
}

export interface Variant {
  label: string;
  /** One server, or several instances sharing the load (connections split evenly). */
  server: ServerChild | ServerChild[];
  targets: Target[];
  expectStatus?: number;
  /** The database processes serving this variant, looked up before each measurement. */
  dbPids?: () => Promise<number[]>;
  /**
   * Fewer connections than CONNECTIONS, for slow requests: 50 queued requests of 100 ms outlast a
   * slice, and the backlog left on the server would be billed to the next variant's slice.
   */
  connections?: number;
}

/** A round whose slices saw other processes use more than this (cores) is redone. */
export const DISTURBED = 0.25;

async function load(v: Variant, seconds: number): Promise<LoadResult> {
  await quietWait();
  const [first, ...also] = Array.isArray(v.server) ? v.server : [v.server];
  if (!first) throw new Error(`${v.label}: no server`);
  return measure({
    port: first.port, serverPid: first.pid, targets: v.targets, connections: v.connections ?? CONNECTIONS, warmupSeconds: 0, seconds,
    ...(also.length > 0 && { also: also.map((s) => ({ port: s.port, serverPid: s.pid })) }),
    ...(v.expectStatus !== undefined && { expectStatus: v.expectStatus }),
    ...(v.dbPids && { dbPids: await v.dbPids() }),
  });
}

/** Load that is not measured (JIT, caches), e.g. for a server that joins a comparison late. */
export async function warm(v: Variant, seconds: number): Promise<void> {
  await load(v, seconds);
}

/**
 * Warms every variant up, then measures them in alternating slices (A B C A B C …), so a burst
 * of other work on the machine hits all variants alike. A round during which other processes
 * used more than DISTURBED of a core is repeated (at most ROUNDS extra rounds) and left out when
 * enough clean rounds exist. Figures are medians over the kept slices, ratios medians of the
 * per-round ratios. With a database (dbPids), its processes' CPU gets its own column.
 */
export async function compare(variants: Variant[]): Promise<Map<string, Series>> {
  for (const v of variants) await load(v, WARMUP);
  const rounds: LoadResult[][] = [];
  let clean = 0;
  while (clean < ROUNDS && rounds.length < 2 * ROUNDS) {
    const round: LoadResult[] = [];
    for (const v of variants) round.push(await load(v, SLICE));
    rounds.push(round);
    for (const r of round) disturbance.push(r.otherCpu);
    if (round.every((r) => r.otherCpu <= DISTURBED)) clean++;
  }
  const cleanRounds = rounds.filter((round) => round.every((r) => r.otherCpu <= DISTURBED));
  const kept = cleanRounds.length >= Math.min(2, ROUNDS) ? cleanRounds : rounds;
  out(`${rounds.length} round(s) of ${variants.length} × ${SLICE} s slices, ${cleanRounds.length} undisturbed; `
    + `${kept === rounds ? "all rounds" : "the undisturbed rounds"} are used below.`);
  const withDb = variants.some((v) => v.dbPids);
  const series = new Map<string, Series>();
  const rows: string[][] = [];
  variants.forEach((v, i) => {
    const list = kept.map((round) => round[i] as LoadResult);
    const med = medianOf(list);
    series.set(v.label, { runs: list, median: med });
    const rpsList = list.map((r) => r.rps);
    const row = loadRow(v.label, med, `${fmt.int(Math.min(...rpsList))}–${fmt.int(Math.max(...rpsList))}`);
    if (withDb) row.splice(row.length - 2, 0, med.dbCpu === undefined ? "-" : fmt.cpu(Math.max(0, med.dbCpu)));
    rows.push(row);
  });
  const headers = withDb ? [...LOAD_HEADERS.slice(0, -2), "PG CPU", ...LOAD_HEADERS.slice(-2)] : LOAD_HEADERS;
  out(table(headers, rows));
  return series;
}

export const cpuPerReq = (r: LoadResult) => r.serverCpu / r.rps;
export const FASTIFY_LABEL = "diagnostic: Fastify only, same bytes";

/** Median over rounds of f(a_i) ÷ f(b_i). */
export function pairedRatio(a: Series, b: Series, f: (r: LoadResult) => number): number {
  return median(a.runs.map((r, i) => f(r) / f(b.runs[i] as LoadResult)));
}

export const RATIO_HEADERS = ["ratio (median of per-round ratios)", "req/s", "p50", "p99", "server CPU µs/req"];

export function ratioLine(label: string, a: Series, b: Series): string[] {
  return [label, fmt.x(pairedRatio(a, b, (r) => r.rps)), fmt.x(pairedRatio(a, b, (r) => r.p50)),
    fmt.x(pairedRatio(a, b, (r) => r.p99)), fmt.x(pairedRatio(a, b, cpuPerReq))];
}

/** The three-way table of a case with the diagnostic Fastify-only variant: graphcal, bare, Fastify. */
export function threeWayTable(g: Series, b: Series, f: Series): string {
  return table(RATIO_HEADERS, [
    ratioLine("graphcal ÷ bare", g, b),
    ratioLine("diagnostic: Fastify only ÷ bare", f, b),
    ratioLine("diagnostic: graphcal ÷ Fastify only", g, f),
  ]);
}

export function clientBoundNote(label: string, r: LoadResult): void {
  if (r.clientCpu >= 0.9) {
    out(`note: ${label} was limited by the load generator (client CPU ${fmt.cpu(r.clientCpu)}, server ${fmt.cpu(r.serverCpu)}), so its req/s `
      + "is a lower bound of what it can serve and the req/s ratio flatters graphcal; the server CPU µs/req ratio is the cost ratio.");
  }
}

export function bodyOk(r: { status: number; body: Buffer }, what: string): void {
  if (r.status !== 200) throw new Error(`${what}: status ${r.status}: ${r.body.toString().slice(0, 300)}`);
}

export function freshDir(name: string): string {
  const dir = join(RUN, name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  return dir;
}
