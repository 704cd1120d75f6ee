// Case 9 (issue 15, point 3): a soak of mixed traffic over 10,000 mailboxes — 90 % delta polls,
// 10 % writes — for BENCH_SOAK_SECONDS (default 60), cut into 10 s periods, each printing
// p50/p99/p99.9 and the server's RSS (sampled every second). The deltaLinks are fixed, so once a
// write has hit a mailbox its poll answers that change (a one-change poll) from then on. What it checks is the shape over
// time, not a speed: p99 must not drift upward, and RSS must plateau (every cache is bounded).
import { readFileSync } from "node:fs";
import { ServerChild } from "./children.js";
import { CONNECTIONS, freshDir, median, out, quietWait, SERVER_CPU, verdicts } from "./harness.js";
import { measure, type LoadResult, type Target } from "./load.js";
import { fmt, table } from "./report.js";
import type { PreparedMailbox } from "./server-child.js";

const MAILBOXES = Number(process.env.BENCH_SOAK_MAILBOXES ?? 10_000);
const SOAK_SECONDS = Number(process.env.BENCH_SOAK_SECONDS ?? 60);
const PERIOD = 10;
const COLORS = ["lightBlue", "lightGreen", "lightOrange", "lightGray", "lightYellow", "lightTeal", "lightPink"];

/** Resident set size of a process in MB (Linux /proc). */
function rssMb(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return m ? Number(m[1]) / 1024 : Number.NaN;
}

/** Every mailbox's deltaLink (a poll), plus one write target per nine mailboxes: 90 % polls, 10 % writes. */
function mixedTargets(prepared: PreparedMailbox[]): Target[] {
  const polls: Target[] = prepared.map((p) => ({ path: p.noChange, headers: { authorization: `Bearer ${p.token}` } }));
  const writes: Target[] = prepared.filter((_, i) => i % 9 === 0).map((p) => ({
    method: "PATCH", path: "/v1.0/me/calendar",
    headers: { authorization: `Bearer ${p.token}`, "content-type": "application/json" },
    body: () => JSON.stringify({ color: COLORS[Math.floor(Math.random() * COLORS.length)] }),
  }));
  return [...polls, ...writes];
}

export async function caseSoak(): Promise<void> {
  out(`\n## Case 9 — soak: ${SOAK_SECONDS} s of mixed traffic over ${MAILBOXES.toLocaleString("en-US")} mailboxes (90 % delta polls, 10 % writes)`);
  const server = await ServerChild.start("graphcal:soak", { BENCH_DATA_DIR: freshDir("case9") }, SERVER_CPU);
  try {
    const t0 = performance.now();
    const provisioned = await server.call<{ mailbox: { id: string } }[]>("provision", { count: MAILBOXES, prefix: "case9-u" });
    const prepared = await server.call<PreparedMailbox[]>("prepareDelta", { users: provisioned.map((p) => p.mailbox.id), withChange: false });
    const targets = mixedTargets(prepared);
    out(`setup (${((performance.now() - t0) / 1000).toFixed(1)} s): ${MAILBOXES.toLocaleString("en-US")} mailboxes provisioned, each synced once `
      + `(its own token and deltaLink); ${targets.length.toLocaleString("en-US")} targets, one at random per request: each mailbox's deltaLink `
      + "(a poll that answers the changes written to it since, 0 until a write hits it) and, for every ninth mailbox, PATCH /v1.0/me/calendar "
      + `with a random color. ${CONNECTIONS} connections, no pause between periods; RSS sampled every second.`);
    await quietWait();
    const rows: string[][] = [];
    const periods: { r: LoadResult; rssMid: number; rssMax: number }[] = [];
    const rssStart = rssMb(server.pid);
    for (let at = 0; at < SOAK_SECONDS; at += PERIOD) {
      const samples: number[] = [];
      const timer = setInterval(() => samples.push(rssMb(server.pid)), 1000);
      const r = await measure({ port: server.port, serverPid: server.pid, targets, connections: CONNECTIONS, warmupSeconds: 0, seconds: PERIOD, expectStatus: 200 });
      clearInterval(timer);
      samples.push(rssMb(server.pid));
      // The median sample is the period's level; the max catches a garbage-collection peak.
      const rssMid = median(samples);
      const rssMax = Math.max(...samples);
      periods.push({ r, rssMid, rssMax });
      rows.push([`${at}–${at + PERIOD} s`, fmt.int(r.rps), fmt.ms(r.p50), fmt.ms(r.p99), fmt.ms(r.p999), fmt.cpu(r.serverCpu),
        (r.serverCpu / r.rps * 1e6).toFixed(1), `${rssMid.toFixed(0)} MB`, `${rssMax.toFixed(0)} MB`, fmt.cpu(r.otherCpu), `${r.errors}/${r.unexpected}`]);
    }
    out(table(["period", "req/s", "p50", "p99", "p99.9", "server CPU", "server µs/req", "RSS (median)", "RSS max", "other CPU", "errors/non-200"], rows));
    out(`server RSS before the soak: ${rssStart.toFixed(0)} MB`);
    // Drift: the later half's p99 against the earlier half's, the first period left out (JIT warm-up, caches filling).
    const steady = periods.slice(1);
    const half = Math.floor(steady.length / 2);
    const early = steady.slice(0, half);
    const late = steady.slice(steady.length - half);
    if (half === 0) {
      out("(the soak is too short for a drift verdict: at least 3 periods are needed)");
      return;
    }
    const p99Drift = median(late.map((p) => p.r.p99)) / median(early.map((p) => p.r.p99));
    const rssGrowth = median(late.map((p) => p.rssMid)) / median(early.map((p) => p.rssMid));
    const failures = periods.reduce((a, p) => a + p.r.errors + p.r.unexpected, 0);
    out(`p99 of the later ${half} period(s) ÷ the earlier ${half} (first period left out) = ${fmt.x(p99Drift)}; `
      + `RSS (median of the per-second samples) later ÷ earlier = ${fmt.x(rssGrowth)}; errors/non-200 over the soak: ${failures}`);
    verdicts.push({ target: "9. soak: p99 later ÷ earlier periods <= 1.25x (no upward drift)", measured: fmt.x(p99Drift), pass: p99Drift <= 1.25 });
    verdicts.push({ target: "9. soak: RSS later ÷ earlier periods <= 1.10x (plateau)", measured: `${fmt.x(rssGrowth)} (${periods.at(-1)?.rssMid.toFixed(0)} MB)`, pass: rssGrowth <= 1.1 });
    verdicts.push({ target: "9. soak: no errors and no non-200 answers", measured: String(failures), pass: failures === 0 });
  } finally {
    await server.close();
  }
}
