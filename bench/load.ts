// One load measurement: a discarded warm-up, then a measured autocannon run (50 connections),
// with our own µs latency record (autocannon's histogram keeps whole milliseconds) and the
// CPU time both sides used, so a reader can tell a server-bound run from a client-bound one.
import autocannon, { type AutocannonRequest } from "autocannon";
import { cpuSeconds, machineBusySeconds } from "./children.js";
import { chainLoad } from "./chain-load.js";

export interface Target {
  path: string;
  headers: Record<string, string>;
  /** GET unless set. */
  method?: string;
  /** A request body, made afresh for every request (e.g. a unique calendar name). */
  body?: () => string;
  /**
   * A delta round's first page: each connection follows the answers' nextLinks and starts over
   * after the deltaLink (bench/chain-load.ts). The only target. Connection i sends
   * `callers[i % n]` as its headers: callers whose delta tokens differ (tokens are bound to their
   * caller), so connections do not share links.
   */
  follow?: { callers: Record<string, string>[] };
}

export interface LoadOptions {
  port: number;
  serverPid: number;
  /** One target, or many picked at random per request (autocannon setupRequest). */
  targets: Target[];
  connections: number;
  warmupSeconds: number;
  seconds: number;
  /** Checked on every response: the expected status. */
  expectStatus?: number;
  /**
   * More instances of the same server: the connections are split evenly over port and these
   * (one autocannon per instance, run at the same time); figures are combined.
   */
  also?: { port: number; serverPid: number }[];
  /** Database processes serving the server(s) (PostgreSQL backends): their CPU is reported apart. */
  dbPids?: number[];
}

export interface LoadResult {
  rps: number;
  p50: number;
  p99: number;
  p999: number;
  mean: number;
  responses: number;
  bytesPerResponse: number;
  errors: number;
  unexpected: number;
  serverCpu: number;
  clientCpu: number;
  /** CPU the rest of the machine used meanwhile (cores): other processes competing with the test. */
  otherCpu: number;
  /** Cores the database processes (dbPids) used; not counted in otherCpu. */
  dbCpu?: number;
  seconds: number;
}

function requestsFor(targets: Target[]): AutocannonRequest[] {
  if (targets.length === 1 && !targets[0]?.body) {
    const t = targets[0] as Target;
    return [{ method: t.method ?? "GET", path: t.path, headers: t.headers }];
  }
  return [{
    method: targets[0]?.method ?? "GET",
    setupRequest: (request) => {
      const t = targets[Math.floor(Math.random() * targets.length)] as Target;
      request.path = t.path;
      request.headers = t.headers;
      if (t.method) request.method = t.method;
      if (t.body) request.body = t.body();
      return request;
    },
  }];
}

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] as number;
}

const sumCpu = (pids: number[]) => pids.reduce((a, pid) => a + (cpuSeconds(pid) || 0), 0);

async function once(options: LoadOptions, seconds: number, record: boolean): Promise<LoadResult> {
  let latencies = new Float64Array(record ? 1 << 20 : 0);
  let n = 0;
  let bytes = 0;
  let unexpected = 0;
  const expect = options.expectStatus ?? 200;
  const endpoints = [{ port: options.port, serverPid: options.serverPid }, ...(options.also ?? [])];
  const serverPids = endpoints.map((e) => e.serverPid);
  const dbPids = options.dbPids ?? [];
  const busy0 = machineBusySeconds();
  const serverCpu0 = sumCpu(serverPids);
  const dbCpu0 = sumCpu(dbPids);
  const clientCpu0 = process.cpuUsage();
  const t0 = performance.now();
  const record1 = (status: number, resBytes: number, responseTime: number) => {
    if (status !== expect) unexpected++;
    bytes += resBytes;
    if (!record) return;
    if (n === latencies.length) {
      const bigger = new Float64Array(latencies.length * 2);
      bigger.set(latencies);
      latencies = bigger;
    }
    latencies[n++] = responseTime;
  };
  const follow = options.targets[0]?.follow ? options.targets[0] : undefined;
  if (follow) {
    if (options.targets.length !== 1 || endpoints.length !== 1) throw new Error("a followed round is the only target, on one server");
    const chained = await chainLoad({
      port: options.port, target: follow, connections: options.connections, seconds, expectStatus: expect,
      onResponse: (status, resBytes, ms) => record1(status, resBytes, ms),
    });
    return summarise([{ requests: { total: chained.responses }, duration: (performance.now() - t0) / 1000, errors: chained.errors, timeouts: 0 }]);
  }
  const instances = endpoints.map((e, i) => autocannon({
    url: `http://127.0.0.1:${e.port}`,
    // Split as evenly as possible: 50 over 2 instances is 25 + 25.
    connections: Math.floor(options.connections / endpoints.length) + (i < options.connections % endpoints.length ? 1 : 0),
    duration: seconds,
    pipelining: 1,
    requests: requestsFor(options.targets),
  }));
  for (const instance of instances) {
    instance.on("response", (_client: unknown, status: number, resBytes: number, responseTime: number) => record1(status, resBytes, responseTime));
  }
  return summarise(await Promise.all(instances));

  function summarise(results: { requests: { total: number }; duration: number; errors: number; timeouts: number }[]): LoadResult {
    const elapsed = (performance.now() - t0) / 1000;
    const clientCpu = process.cpuUsage(clientCpu0);
    const serverCpu = sumCpu(serverPids) - serverCpu0;
    const dbCpu = sumCpu(dbPids) - dbCpu0;
    const busy = machineBusySeconds() - busy0;
    const sorted = latencies.subarray(0, n).sort();
    let sum = 0;
    for (let i = 0; i < n; i++) sum += sorted[i] as number;
    const responses = results.reduce((a, r) => a + r.requests.total, 0);
    return {
      rps: results.reduce((a, r) => a + r.requests.total / r.duration, 0),
      p50: percentile(sorted, 0.5),
      p99: percentile(sorted, 0.99),
      p999: percentile(sorted, 0.999),
      mean: n ? sum / n : Number.NaN,
      responses,
      bytesPerResponse: responses ? bytes / responses : 0,
      errors: results.reduce((a, r) => a + r.errors + r.timeouts, 0),
      unexpected,
      serverCpu: serverCpu / elapsed,
      clientCpu: (clientCpu.user + clientCpu.system) / 1e6 / elapsed,
      otherCpu: Math.max(0, busy - serverCpu - dbCpu - (clientCpu.user + clientCpu.system) / 1e6) / elapsed,
      ...(dbPids.length > 0 && { dbCpu: dbCpu / elapsed }),
      seconds: Math.max(...results.map((r) => r.duration)),
    };
  }
}

export async function measure(options: LoadOptions): Promise<LoadResult> {
  if (options.warmupSeconds > 0) await once(options, options.warmupSeconds, false);
  return once(options, options.seconds, true);
}
