// graphcal sync — keep a local SQLite store in step with a mailbox's calendars, or with the
// events of a window (--events --from --to), against graphcal or Microsoft Graph. Progress goes
// to stderr; --json puts the round's summary on stdout (one JSON line per round with --watch).
import {
  DEFAULT_RETRY, DeltaProtocolError, DeltaSync, GraphRequestError, SyncStateLostError, type RoundSummary, type SyncTarget,
} from "../client/index.js";
import { UsageError } from "./cli-errors.js";
import { defineCommand, type FlagValues } from "./command.js";
import { createSyncProgress } from "./sync-progress.js";
import { accessTokenSourceFromFlags } from "./sync-credentials.js";
import { listenFromFlags, runListen } from "./sync-listen.js";

const SYNC_FLAGS = {
  "base-url": { type: "string", value: "URL", help: "Graph root with its version (required): https://graph.microsoft.com/beta, http://127.0.0.1:8080/beta" },
  me: { type: "boolean", help: "sync the signed-in user's mailbox (delegated token)" },
  user: { type: "string", value: "ID|UPN", help: "sync this user's mailbox" },
  store: { type: "string", value: "FILE.db", help: "the local SQLite store (required; created if missing)" },
  token: { type: "string", value: "JWT", help: "a bearer token" },
  "token-command": { type: "string", value: "CMD", help: "a shell command printing a bearer token (run again when it expires)" },
  tenant: { type: "string", value: "T", help: "client credentials: the tenant" },
  "client-id": { type: "string", value: "ID", help: "client credentials: the app" },
  "client-secret": { type: "string", value: "S", env: "GRAPHCAL_CLIENT_SECRET", help: "client credentials: the secret" },
  authority: { type: "string", value: "URL", help: "client credentials: token authority (default: Microsoft's, or the graphcal server's)" },
  scope: { type: "string", value: "S", help: "client credentials: scope (default https://graph.microsoft.com/.default)" },
  events: { type: "boolean", help: "sync the events of a window (calendarView/delta) instead of the calendars" },
  from: { type: "string", value: "DATE", help: "--events: window start (YYYY-MM-DD or ISO date-time)" },
  to: { type: "string", value: "DATE", help: "--events: window end" },
  calendar: { type: "string", value: "ID", help: "--events: this calendar instead of the default one" },
  "page-size": { type: "string", value: "N", help: "Prefer: odata.maxpagesize" },
  select: { type: "string", value: "LIST", help: "$select of the initial request (name,color)" },
  watch: { type: "string", value: "SECONDS", help: "keep syncing, a round every SECONDS, until Ctrl-C" },
  json: { type: "boolean", help: "the round's summary as one JSON line on stdout (with --watch, one line per round)" },
  "max-retries": { type: "string", value: "N", help: `retries of a failed or throttled request (default ${DEFAULT_RETRY.maxRetries}; 0: fail at once)` },
  timeout: { type: "string", value: "SECONDS", help: "limit of one request attempt (default 100)" },
  listen: { type: "string", value: "[HOST:]PORT", help: "notify then delta: subscribe to the mailbox's events and run a round on each notification (0: a free port)" },
  "notification-url": { type: "string", value: "URL", help: "--listen: the public URL Graph posts to (default http://HOST:PORT/notify, for graphcal)" },
} as const;

/** A --from/--to value: a date (midnight UTC) or a full ISO date-time. */
function dateFlag(name: string, value: string | undefined): string {
  if (value === undefined) throw new UsageError(`--events needs --${name} <YYYY-MM-DD or ISO date-time>`);
  const date = new Date(/^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00Z` : value);
  if (Number.isNaN(date.getTime())) throw new UsageError(`--${name} is not a date: ${value}`);
  return date.toISOString();
}

function targetFromFlags(values: { events?: boolean; from?: string; to?: string; calendar?: string }): SyncTarget {
  if (!values.events) {
    if (values.from !== undefined || values.to !== undefined || values.calendar !== undefined) throw new UsageError("--from, --to and --calendar go with --events");
    return { kind: "calendars" };
  }
  const start = dateFlag("from", values.from);
  const end = dateFlag("to", values.to);
  if (!(start < end)) throw new UsageError("--from must be before --to");
  return { kind: "calendarView", start, end, calendarId: values.calendar };
}

function positive(name: string, value: string | undefined, integer: boolean): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!(n > 0) || !Number.isFinite(n) || (integer && !Number.isInteger(n))) {
    throw new UsageError(`--${name} takes a positive ${integer ? "integer" : "number"}`);
  }
  return n;
}

function retries(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === "" || !Number.isInteger(n) || n < 0) throw new UsageError("--max-retries takes a whole number, 0 or more");
  return n;
}

function syncOptions(values: FlagValues<typeof SYNC_FLAGS>) {
  const baseUrl = values["base-url"];
  // A bare origin gets /beta (calendars) or /v1.0 (--events) from DeltaSync.
  if (!baseUrl || !/^https?:\/\//.test(baseUrl)) throw new UsageError("--base-url <http(s)://host[/beta]> is required");
  if (!values.store) throw new UsageError("--store <file.db> is required");
  if (!values.me === (values.user === undefined)) throw new UsageError("give either --me or --user <id|upn>");
  const resource = targetFromFlags(values);
  const { source, appOnly } = accessTokenSourceFromFlags(values, baseUrl, process.env);
  if (appOnly && values.me) throw new UsageError("--me needs a delegated token; with client credentials use --user <id|upn>");
  return {
    baseUrl, store: values.store, userId: values.user, token: source, json: values.json ?? false, resource,
    pageSize: positive("page-size", values["page-size"], true),
    select: values.select?.split(",").map((s) => s.trim()).filter(Boolean),
    watchSeconds: positive("watch", values.watch, false),
    maxRetries: retries(values["max-retries"]),
    timeoutSeconds: positive("timeout", values.timeout, false),
    listen: listenFromFlags(values),
  };
}

type SyncOptions = ReturnType<typeof syncOptions>;

/** The one line for a failure users can act on; undefined for a bug (main.ts reports those). */
function failureMessage(error: unknown, options: SyncOptions): string | undefined {
  if (error instanceof GraphRequestError) return `${error.message}${error.requestId ? ` (request-id ${error.requestId})` : ""}`;
  if (error instanceof DeltaProtocolError || error instanceof SyncStateLostError || error instanceof UsageError) return error.message;
  const attempts = `${(options.maxRetries ?? DEFAULT_RETRY.maxRetries) + 1} attempt(s); --max-retries, --timeout`;
  if ((error as Error).name === "TimeoutError") return `no answer from ${options.baseUrl} within ${options.timeoutSeconds ?? 100} s (${attempts})`;
  // fetch's network failures: a TypeError whose cause says why (ECONNREFUSED, ENOTFOUND, "bad port" …).
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  const why = cause?.code ?? cause?.message;
  if (error instanceof TypeError && why) return `cannot reach ${options.baseUrl} (${why}) after ${attempts}`;
  if (error instanceof Error && /^token (command|endpoint)/.test(error.message)) return error.message;
  return undefined;
}

/** Every field of the library's RoundSummary, as one JSON line. */
const jsonLine = (summary: RoundSummary & { rounds?: number }) => `${JSON.stringify(summary)}\n`;

export const syncCommand = defineCommand({
  name: "sync",
  usage: [
    "--base-url URL (--me | --user ID|UPN) --store FILE.db",
    "  (--token JWT | --token-command CMD | --tenant T --client-id ID --client-secret S [--authority URL] [--scope S])",
    "  [--events --from DATE --to DATE [--calendar ID]] [--page-size N] [--select a,b] [--watch SECONDS] [--json]",
    "  [--max-retries N] [--timeout SECONDS] [--listen [HOST:]PORT [--notification-url URL]]",
  ],
  flags: SYNC_FLAGS,
  notes: [
    "Give exactly one way to get a token. Progress goes to stderr. --json lines hold round, added, updated, removed,",
    "total, pages, items, full, resyncs, deltaLink and durationMs (without --watch also rounds: 1). Exit 1: the sync failed;",
    "130: interrupted (the store keeps its last completed round). --listen: rounds run on change notifications",
    "(bursts merged; --watch N adds a poll every N s); with --json a last line gives the totals and notifications.",
  ],
  examples: [
    "graphcal sync --base-url http://127.0.0.1:8080/beta --user adelev@contoso.com --store adele.db --token \"$TOKEN\" --watch 30 --json",
    "graphcal sync --base-url http://127.0.0.1:8080 --me --store me.db --token-command \"graphcal token --user adelev@contoso.com\" --events --from 2027-01-01 --to 2027-02-01 --listen 0",
  ],
  run: ({ values }) => runSync(syncOptions(values)),
});

async function runSync(options: SyncOptions): Promise<number> {
  const progress = createSyncProgress({ stream: process.stderr, watchSeconds: options.watchSeconds });
  const stop = new AbortController();
  const onSignal = () => stop.abort(new Error("interrupted"));
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  const sync = new DeltaSync({
    baseUrl: options.baseUrl, userId: options.userId, store: options.store, token: options.token, resource: options.resource,
    pageSize: options.pageSize, select: options.select,
    ...(options.maxRetries !== undefined && { retry: { maxRetries: options.maxRetries } }),
    ...(options.timeoutSeconds !== undefined && { requestTimeoutMs: Math.round(options.timeoutSeconds * 1000) }),
    onEvent: (e) => {
      progress.onEvent(e);
      // Watching, each committed round is a line of its own, written as it happens.
      if (options.json && options.watchSeconds !== undefined && e.type === "round-end") process.stdout.write(jsonLine(e.summary));
    },
  });
  let code = 0;
  try {
    await sync.store().catch((error: unknown) => {
      throw new UsageError(`cannot open ${options.store}: ${(error as Error).message}`);
    });
    if (options.listen !== undefined) {
      await sync.close(); // the loop runs its own DeltaSync over the same store file
      const { listen, watchSeconds, json, ...rest } = options;
      const totals = await runListen({
        options: { ...rest, ...(watchSeconds !== undefined && { pollIntervalMs: watchSeconds * 1000 }) }, listen, signal: stop.signal,
        progress: {
          log: (line) => progress.log(line),
          stop: () => progress.stop(),
          onEvent: (e) => {
            progress.onEvent(e);
            if (json && e.type === "round-end") process.stdout.write(jsonLine(e.summary));
          },
        },
      });
      if (json) {
        const { added, updated, removed, total, rounds, notifications, deltaLink } = totals;
        process.stdout.write(`${JSON.stringify({ totals: true, rounds, notifications, added, updated, removed, total, deltaLink: deltaLink ?? null })}\n`);
      }
    } else if (options.watchSeconds !== undefined) {
      await sync.watch({ intervalMs: options.watchSeconds * 1000, signal: stop.signal });
    } else {
      const summary = await sync.runRound({ signal: stop.signal });
      if (options.json) process.stdout.write(jsonLine({ ...summary, rounds: 1 }));
    }
  } catch (error) {
    if (stop.signal.aborted) {
      progress.log("interrupted; the store keeps its last completed round");
      code = 130;
    } else {
      const message = failureMessage(error, options);
      if (message === undefined) throw error;
      progress.log(`graphcal sync: ${message}`);
      code = 1;
    }
  } finally {
    progress.stop();
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
    await sync.close();
  }
  return code;
}
