// Case 12 (issue 12 "Performance"): change notifications over loopback, from the built server in
// its own process to a receiver in this one.
//  - latency: one subscription, writes one at a time; write sent → its notification received
//    (p50/p99; target p99 <= 50 ms);
//  - throughput: 1,000 subscriptions over 100 mailboxes (10 each), 10,000 event creations
//    (100 per mailbox, 20 in flight): notifications delivered per second, and the write rate with
//    those subscriptions ÷ the same writes to 100 mailboxes with none (target >= 0.8x).
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { cpuSeconds, ServerChild } from "./children.js";
import { freshDir, median, out, quietWait, SERVER_CPU, verdicts } from "./harness.js";
import { fmt, table } from "./report.js";

const MAILBOXES = Number(process.env.BENCH_NOTIFY_MAILBOXES ?? 100);
const SUBSCRIPTIONS_PER_MAILBOX = 10;
const WRITES = Number(process.env.BENCH_NOTIFY_WRITES ?? 10_000);
const IN_FLIGHT = 20;
const LATENCY_WRITES = 200;
/** Writes of each kind before the measured ones, discarded (the JIT warms up; the first kind measured would pay for it). */
const WARMUP_WRITES = Number(process.env.BENCH_NOTIFY_WARMUP ?? 2_000);
/** How long to wait for the last notifications of the throughput phase after the last write. */
const DRAIN_MS = 60_000;

interface Received {
  subscriptionId: string;
  changeType: string;
  eventId: string | undefined;
  atMs: number;
}

/** A webhook receiver on loopback: answers the validation handshake, then 202 to every POST. */
async function startReceiver(onNotification: (n: Received) => void, onPost: () => void): Promise<{ url: string; close: () => Promise<void> }> {
  const server = createHttpServer((req: IncomingMessage, res: ServerResponse) => {
    const token = new URL(req.url ?? "/", "http://x").searchParams.get("validationToken");
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      if (token !== null) {
        res.writeHead(200, { "content-type": "text/plain" }).end(token);
        return;
      }
      const atMs = performance.now();
      res.writeHead(202).end();
      onPost();
      const body = JSON.parse(Buffer.concat(chunks).toString("utf8")) as { value: { subscriptionId: string; changeType: string; resourceData?: { id?: string } }[] };
      for (const n of body.value) onNotification({ subscriptionId: n.subscriptionId, changeType: n.changeType, eventId: n.resourceData?.id, atMs });
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/notify`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

async function call(port: number, method: string, path: string, token: string, body?: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(`http://127.0.0.1:${port}${path}`, {
    method, headers: { authorization: `Bearer ${token}`, ...(body !== undefined && { "content-type": "application/json" }) },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) as Record<string, unknown> : {} };
}

async function subscribe(port: number, token: string, notificationUrl: string): Promise<string> {
  const res = await call(port, "POST", "/v1.0/subscriptions", token, {
    changeType: "created,updated,deleted", notificationUrl, resource: "me/events",
    expirationDateTime: new Date(Date.now() + 3 * 86_400_000).toISOString(), clientState: "bench",
  });
  if (res.status !== 201) throw new Error(`POST /subscriptions: ${res.status} ${JSON.stringify(res.json).slice(0, 300)}`);
  return res.json.id as string;
}

const eventBody = (i: number) => ({
  subject: `Notified ${i}`,
  start: { dateTime: `2027-02-${String(1 + (i % 27)).padStart(2, "0")}T09:00:00`, timeZone: "UTC" },
  end: { dateTime: `2027-02-${String(1 + (i % 27)).padStart(2, "0")}T10:00:00`, timeZone: "UTC" },
});

/**
 * `count` event creations spread round-robin over the tokens, `IN_FLIGHT` at a time; returns
 * writes/s, and the server's CPU per write and cores used over the phase (delivery included).
 */
async function writeLoad(server: ServerChild, tokens: string[], count: number): Promise<{ perSecond: number; firstMs: number; cpuUsPerWrite: number; cores: number; clientCores: number }> {
  const { port } = server;
  let next = 0;
  const cpuBefore = cpuSeconds(server.pid);
  const clientBefore = process.cpuUsage();
  const firstMs = performance.now();
  const worker = async () => {
    for (let i = next++; i < count; i = next++) {
      const res = await call(port, "POST", "/v1.0/me/events", tokens[i % tokens.length] as string, eventBody(i));
      if (res.status !== 201) throw new Error(`POST /me/events: ${res.status}`);
    }
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
  const seconds = (performance.now() - firstMs) / 1000;
  const cpu = cpuSeconds(server.pid) - cpuBefore;
  const client = process.cpuUsage(clientBefore);
  return { perSecond: count / seconds, firstMs, cpuUsPerWrite: (cpu * 1e6) / count, cores: cpu / seconds, clientCores: (client.user + client.system) / 1e6 / seconds };
}

export async function caseNotifications(): Promise<void> {
  out(`\n## Case 12 — change notifications on loopback: write → notification latency; ${MAILBOXES * SUBSCRIPTIONS_PER_MAILBOX} subscriptions over ${MAILBOXES} mailboxes, ${WRITES.toLocaleString("en-US")} writes`);
  const server = await ServerChild.start("graphcal:notify", { BENCH_DATA_DIR: freshDir("case12") }, SERVER_CPU);
  // A notification may arrive before the write's own response (it is sent right after commit):
  // arrivals are kept by event id until the latency loop asks for them.
  const waiting = new Map<string, (atMs: number) => void>();
  const arrived = new Map<string, number>();
  let delivered = 0;
  let posts = 0;
  let lastAtMs = 0;
  let collecting = true;
  const receiver = await startReceiver((n) => {
    if (n.changeType === "created" && n.eventId !== undefined && collecting) {
      const waiter = waiting.get(n.eventId);
      if (waiter) waiter(n.atMs);
      else arrived.set(n.eventId, n.atMs);
    }
    delivered++;
    lastAtMs = n.atMs;
  }, () => posts++);
  try {
    const users = await server.call<{ mailbox: { id: string }; token: string }[]>("provision", { count: 2 * MAILBOXES + 1, prefix: "case12-u" });
    const [solo, ...rest] = users;
    if (!solo) throw new Error("no mailbox");
    const withSubs = rest.slice(0, MAILBOXES);
    const without = rest.slice(MAILBOXES);
    await quietWait();

    // Latency: one subscription, one write at a time, each waiting for its notification.
    await subscribe(server.port, solo.token, receiver.url);
    const latencies: number[] = [];
    for (let i = 0; i < LATENCY_WRITES; i++) {
      const sentMs = performance.now();
      const res = await call(server.port, "POST", "/v1.0/me/events", solo.token, eventBody(i));
      if (res.status !== 201) throw new Error(`POST /me/events: ${res.status}`);
      const id = res.json.id as string;
      let resolveAt: (atMs: number) => void = () => undefined;
      const arrival = new Promise<number>((resolve) => { resolveAt = resolve; });
      const early = arrived.get(id);
      if (early !== undefined) resolveAt(early);
      else waiting.set(id, resolveAt);
      const timeout = setTimeout(() => resolveAt(Number.NaN), 5_000);
      const atMs = await arrival;
      clearTimeout(timeout);
      waiting.delete(id);
      arrived.delete(id);
      if (Number.isNaN(atMs)) throw new Error(`no notification for event ${id} within 5 s`);
      latencies.push(atMs - sentMs);
    }
    latencies.sort((a, b) => a - b);
    const p = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] as number;

    collecting = false;
    // Throughput: the same writes with and without subscriptions (alternating halves, so drift hits both).
    for (const u of withSubs) for (let s = 0; s < SUBSCRIPTIONS_PER_MAILBOX; s++) await subscribe(server.port, u.token, `${receiver.url}?s=${s}`);
    // Warm-up (discarded): both kinds of writes until the JIT has settled, then their notifications drained.
    await writeLoad(server, without.map((u) => u.token), WARMUP_WRITES);
    delivered = 0;
    await writeLoad(server, withSubs.map((u) => u.token), WARMUP_WRITES);
    const warmStart = performance.now();
    while (delivered < WARMUP_WRITES * SUBSCRIPTIONS_PER_MAILBOX && performance.now() - warmStart < DRAIN_MS) await new Promise((r) => setTimeout(r, 50));
    await quietWait();
    const half = Math.floor(WRITES / 2);
    const off1 = await writeLoad(server, without.map((u) => u.token), half);
    delivered = 0;
    posts = 0;
    const on1 = await writeLoad(server, withSubs.map((u) => u.token), half);
    const off2 = await writeLoad(server, without.map((u) => u.token), WRITES - half);
    const on2 = await writeLoad(server, withSubs.map((u) => u.token), WRITES - half);
    const expected = WRITES * SUBSCRIPTIONS_PER_MAILBOX;
    const drainStart = performance.now();
    while (delivered < expected && performance.now() - drainStart < DRAIN_MS) await new Promise((r) => setTimeout(r, 50));
    const deliveredPerSecond = delivered / ((lastAtMs - on1.firstMs) / 1000);
    const ratio = median([on1.perSecond / off1.perSecond, on2.perSecond / off2.perSecond]);

    out(`latency: ${LATENCY_WRITES} POST /v1.0/me/events one at a time to a mailbox with one me/events subscription; from the write sent to `
      + "its `created` notification received by a node:http receiver on loopback (the server answers the handshake first).");
    out(`throughput: ${MAILBOXES} mailboxes × ${SUBSCRIPTIONS_PER_MAILBOX} me/events subscriptions each (subscription k of every mailbox posts to URL k), `
      + `${WRITES.toLocaleString("en-US")} event creations (${IN_FLIGHT} in flight) in two halves alternating with the same writes to ${MAILBOXES} mailboxes `
      + `without subscriptions, after ${WARMUP_WRITES.toLocaleString("en-US")} discarded writes of each kind.`);
    out(table(["measure", "value"], [
      ["latency p50", fmt.ms(p(0.5))],
      ["latency p99", fmt.ms(p(0.99))],
      ["latency max", fmt.ms(latencies[latencies.length - 1] as number)],
      ["writes/s without subscriptions (halves)", `${fmt.int(off1.perSecond)} / ${fmt.int(off2.perSecond)}`],
      ["writes/s with 10 subscriptions per mailbox (halves)", `${fmt.int(on1.perSecond)} / ${fmt.int(on2.perSecond)}`],
      ["server CPU µs per write, without / with (first half)", `${fmt.int(off1.cpuUsPerWrite)} / ${fmt.int(on1.cpuUsPerWrite)}`],
      ["server cores used, without / with (first half)", `${off1.cores.toFixed(2)} / ${on1.cores.toFixed(2)}`],
      ["writer + receiver cores used, without / with (first half)", `${off1.clientCores.toFixed(2)} / ${on1.clientCores.toFixed(2)}`],
      ["notifications delivered", `${delivered.toLocaleString("en-US")} of ${expected.toLocaleString("en-US")}`],
      ["notifications delivered per second", fmt.int(deliveredPerSecond)],
      ["notifications per POST (mean)", (delivered / Math.max(1, posts)).toFixed(1)],
    ]));
    verdicts.push({ target: "12. write → notification received on loopback, p99 <= 50 ms", measured: fmt.ms(p(0.99)), pass: p(0.99) <= 50 });
    verdicts.push({ target: "12. write rate with 1,000 subscriptions ÷ without >= 0.8x", measured: fmt.x(ratio), pass: ratio >= 0.8 });
    verdicts.push({ target: "12. every notification of the throughput phase delivered", measured: `${delivered}/${expected}`, pass: delivered >= expected });
  } finally {
    await receiver.close();
    await server.close();
  }
}
