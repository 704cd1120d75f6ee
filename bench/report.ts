// Plain-text tables and the PASS/FAIL summary.
import type { LoadResult } from "./load.js";

export function table(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] as number) : c.padStart(widths[i] as number))).join("  ");
  return [line(headers), widths.map((w) => "-".repeat(w)).join("  "), ...rows.map(line)].join("\n");
}

export const fmt = {
  int: (n: number) => (Number.isFinite(n) ? Math.round(n).toLocaleString("en-US") : "n/a"),
  ms: (n: number) => (Number.isFinite(n) ? `${n.toFixed(2)} ms` : "n/a"),
  pct: (n: number) => (Number.isFinite(n) ? `${(n * 100).toFixed(1)} %` : "n/a"),
  // Two significant digits below 0.1x, so a ratio far off its target does not print as 0.00x.
  x: (n: number) => (Number.isFinite(n) ? `${n > 0 && n < 0.1 ? n.toPrecision(2) : n.toFixed(2)}x` : "n/a"),
  cpu: (n: number) => (Number.isFinite(n) ? `${Math.round(n * 100)} %` : "n/a"),
};

export const LOAD_HEADERS = [
  "case (medians over slices)", "req/s", "req/s range", "p50", "p99", "mean", "bytes/resp", "server CPU", "server µs/req",
  "client CPU", "other CPU", "errors/non-200",
];

export function loadRow(label: string, r: LoadResult, range: string): string[] {
  return [
    label, fmt.int(r.rps), range, fmt.ms(r.p50), fmt.ms(r.p99), fmt.ms(r.mean), fmt.int(r.bytesPerResponse),
    fmt.cpu(r.serverCpu), (r.serverCpu / r.rps * 1e6).toFixed(1), fmt.cpu(r.clientCpu), fmt.cpu(r.otherCpu), `${r.errors}/${r.unexpected}`,
  ];
}

export interface Verdict {
  target: string;
  measured: string;
  /** undefined: informational, no target. */
  pass: boolean | undefined;
}

export function summary(verdicts: Verdict[]): string {
  return table(
    ["target", "measured", "result"],
    verdicts.map((v) => [v.target, v.measured, v.pass === undefined ? "info" : v.pass ? "PASS" : "FAIL"]),
  );
}
