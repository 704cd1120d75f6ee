// Case 6 (issue "sync client"): bench/sync-bench.ts's sync of a 10,000-calendar mailbox into an
// empty local SQLite store, set against case 4's server-only initial sync, so the reader sees
// what the client (its JSON handling, change application and SQLite writes) adds.
import { machineBusySeconds } from "./children.js";
import { disturbance, out, quietWait, verdicts } from "./harness.js";
import { fmt, table } from "./report.js";
import { runSyncBenchFigures } from "./sync-bench.js";

/** serverOnly: case 4's initial-sync items/s (undefined when case 4 did not run). */
export async function caseSync(serverOnly: number | undefined): Promise<void> {
  out("\n## Case 6 — sync client: 10,000 calendars synced by graphcal/client into an empty local SQLite store");
  await quietWait();
  const busy0 = machineBusySeconds();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const figures = await runSyncBenchFigures();
  const wall = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const own = (cpu.user + cpu.system) / 1e6;
  const otherCpu = Math.max(0, (machineBusySeconds() - busy0 - own) / wall);
  disturbance.push(otherCpu);
  for (const line of figures.lines) out(line);
  out(`(whole case ${wall.toFixed(1)} s, this process ${fmt.cpu(own / wall)} of a core, other processes ${fmt.cpu(otherCpu)})`);
  out();
  const p100 = figures.initial[100];
  const p1000 = figures.initial[1000];
  const rows: string[][] = [];
  if (serverOnly !== undefined) rows.push(["server only (case 4: HTTP client that parses JSON and keeps nothing), maxpagesize=100", fmt.int(serverOnly), "1.00x"]);
  for (const [size, f] of [[100, p100], [1000, p1000]] as const) {
    if (f) rows.push([`sync client into empty SQLite, maxpagesize=${size}`, fmt.int(f.itemsPerSecond), serverOnly ? fmt.x(f.itemsPerSecond / serverOnly) : "n/a"]);
  }
  out(table(["initial sync of 10,000 calendars", "items/s", "÷ server only"], rows));
  if (serverOnly === undefined) {
    out("case 4 did not run (BENCH_CASES), so there is no server-only figure to set the client against.");
  } else {
    out("The ratio client-sync items/s ÷ server-only initial-sync items/s (same page size, 100) is the client's overhead: "
      + `at ${fmt.x((p100?.itemsPerSecond ?? Number.NaN) / serverOnly)} the client spends ${fmt.pct(1 - (p100?.itemsPerSecond ?? Number.NaN) / serverOnly)} `
      + "of the round beyond what fetching and parsing costs. Case 4's server runs in its own process on CPU 1 while the client waits; here "
      + "server and client share one process and one thread (this orchestrator, CPU 0). Pages are fetched one after another in both, so "
      + "neither overlaps server and client work much, and the comparison holds.");
  }
  const ratio = serverOnly !== undefined && p100 ? p100.itemsPerSecond / serverOnly : Number.NaN;
  verdicts.push({
    target: "6. sync client initial sync items/s ÷ server-only (case 4), maxpagesize=100 (no target)",
    measured: `${fmt.int(p100?.itemsPerSecond ?? Number.NaN)} items/s = ${fmt.x(ratio)}`, pass: undefined,
  });
  verdicts.push({
    target: "6. sync client no-change round, 10,000-calendar mailbox (no target)",
    measured: fmt.ms(figures.noChangeMs), pass: undefined,
  });
}
