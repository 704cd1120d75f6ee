import { parseArgs } from "node:util";
import { createServer, DEMO_CLIENT_ID, parseConfig } from "../server/index.js";

// `graphcal faults add|list|delete|clear|requests`: the fault-rule controls of a running server,
// over HTTP (/_graphcal/faults, /_graphcal/requests). The admin token is --token, or minted here
// from the server's store (same DATA_DIR / DATABASE_URL) as `graphcal token --app --roles
// Graphcal.Admin` would.

const USAGE = `graphcal faults add [--status N [--code C] [--retry-after S] | --latency-ms N | --drop] [--path P] [--method M]
                    [--mailbox ID|UPN] [--app-id ID] [--nth N] [--times N] [--probability P --seed N] [--id ID] | --file RULES.json
graphcal faults list | delete ID | clear | requests [--limit N]
  common: [--base-url http://127.0.0.1:8080] [--token T | --data-dir DIR | --database-url postgres://…]
`;

const NUMBER_FLAGS: Record<string, string> = {
  status: "status", "retry-after": "retryAfter", "latency-ms": "latencyMs", nth: "nth", times: "times", probability: "probability", seed: "seed",
};
const STRING_FLAGS: Record<string, string> = { code: "code", path: "path", method: "method", mailbox: "mailbox", "app-id": "appId", id: "id" };

export async function runFaults(args: string[]): Promise<number> {
  const [action, ...rest] = args;
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    options: {
      "base-url": { type: "string" }, token: { type: "string" }, "data-dir": { type: "string" }, "database-url": { type: "string" },
      file: { type: "string" }, drop: { type: "boolean" }, limit: { type: "string" },
      ...Object.fromEntries([...Object.keys(NUMBER_FLAGS), ...Object.keys(STRING_FLAGS)].map((name) => [name, { type: "string" as const }])),
    },
  });
  const base = (values["base-url"] ?? "http://127.0.0.1:8080").replace(/\/+$/, "");
  const call = async (method: string, path: string, body?: unknown): Promise<{ status: number; json: unknown }> => {
    const token = values.token ?? await mintAdminToken(values["data-dir"], values["database-url"]);
    const res = await fetch(`${base}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body !== undefined && { "content-type": "application/json" }) },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    return { status: res.status, json: text ? JSON.parse(text) as unknown : undefined };
  };
  const print = (json: unknown) => process.stdout.write(`${JSON.stringify(json, null, 2)}\n`);

  let answer: { status: number; json: unknown };
  switch (action) {
    case "add": {
      const body = values.file ? JSON.parse(await readText(values.file)) as unknown : ruleFromFlags(values);
      answer = await call("POST", "/_graphcal/faults", body);
      break;
    }
    case "list":
      answer = await call("GET", "/_graphcal/faults");
      break;
    case "delete":
      if (!positionals[0]) return usage("graphcal faults delete: give the rule's id");
      answer = await call("DELETE", `/_graphcal/faults/${encodeURIComponent(positionals[0])}`);
      break;
    case "clear":
      answer = await call("DELETE", "/_graphcal/faults");
      break;
    case "requests":
      answer = await call("GET", `/_graphcal/requests${values.limit ? `?limit=${encodeURIComponent(values.limit)}` : ""}`);
      break;
    default:
      return usage(action ? `graphcal faults: unknown action '${action}'` : "graphcal faults: give an action");
  }
  if (answer.status >= 400) {
    const error = (answer.json as { error?: { code?: string; message?: string } } | undefined)?.error;
    process.stderr.write(`graphcal faults: ${answer.status} ${error?.code ?? ""}: ${error?.message ?? ""}\n`);
    return 1;
  }
  if (answer.json !== undefined) print(answer.json);
  else process.stderr.write("done\n");
  return 0;
}

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

async function readText(path: string): Promise<string> {
  const { readFile } = await import("node:fs/promises");
  return readFile(path, "utf8");
}

function usage(message: string): number {
  process.stderr.write(`${message}\n\n${USAGE}`);
  return 2;
}

/** An app token with Graphcal.Admin from the server's own store, as `graphcal token --app` mints it. */
async function mintAdminToken(dataDir: string | undefined, databaseUrl: string | undefined): Promise<string> {
  const config = parseConfig(process.env, { "data-dir": dataDir, "database-url": databaseUrl, "log-level": "silent", "no-seed": true });
  const server = await createServer(config);
  try {
    const app = await server.store.getApp(DEMO_CLIENT_ID);
    if (!app) throw new Error(`no app registration '${DEMO_CLIENT_ID}' in ${config.dataDir}: pass --token`);
    return (await server.issuer.mintApp({ app, roles: ["Graphcal.Admin"] })).token;
  } finally {
    await server.close();
  }
}
