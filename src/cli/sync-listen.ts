// `graphcal sync --listen [HOST:]PORT`: the notify-then-delta loop (NotifySync) for the CLI —
// the flags it adds, and what it prints besides the rounds.
import { NotifySync, type NotifySummary, type NotifySyncEvent, type NotifySyncOptions, type SyncEvent } from "../client/index.js";
import { UsageError } from "./sync-credentials.js";
import type { SyncProgress } from "./sync-progress.js";

export interface ListenFlags {
  listen?: string | undefined;
  "notification-url"?: string | undefined;
}

export interface ListenOptions {
  port: number;
  host: string | undefined;
  notificationUrl: string | undefined;
}

/** `8081`, `0`, `0.0.0.0:8081`, `[::1]:8081`; undefined when --listen is absent. */
export function listenFromFlags(flags: ListenFlags): ListenOptions | undefined {
  if (flags.listen === undefined) {
    if (flags["notification-url"] !== undefined) throw new UsageError("--notification-url goes with --listen [HOST:]PORT");
    return undefined;
  }
  const m = /^(?:(\[[^\]]+\]|[^:]+):)?(\d{1,5})$/.exec(flags.listen);
  const port = Number(m?.[2]);
  if (!m || port > 65535) throw new UsageError(`--listen takes [HOST:]PORT (0 picks a free port), not ${flags.listen}`);
  const url = flags["notification-url"];
  if (url !== undefined && !/^https?:\/\/[^/]/.test(url)) throw new UsageError("--notification-url must be an http(s) URL");
  return { port, host: m[1]?.replace(/^\[|\]$/g, ""), notificationUrl: url };
}

const SYNC_EVENT_TYPES: ReadonlySet<string> = new Set<SyncEvent["type"]>(["round-start", "page", "retry", "resync", "round-end", "round-failed"]);
const isSyncEvent = (event: NotifySyncEvent): event is SyncEvent => SYNC_EVENT_TYPES.has(event.type);

function describe(event: NotifySyncEvent): string | undefined {
  switch (event.type) {
    case "listening":
      return `listening for notifications on ${event.url}${event.notificationUrl === event.url ? "" : ` (Graph posts to ${event.notificationUrl})`}`;
    case "subscribed":
      return `${event.recreated ? "subscribed again" : "subscribed"}: ${event.id}, expires ${event.expirationDateTime}`;
    case "renewed":
      return `subscription renewed: ${event.id}, expires ${event.expirationDateTime}`;
    case "renewal-failed":
      return `subscription renewal failed (${(event.error as Error).message ?? String(event.error)}); retry in ${Math.round(event.retryInMs / 1000)} s`;
    case "unsubscribed":
      return `subscription deleted: ${event.id}`;
    case "lifecycle":
      return `lifecycle notification: ${event.lifecycleEvent}`;
    case "notification-rejected":
      return `notification ignored: ${event.reason}`;
    case "loop-error":
      return `notification handling failed: ${(event.error as Error).message ?? String(event.error)}`;
    default:
      return undefined;
  }
}

/** Runs the loop until `signal` aborts; rounds go to `progress` like --watch's. */
export async function runListen(args: {
  options: Omit<NotifySyncOptions, "onEvent" | "listenPort" | "listenHost" | "notificationUrl">;
  listen: ListenOptions;
  progress: SyncProgress;
  signal: AbortSignal;
}): Promise<NotifySummary> {
  const notify = new NotifySync({
    ...args.options, listenPort: args.listen.port, listenHost: args.listen.host, notificationUrl: args.listen.notificationUrl,
    onEvent: (event) => {
      const line = describe(event);
      if (line) args.progress.log(line);
      else if (isSyncEvent(event)) args.progress.onEvent(event);
    },
  });
  try {
    return await notify.run({ signal: args.signal });
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code === "EADDRINUSE" || code === "EACCES" || code === "EADDRNOTAVAIL") {
      throw new UsageError(`cannot listen on ${args.listen.host ?? "127.0.0.1"}:${args.listen.port}: ${(error as Error).message}`);
    }
    throw error;
  }
}
