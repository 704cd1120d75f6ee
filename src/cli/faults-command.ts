import { readFile } from "node:fs/promises";
import type { AdminAnswer } from "../server/index.js";
import { ADMIN_CLIENT_FLAGS, sendAdminCall } from "./admin-client.js";
import { UsageError } from "./cli-errors.js";
import { defineCommand } from "./command.js";

// `graphcal faults add|list|delete|clear|requests`: the fault-rule controls of a running server,
// over HTTP (/_graphcal/faults, /_graphcal/requests), with the admin token of every admin
// command (admin-client.ts).

const NUMBER_FLAGS: Record<string, string> = {
  status: "status", "retry-after": "retryAfter", "latency-ms": "latencyMs", nth: "nth", times: "times", probability: "probability", seed: "seed",
};
const STRING_FLAGS: Record<string, string> = { code: "code", path: "path", method: "method", mailbox: "mailbox", "app-id": "appId", id: "id" };

export const faultsCommand = defineCommand({
  name: "faults",
  usage: [
    "add [--status N [--code C] [--retry-after S] | --latency-ms N | --drop] [--path P] [--method M] [--mailbox ID|UPN] [--app-id ID]",
    "  [--nth N] [--times N] [--probability P --seed N] [--id ID]",
    "add --file RULES.json",
    "list | delete ID | clear | requests [--limit N]",
  ],
  flags: {
    status: { type: "string", value: "N", help: "answer with this status (429, 503, 504, 500 …)" },
    code: { type: "string", value: "C", help: "the Graph error code of that answer" },
    "retry-after": { type: "string", value: "S", help: "its Retry-After header, in seconds" },
    "latency-ms": { type: "string", value: "N", help: "delay the answer instead" },
    drop: { type: "boolean", help: "drop the connection instead" },
    path: { type: "string", value: "P", help: "requests whose path starts with this (/me/calendars/delta)" },
    method: { type: "string", value: "M", help: "requests with this method" },
    mailbox: { type: "string", value: "ID|UPN", help: "requests for this mailbox" },
    "app-id": { type: "string", value: "ID", help: "requests of this app" },
    nth: { type: "string", value: "N", help: "only the n-th matching request" },
    times: { type: "string", value: "N", help: "fire this many times, then stop" },
    probability: { type: "string", value: "P", help: "fire with this probability (0..1)" },
    seed: { type: "string", value: "N", help: "random seed for --probability (repeatable runs)" },
    id: { type: "string", value: "ID", help: "the rule's id (default: generated)" },
    file: { type: "string", value: "RULES.json", help: "add: rules from a JSON file (a list, or one rule)" },
    limit: { type: "string", value: "N", help: "requests: how many of the latest requests" },
    ...ADMIN_CLIENT_FLAGS,
  },
  examples: ["graphcal faults add --status 429 --retry-after 2 --path /me/calendars/delta --times 3"],
  positionals: true,
  async run({ values, positionals }) {
    const [action, ...rest] = positionals;
    const call = async (method: "GET" | "POST" | "DELETE", path: string, body?: unknown) => (await sendAdminCall(values, { method, path, ...(body !== undefined && { body }) })).answer;
    let answer: AdminAnswer;
    switch (action) {
      case "add": {
        let body: unknown;
        try {
          body = values.file ? JSON.parse(await readFile(values.file, "utf8")) as unknown : ruleFromFlags(values);
        } catch (error) {
          throw new UsageError(`cannot read ${values.file}: ${(error as Error).message}`);
        }
        answer = await call("POST", "/_graphcal/faults", body);
        break;
      }
      case "list":
        answer = await call("GET", "/_graphcal/faults");
        break;
      case "delete":
        if (!rest[0]) throw new UsageError("faults delete: give the rule's id");
        answer = await call("DELETE", `/_graphcal/faults/${encodeURIComponent(rest[0])}`);
        break;
      case "clear":
        answer = await call("DELETE", "/_graphcal/faults");
        break;
      case "requests":
        answer = await call("GET", `/_graphcal/requests${values.limit ? `?limit=${encodeURIComponent(values.limit)}` : ""}`);
        break;
      default:
        throw new UsageError(action ? `unknown action '${action}' (add, list, delete, clear, requests)` : "give an action: add, list, delete, clear, requests");
    }
    if (answer.status >= 400) {
      const error = (answer.body as { error?: { code?: string; message?: string } } | undefined)?.error;
      process.stderr.write(`graphcal faults: ${answer.status} ${error?.code ?? ""}: ${error?.message ?? answer.text}\n`);
      return 1;
    }
    if (answer.body !== undefined) process.stdout.write(`${JSON.stringify(answer.body, null, 2)}\n`);
    else process.stderr.write("done\n");
    return 0;
  },
});

/** The rule the flags describe; numbers are sent as numbers, and the server checks the rest. */
function ruleFromFlags(values: Record<string, string | boolean | undefined>): Record<string, unknown> {
  const rule: Record<string, unknown> = {};
  for (const [flag, field] of Object.entries(STRING_FLAGS)) if (typeof values[flag] === "string") rule[field] = values[flag];
  for (const [flag, field] of Object.entries(NUMBER_FLAGS)) {
    const value = values[flag];
    if (typeof value !== "string") continue;
    const n = Number(value);
    // Not a number: sent as given, so the server's 400 names the field and the value.
    rule[field] = value.trim() !== "" && Number.isFinite(n) ? n : value;
  }
  if (values.drop) rule.drop = true;
  return rule;
}

