// The sync client's figures: a mailbox of 10,000 calendars synced by `graphcal/client` into an
// empty SQLite store, then no-change rounds and a round of 100 changes. One process: the
// server is in process (calendars made through its service layer) and serves a real socket;
// the client talks to it over HTTP like any other. Run alone (after `npm run build`):
//   node --import tsx bench/sync-bench.ts
// Env: SYNC_BENCH_CALENDARS (default 10000), SYNC_BENCH_IDLE_ROUNDS (default 20),
//      SYNC_BENCH_INITIAL_ROUNDS (default 3: initial syncs per page size, the median is reported).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { DeltaSync, MemoryLocalStore, openSqliteLocalStore, type RoundSummary } from "../dist/client/index.js";
import { createServer, DEMO_CLIENT_ID, DEMO_TENANT_ID, parseConfig } from "../dist/server/index.js";

const CALENDARS = Number(process.env.SYNC_BENCH_CALENDARS ?? 10_000);
const IDLE_ROUNDS = Number(process.env.SYNC_BENCH_IDLE_ROUNDS ?? 20);
const INITIAL_ROUNDS = Math.max(1, Number(process.env.SYNC_BENCH_INITIAL_ROUNDS ?? 3));

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
const int = (n: number) => Math.round(n).toLocaleString("en-US");
const ms = (n: number) => `${n.toFixed(1)} ms`;

function table(headers: string[], rows: string[][]): string[] {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join("  ");
  return [line(headers), widths.map((w) => "-".repeat(w)).join("  "), ...rows.map(line)];
}

/** The figures behind the printed lines (for bench/case-sync.ts, which sets them against case 4). */
export interface SyncBenchFigures {
  lines: string[];
  /** Initial sync into an empty SQLite store, by maxpagesize. */
  initial: Record<number, { items: number; pages: number; roundMs: number; itemsPerSecond: number }>;
  /** Median no-change round (maxpagesize=1000). */
  noChangeMs: number;
}

/** Runs the sync benchmark and returns printable lines. */
export async function runSyncBench(): Promise<string[]> {
  return (await runSyncBenchFigures()).lines;
}

/** Runs the sync benchmark; printable lines and the figures behind them. */
export async function runSyncBenchFigures(): Promise<SyncBenchFigures> {
  const dir = mkdtempSync(join(tmpdir(), "graphcal-sync-bench-"));
  const server = await createServer(parseConfig({ DATA_DIR: join(dir, "server"), LOG_LEVEL: "silent", PORT: "0", HOST: "127.0.0.1" }));
  try {
    const mailbox = await server.services.mailboxes.provision({ tenantId: DEMO_TENANT_ID, userPrincipalName: "bench-sync@contoso.com", displayName: "Sync Bench" });
    const madeAt = performance.now();
    const ids: string[] = [];
    for (let i = ids.length; i < CALENDARS - 2; i++) {
      ids.push((await server.services.calendars.create({ mailbox, body: { name: `bench-${i}` }, apiVersion: "beta" })).id);
    }
    const setupMs = performance.now() - madeAt;
    const { http } = await server.listen();
    const app = await server.store.getApp(DEMO_CLIENT_ID);
    if (!app) throw new Error("demo app missing");
    const { token } = await server.issuer.mintApp({ app });

    const timed = async (sync: DeltaSync) => {
      const at = performance.now();
      const summary = await sync.runRound();
      return { summary, roundMs: performance.now() - at };
    };
    // Warm-up (JIT, connection pool): one initial round into memory, not reported.
    await new DeltaSync({ baseUrl: `${http}/beta`, userId: mailbox.id, store: new MemoryLocalStore(), token, pageSize: 1000 }).runRound();

    const rows: string[][] = [];
    const initialFigures: SyncBenchFigures["initial"] = {};
    let noChangeMs = Number.NaN;
    const row = (label: string, s: RoundSummary | undefined, roundMs: number) => rows.push([
      label, s ? int(s.items) : "", s ? int(s.pages) : "", ms(roundMs), s && s.items ? int(s.items / (roundMs / 1000)) : "",
    ]);

    for (const pageSize of [1000, 100]) {
      // INITIAL_ROUNDS initial syncs, each into its own empty store; the median round is reported
      // and its store goes on to the no-change and update rounds.
      const runs: { sync: DeltaSync; storePath: string; initial: Awaited<ReturnType<typeof timed>> }[] = [];
      for (let k = 0; k < INITIAL_ROUNDS; k++) {
        const path = join(dir, `client-${pageSize}-${k}.db`);
        const s = new DeltaSync({ baseUrl: `${http}/beta`, userId: mailbox.id, store: path, token, pageSize });
        const result = await timed(s);
        if (result.summary.total !== CALENDARS) throw new Error(`synced ${result.summary.total} calendars, expected ${CALENDARS}`);
        runs.push({ sync: s, storePath: path, initial: result });
      }
      runs.sort((a, b) => a.initial.roundMs - b.initial.roundMs);
      const picked = runs[Math.floor(runs.length / 2)]!;
      for (const r of runs) if (r !== picked) await r.sync.close();
      const { sync, storePath, initial } = picked;
      row(`initial sync into empty SQLite, maxpagesize=${pageSize}${INITIAL_ROUNDS > 1 ? ` (median of ${INITIAL_ROUNDS})` : ""}`, initial.summary, initial.roundMs);
      initialFigures[pageSize] = {
        items: initial.summary.items, pages: initial.summary.pages, roundMs: initial.roundMs,
        itemsPerSecond: initial.summary.items / (initial.roundMs / 1000),
      };
      if (pageSize === 1000) {
        const idle: number[] = [];
        for (let i = 0; i < IDLE_ROUNDS; i++) idle.push((await timed(sync)).roundMs);
        noChangeMs = median(idle);
        row(`no-change round (median of ${IDLE_ROUNDS})`, undefined, noChangeMs);
        for (const [i, calendarId] of ids.slice(0, 100).entries()) {
          await server.services.calendars.update({ mailbox, target: { calendarId }, body: { name: `renamed-${i}` }, apiVersion: "beta" });
        }
        const changed = await timed(sync);
        if (changed.summary.updated !== 100) throw new Error(`expected 100 updates, got ${changed.summary.updated}`);
        row("round with 100 updated calendars", changed.summary, changed.roundMs);
        const store = await openSqliteLocalStore(storePath, { mustExist: true });
        const dumpAt = performance.now();
        const all = await store.listCalendars();
        const dumpMs = performance.now() - dumpAt;
        await store.close();
        rows.push([`read back the local store (${int(all.length)} calendars)`, "", "", ms(dumpMs), int(all.length / (dumpMs / 1000))]);
      }
      await sync.close();
    }
    const lines = [
      `Sync client (graphcal/client → in-process graphcal over HTTP on 127.0.0.1, one process, SQLite WAL store)`,
      `mailbox: ${int(CALENDARS)} calendars (made through the service layer in ${(setupMs / 1000).toFixed(1)} s)`,
      "",
      ...table(["case", "items", "pages", "ms/round", "items/s"], rows),
    ];
    return { lines, initial: initialFigures, noChangeMs };
  } finally {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  for (const line of await runSyncBench()) console.log(line);
}
