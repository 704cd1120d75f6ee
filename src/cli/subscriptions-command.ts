import { parseArgs } from "node:util";
import { ADMIN_CLIENT_OPTIONS, adminToken, callAdmin, DEFAULT_BASE_URL, type AdminClientFlags } from "./admin-client.js";

// `graphcal subscriptions`: a running server's change-notification subscriptions and their recent
// delivery attempts (GET /_graphcal/subscriptions…), as a table, or as the API's JSON (--json).
//   graphcal subscriptions [list] [--mailbox ID]
//   graphcal subscriptions deliveries SUBSCRIPTION_ID
//   graphcal subscriptions lifecycle SUBSCRIPTION_ID --event reauthorizationRequired|subscriptionRemoved|missed

const USAGE = "usage: graphcal subscriptions [list [--mailbox ID] | deliveries ID | lifecycle ID --event EVENT] [--json]";

interface SubscriptionRow {
  id: string; resource: string; changeType: string; notificationUrl: string; expirationDateTime: string; mailboxId: string;
  delivery: { deliveredSeq: number; failedAttempts: number; nextAttempt: string | null };
}

interface AttemptRow {
  at: string; kind: string; outcome: string; status: number | null; latencyMs: number; count: number; error: string | null; lifecycleEvent?: string;
}

export async function runSubscriptions(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args, allowPositionals: true,
    options: { ...ADMIN_CLIENT_OPTIONS, mailbox: { type: "string" }, event: { type: "string" }, json: { type: "boolean" } },
  });
  const [action = "list", id, ...extra] = positionals;
  if (extra.length > 0 || (action === "list" && id !== undefined) || (action !== "list" && id === undefined)) {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  const call = action === "list"
    ? { method: "GET" as const, path: `/_graphcal/subscriptions${values.mailbox ? `?mailbox=${encodeURIComponent(values.mailbox)}` : ""}` }
    : action === "deliveries" ? { method: "GET" as const, path: `/_graphcal/subscriptions/${encodeURIComponent(id as string)}/deliveries` }
      : action === "lifecycle" ? { method: "POST" as const, path: `/_graphcal/subscriptions/${encodeURIComponent(id as string)}/lifecycle`, body: { lifecycleEvent: values.event } }
        : undefined;
  if (!call) {
    process.stderr.write(`graphcal subscriptions: unknown action '${action}'\n${USAGE}\n`);
    return 2;
  }
  const flags: AdminClientFlags = values;
  const answer = await callAdmin({ baseUrl: values["base-url"] ?? DEFAULT_BASE_URL, token: await adminToken(flags), ...call });
  if (answer.status < 200 || answer.status >= 300) {
    const error = (answer.body as { error?: { code?: string; message?: string } } | undefined)?.error;
    process.stderr.write(`graphcal subscriptions: ${answer.status} ${error?.code ?? ""} ${error?.message ?? answer.text}\n`);
    return 1;
  }
  if (values.json || action === "lifecycle") {
    process.stdout.write(`${JSON.stringify(answer.body)}\n`);
    return 0;
  }
  const value = (answer.body as { value: unknown[] }).value;
  process.stdout.write(action === "list" ? subscriptionTable(value as SubscriptionRow[]) : attemptTable(value as AttemptRow[]));
  return 0;
}

function subscriptionTable(rows: SubscriptionRow[]): string {
  if (rows.length === 0) return "no subscriptions\n";
  return table(["id", "resource", "changeType", "notificationUrl", "expires", "delivered seq", "failures", "next attempt"], rows.map((s) => [
    s.id, s.resource, s.changeType, s.notificationUrl, s.expirationDateTime, String(s.delivery.deliveredSeq),
    String(s.delivery.failedAttempts), s.delivery.nextAttempt ?? "-",
  ]));
}

function attemptTable(rows: AttemptRow[]): string {
  if (rows.length === 0) return "no delivery attempts\n";
  return table(["at", "kind", "outcome", "status", "latency", "count", "error"], rows.map((a) => [
    a.at, a.lifecycleEvent ? `${a.kind}:${a.lifecycleEvent}` : a.kind, a.outcome, a.status === null ? "-" : String(a.status),
    `${a.latencyMs} ms`, String(a.count), a.error ?? "",
  ]));
}

/** Columns padded to their widest cell. */
function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i] as number)).join("  ").trimEnd();
  return `${[line(header), ...rows.map(line)].join("\n")}\n`;
}
