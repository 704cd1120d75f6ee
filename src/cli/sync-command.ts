// graphcal sync — keep a local SQLite store in step with a mailbox's calendars, or with the
// events of a window (--events --from --to), against graphcal or Microsoft Graph. Progress goes to stderr; --json puts a summary on stdout.
import { parseArgs } from "node:util";
import { DeltaProtocolError, DeltaSync, GraphRequestError, SyncStateLostError, type SyncTarget, type WatchSummary } from "../client/index.js";
import { createSyncProgress } from "./sync-progress.js";
import { accessTokenSourceFromFlags, UsageError } from "./sync-credentials.js";
import { listenFromFlags, runListen } from "./sync-listen.js";

export const SYNC_USAGE = `Usage: graphcal sync --base-url <https://graph.microsoft.com/beta> (--me | --user <id|upn>) --store <file.db>
         (--token <jwt> | --token-command "<cmd>" | --tenant <t> --client-id <id> --client-secret <s> [--authority <url>] [--scope <s>])
         (the secret may come from GRAPHCAL_CLIENT_SECRET instead)
         [--events --from <date> --to <date> [--calendar <id>]]
         [--page-size N] [--select name,color] [--watch <seconds>] [--json]
         [--listen [HOST:]PORT [--notification-url <public URL>]]  (notify then delta; with --watch also polls)
`;

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

function parseSyncArgs(args: string[]) {
  const { values } = parseArgs({
    args,
    options: {
      "base-url": { type: "string" }, me: { type: "boolean" }, user: { type: "string" }, store: { type: "string" },
      token: { type: "string" }, "token-command": { type: "string" },
      tenant: { type: "string" }, "client-id": { type: "string" }, "client-secret": { type: "string" },
      authority: { type: "string" }, scope: { type: "string" },
      "page-size": { type: "string" }, select: { type: "string" }, watch: { type: "string" }, json: { type: "boolean" },
      events: { type: "boolean" }, from: { type: "string" }, to: { type: "string" }, calendar: { type: "string" },
      listen: { type: "string" }, "notification-url": { type: "string" },
    },
  });
  const baseUrl = values["base-url"];
  if (!baseUrl || !/^https?:\/\//.test(baseUrl)) throw new UsageError("--base-url <http(s)://host/beta> is required");
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
    listen: listenFromFlags(values),
  };
}

function failureMessage(error: unknown): string | undefined {
  if (error instanceof GraphRequestError) return `${error.message}${error.requestId ? ` (request-id ${error.requestId})` : ""}`;
  if (error instanceof DeltaProtocolError || error instanceof SyncStateLostError || error instanceof UsageError) return error.message;
  const cause = (error as { cause?: { code?: string } }).cause;
  if (error instanceof TypeError && cause?.code) return `${error.message} (${cause.code})`;
  if (error instanceof Error && /^token (command|endpoint)/.test(error.message)) return error.message;
  return undefined;
}

export async function runSync(args: string[]): Promise<number> {
  let options;
  try {
    options = parseSyncArgs(args);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`graphcal sync: ${error.message}\n\n${SYNC_USAGE}`);
    return 2;
  }
  const progress = createSyncProgress({ stream: process.stderr, watchSeconds: options.watchSeconds });
  const stop = new AbortController();
  const onSignal = () => stop.abort(new Error("interrupted"));
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  const sync = new DeltaSync({
    baseUrl: options.baseUrl, userId: options.userId, store: options.store, token: options.token, resource: options.resource,
    pageSize: options.pageSize, select: options.select, onEvent: (e) => progress.onEvent(e),
  });
  let totals: WatchSummary | undefined;
  let code = 0;
  try {
    await sync.store().catch((error: unknown) => {
      throw new UsageError(`cannot open ${options.store}: ${(error as Error).message}`);
    });
    if (options.listen !== undefined) {
      await sync.close(); // the loop runs its own DeltaSync over the same store file
      const { listen, watchSeconds, json: _json, ...rest } = options;
      totals = await runListen({
        options: { ...rest, ...(watchSeconds !== undefined && { pollIntervalMs: watchSeconds * 1000 }) }, listen, progress, signal: stop.signal,
      });
    } else if (options.watchSeconds !== undefined) {
      totals = await sync.watch({ intervalMs: options.watchSeconds * 1000, signal: stop.signal });
    } else {
      const s = await sync.runRound({ signal: stop.signal });
      totals = { rounds: 1, added: s.added, updated: s.updated, removed: s.removed, total: s.total, deltaLink: s.deltaLink };
    }
  } catch (error) {
    if (stop.signal.aborted) {
      progress.log("interrupted; the store keeps its last completed round");
      code = 130;
    } else {
      const message = failureMessage(error);
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
  if (options.json && totals) {
    const { added, updated, removed, total, rounds, deltaLink } = totals;
    const notified = "notifications" in totals ? { notifications: totals.notifications } : {};
    process.stdout.write(`${JSON.stringify({ added, updated, removed, total, rounds, deltaLink: deltaLink ?? null, ...notified })}\n`);
  }
  return code;
}
