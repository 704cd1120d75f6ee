import { ADMIN_CLIENT_FLAGS, reportAdminFailure, sendAdminCall } from "./admin-client.js";
import { UsageError } from "./cli-errors.js";
import { defineCommand } from "./command.js";

// `graphcal subscriptions`: a running server's change-notification subscriptions and their recent
// delivery attempts (GET /_graphcal/subscriptions…), as a table, or as the API's JSON (--json).
//   graphcal subscriptions [list] [--mailbox ID]
//   graphcal subscriptions deliveries SUBSCRIPTION_ID
//   graphcal subscriptions lifecycle SUBSCRIPTION_ID --event reauthorizationRequired|subscriptionRemoved|missed

interface SubscriptionRow {
  id: string; resource: string; changeType: string; notificationUrl: string; expirationDateTime: string; mailboxId: string;
  delivery: { deliveredSeq: number; failedAttempts: number; nextAttempt: string | null };
}

interface AttemptRow {
  at: string; kind: string; outcome: string; status: number | null; latencyMs: number; count: number; error: string | null; lifecycleEvent?: string;
}

const EVENTS = ["reauthorizationRequired", "subscriptionRemoved", "missed"];

export const subscriptionsCommand = defineCommand({
  name: "subscriptions",
  usage: ["[list] [--mailbox ID|UPN]", "deliveries SUBSCRIPTION_ID", "lifecycle SUBSCRIPTION_ID --event reauthorizationRequired|subscriptionRemoved|missed"],
  flags: {
    mailbox: { type: "string", value: "ID|UPN", help: "list: only this mailbox's subscriptions" },
    event: { type: "string", value: "EVENT", help: "lifecycle: the lifecycle event to send now" },
    json: { type: "boolean", help: "the API's JSON instead of a table" },
    ...ADMIN_CLIENT_FLAGS,
  },
  positionals: true,
  examples: ["graphcal subscriptions", "graphcal subscriptions lifecycle 5522bd62-7c96-4530-85b0-00b916f6151a --event missed"],
  async run({ values, positionals }) {
    const [action = "list", id, ...extra] = positionals;
    if (extra.length > 0 || (action === "list" && id !== undefined) || (action !== "list" && id === undefined)) {
      throw new UsageError("give list, deliveries ID or lifecycle ID --event EVENT");
    }
    if (action === "lifecycle" && !EVENTS.includes(values.event ?? "")) throw new UsageError(`lifecycle needs --event ${EVENTS.join("|")}`);
    const call = action === "list"
      ? { method: "GET" as const, path: `/_graphcal/subscriptions${values.mailbox ? `?mailbox=${encodeURIComponent(values.mailbox)}` : ""}` }
      : action === "deliveries" ? { method: "GET" as const, path: `/_graphcal/subscriptions/${encodeURIComponent(id as string)}/deliveries` }
        : action === "lifecycle" ? { method: "POST" as const, path: `/_graphcal/subscriptions/${encodeURIComponent(id as string)}/lifecycle`, body: { lifecycleEvent: values.event } }
          : undefined;
    if (!call) throw new UsageError(`unknown action '${action}': give list, deliveries or lifecycle`);
    const { answer, token } = await sendAdminCall(values, call);
    if (answer.status < 200 || answer.status >= 300) {
      reportAdminFailure("subscriptions", answer, token);
      return 1;
    }
    if (values.json || action === "lifecycle") {
      process.stdout.write(`${JSON.stringify(answer.body)}\n`);
      return 0;
    }
    const value = (answer.body as { value: unknown[] }).value;
    process.stdout.write(action === "list" ? subscriptionTable(value as SubscriptionRow[]) : attemptTable(value as AttemptRow[]));
    return 0;
  },
});

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
