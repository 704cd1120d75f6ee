// One load measurement: a discarded warm-up, then a measured autocannon run (50 connections),
// with our own µs latency record (autocannon's histogram keeps whole milliseconds) and the
// CPU time both sides used, so a reader can tell a server-bound run from a client-bound one.
import autocannon, { type AutocannonRequest } from "autocannon";
import { cpuSeconds, machineBusySeconds } from "./children.js";

export interface Target {
  path: string;
  headers: Record<string, string>;
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
}

export interface LoadResult {
  rps: number;
  p50: number;
  p99: number;
  mean: number;
  responses: number;
  bytesPerResponse: number;
  errors: number;
  unexpected: number;
  serverCpu: number;
  clientCpu: number;
  /** CPU the rest of the machine used meanwhile (cores): other processes competing with the test. */
  otherCpu: number;
  seconds: number;
}

function requestsFor(targets: Target[]): AutocannonRequest[] {
  if (targets.length === 1) {
    const t = targets[0] as Target;
    return [{ method: "GET", path: t.path, headers: t.headers }];
  }
  return [{
    method: "GET",
    setupRequest: (request) => {
      const t = targets[Math.floor(Math.random() * targets.length)] as Target;
      request.path = t.path;
      request.headers = t.headers;
      return request;
    },
  }];
}

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] as number;
}

async function once(options: LoadOptions, seconds: number, record: boolean): Promise<LoadResult> {
  let latencies = new Float64Array(record ? 1 << 20 : 0);
  let n = 0;
  let bytes = 0;
  let unexpected = 0;
  const expect = options.expectStatus ?? 200;
  const busy0 = machineBusySeconds();
  const serverCpu0 = cpuSeconds(options.serverPid);
  const clientCpu0 = process.cpuUsage();
  const t0 = performance.now();
  const instance = autocannon({
    url: `http://127.0.0.1:${options.port}`,
    connections: options.connections,
    duration: seconds,
    pipelining: 1,
    requests: requestsFor(options.targets),
  });
  instance.on("response", (_client: unknown, status: number, resBytes: number, responseTime: number) => {
    if (status !== expect) unexpected++;
    bytes += resBytes;
    if (!record) return;
    if (n === latencies.length) {
      const bigger = new Float64Array(latencies.length * 2);
      bigger.set(latencies);
      latencies = bigger;
    }
    latencies[n++] = responseTime;
  });
  const result = await instance;
  const elapsed = (performance.now() - t0) / 1000;
  const clientCpu = process.cpuUsage(clientCpu0);
  const serverCpu = cpuSeconds(options.serverPid) - serverCpu0;
  const busy = machineBusySeconds() - busy0;
  const sorted = latencies.subarray(0, n).sort();
  let sum = 0;
  for (let i = 0; i < n; i++) sum += sorted[i] as number;
  const responses = result.requests.total;
  return {
    rps: responses / result.duration,
    p50: percentile(sorted, 0.5),
    p99: percentile(sorted, 0.99),
    mean: n ? sum / n : Number.NaN,
    responses,
    bytesPerResponse: responses ? bytes / responses : 0,
    errors: result.errors + result.timeouts,
    unexpected,
    serverCpu: serverCpu / elapsed,
    clientCpu: (clientCpu.user + clientCpu.system) / 1e6 / elapsed,
    otherCpu: Math.max(0, busy - serverCpu - (clientCpu.user + clientCpu.system) / 1e6) / elapsed,
    seconds: result.duration,
  };
}

export async function measure(options: LoadOptions): Promise<LoadResult> {
  if (options.warmupSeconds > 0) await once(options, options.warmupSeconds, false);
  return once(options, options.seconds, true);
}
