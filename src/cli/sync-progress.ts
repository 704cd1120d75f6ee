// What `graphcal sync` shows on stderr while it works: a live line per round on a terminal
// (cli-progress), plain log lines otherwise (CI logs, pipes, files).
import cliProgress from "cli-progress";
import type { RoundSummary, SyncEvent } from "../client/index.js";

export interface SyncProgress {
  onEvent(event: SyncEvent): void;
  /** A line of its own (above the live line on a terminal). */
  log(line: string): void;
  stop(): void;
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;
const rate = (items: number, ms: number) => (ms > 0 ? Math.round((items * 1000) / ms) : 0);

function describe(event: SyncEvent, watchSeconds: number | undefined): string | undefined {
  switch (event.type) {
    case "round-start":
      return event.reason === "incremental" ? undefined : `round ${event.round}: ${{
        initial: "initial sync", "source-changed": "store was synced from another URL; full sync", resync: "full resync",
        requested: "full resync (requested)",
      }[event.reason]}`;
    case "retry":
      return `retry ${event.attempt} in ${seconds(event.delayMs)} after ${event.reason}`;
    case "resync":
      return `sync state lost (${event.code}); starting over${event.location ? ` at ${event.location}` : ""}`;
    case "round-end":
      return roundLine(event.summary);
    case "round-failed":
      return `round ${event.round} failed: ${(event.error as Error).message ?? String(event.error)}${watchSeconds ? `; next try in ${watchSeconds} s` : ""}`;
    default:
      return undefined;
  }
}

export function roundLine(s: RoundSummary): string {
  return `round ${s.round}: +${s.added} ~${s.updated} -${s.removed}, ${s.total} in store ` +
    `(${s.pages} page${s.pages === 1 ? "" : "s"}, ${s.items} items, ${rate(s.items, s.durationMs)} items/s, ${s.durationMs} ms)`;
}

/** Plain lines: one per round and per retry/resync, plus a page count every few seconds on long rounds. */
function plainProgress(write: (line: string) => void, watchSeconds: number | undefined): SyncProgress {
  let roundStarted = Date.now();
  let lastLine = Date.now();
  return {
    onEvent(event) {
      if (event.type === "round-start") roundStarted = lastLine = Date.now();
      if (event.type === "page" && Date.now() - lastLine >= 2000) {
        lastLine = Date.now();
        write(`round ${event.round}: ${event.page} pages, ${event.roundItems} items, ${rate(event.roundItems, lastLine - roundStarted)} items/s`);
      }
      const line = describe(event, watchSeconds);
      if (line) write(line);
    },
    log: write,
    stop() {},
  };
}

/** A live line per round: pages, items, rate, elapsed time. */
function ttyProgress(stream: NodeJS.WriteStream, watchSeconds: number | undefined): SyncProgress {
  const bars = new cliProgress.MultiBar({
    stream, hideCursor: true, clearOnComplete: true, fps: 10,
    format: "round {round} | {pages} pages | {value} items | {rate} items/s | {duration_formatted}",
  });
  let bar: cliProgress.SingleBar | undefined;
  let started = Date.now();
  const log = (line: string) => bars.log(`${line}\n`);
  const end = () => {
    if (bar) bars.remove(bar);
    bar = undefined;
  };
  return {
    onEvent(event) {
      if (event.type === "round-start") {
        end();
        started = Date.now();
        bar = bars.create(0, 0, { round: event.round, pages: 0, rate: 0 });
      } else if (event.type === "page") {
        bar?.update(event.roundItems, { pages: event.page, rate: rate(event.roundItems, Date.now() - started) });
      } else if (event.type === "round-end" || event.type === "round-failed") {
        end();
      }
      const line = describe(event, watchSeconds);
      if (line) log(line);
    },
    log,
    stop() {
      end();
      bars.update(); // flushes lines logged since the last redraw; stop() alone would drop them
      bars.stop();
    },
  };
}

export function createSyncProgress(args: { stream: NodeJS.WriteStream; watchSeconds: number | undefined }): SyncProgress {
  return args.stream.isTTY
    ? ttyProgress(args.stream, args.watchSeconds)
    : plainProgress((line) => args.stream.write(`${line}\n`), args.watchSeconds);
}
