import { existsSync } from "node:fs";
import { join } from "node:path";
import { ADMIN_ROLE, callAdmin, createServer, DEMO_CLIENT_ID, parseConfig } from "../server/index.js";

export { callAdmin };

// Talking to a running server's /_graphcal controls (issue 11) from the command line: one
// helper for every admin command (clock, reset, expire-tokens, and the fault commands).

/** The parseArgs options every admin command takes. */
export const ADMIN_CLIENT_OPTIONS = {
  "base-url": { type: "string" },
  token: { type: "string" },
  "data-dir": { type: "string" },
  "database-url": { type: "string" },
  "client-id": { type: "string" },
} as const;

export interface AdminClientFlags {
  "base-url"?: string | undefined;
  token?: string | undefined;
  "data-dir"?: string | undefined;
  "database-url"?: string | undefined;
  "client-id"?: string | undefined;
}

export const DEFAULT_BASE_URL = "http://127.0.0.1:8080";

/**
 * The bearer for admin calls: `--token`, else GRAPHCAL_ADMIN_TOKEN, else one minted locally
 * with the Graphcal.Admin role over the server's own store (as `graphcal token --app --roles
 * Graphcal.Admin` does) — only when that store exists, so a command never creates ./data. No
 * token at all is right for a server started with --dev-open-admin (e.g. `serve --memory`).
 */
export async function adminToken(flags: AdminClientFlags, env: NodeJS.ProcessEnv = process.env): Promise<string | undefined> {
  if (flags.token) return flags.token;
  if (env.GRAPHCAL_ADMIN_TOKEN) return env.GRAPHCAL_ADMIN_TOKEN;
  const config = parseConfig(env, {
    "data-dir": flags["data-dir"], "database-url": flags["database-url"], "no-seed": true, "log-level": "silent",
  });
  if (!config.databaseUrl && (config.dataDir === ":memory:" || !existsSync(join(config.dataDir, "graphcal.db")))) return undefined;
  const server = await createServer(config);
  try {
    const app = await server.store.getApp(flags["client-id"] ?? DEMO_CLIENT_ID);
    if (!app) return undefined;
    return (await server.issuer.mintApp({ app, roles: [ADMIN_ROLE] })).token;
  } finally {
    await server.close();
  }
}

/**
 * Runs one admin call for a command and reports it: the JSON answer on stdout (exit 0), or the
 * Graph error's code and message on stderr (exit 1).
 */
export async function runAdminCall(command: string, flags: AdminClientFlags, call: { method: "GET" | "POST" | "DELETE"; path: string; body?: unknown }): Promise<number> {
  const baseUrl = flags["base-url"] ?? DEFAULT_BASE_URL;
  const answer = await callAdmin({ baseUrl, token: await adminToken(flags), ...call });
  if (answer.status >= 200 && answer.status < 300) {
    if (answer.body !== undefined) process.stdout.write(`${JSON.stringify(answer.body)}\n`);
    return 0;
  }
  const error = (answer.body as { error?: { code?: string; message?: string } } | undefined)?.error;
  process.stderr.write(`graphcal ${command}: ${answer.status} ${error?.code ?? ""} ${error?.message ?? JSON.stringify(answer.body)}\n`);
  return 1;
}
