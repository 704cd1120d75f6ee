import { existsSync } from "node:fs";
import { join } from "node:path";
import { ADMIN_ROLE, callAdmin, createServer, DEMO_CLIENT_ID, parseConfig } from "../server/index.js";
import type { AdminAnswer } from "../server/index.js";
import { SetupError } from "./cli-errors.js";
import type { FlagTable } from "./command.js";
import { explained } from "./startup-errors.js";

export { callAdmin };

// Talking to a running server's /_graphcal controls (issue 11) from the command line: one
// helper for every admin command (clock, reset, expire-tokens, and the fault commands).

/** The flags every admin command takes (its table in command.ts's form). */
export const ADMIN_CLIENT_FLAGS = {
  "base-url": { type: "string", value: "URL", help: "the running server (default http://127.0.0.1:8080)" },
  token: { type: "string", value: "JWT", env: "GRAPHCAL_ADMIN_TOKEN", help: "admin token; without one it is minted over the server's store" },
  "data-dir": { type: "string", value: "DIR", env: "DATA_DIR", help: "the server's SQLite store, to mint the admin token from" },
  "database-url": { type: "string", value: "URL", env: "DATABASE_URL", help: "the server's PostgreSQL database, to mint the admin token from" },
  "client-id": { type: "string", value: "ID", help: "the app registration the admin token is minted for" },
} as const satisfies FlagTable;

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
  const server = await explained("store", config, () => createServer(config));
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
  const { answer, token } = await sendAdminCall(flags, call);
  if (answer.status >= 200 && answer.status < 300) {
    if (answer.body !== undefined) process.stdout.write(`${JSON.stringify(answer.body)}\n`);
    return 0;
  }
  reportAdminFailure(command, answer, token);
  return 1;
}

/** One admin call with the flags' token; a server that does not answer is a one-line SetupError. */
export async function sendAdminCall(flags: AdminClientFlags, call: { method: "GET" | "POST" | "DELETE"; path: string; body?: unknown }): Promise<{ answer: AdminAnswer; token: string | undefined }> {
  const baseUrl = flags["base-url"] ?? DEFAULT_BASE_URL;
  const token = await adminToken(flags);
  try {
    return { answer: await callAdmin({ baseUrl, token, ...call }), token };
  } catch (error) {
    if (!(error instanceof TypeError)) throw error;
    const code = (error.cause as { code?: string } | undefined)?.code ?? error.message;
    throw new SetupError(`cannot reach a graphcal server at ${baseUrl} (${code}): start one (graphcal serve), or set --base-url`, { cause: error });
  }
}

/** A refused admin call on stderr: the Graph error, and what to do when no token was sent. */
export function reportAdminFailure(command: string, answer: { status: number; body: unknown }, token: string | undefined): void {
  const error = (answer.body as { error?: { code?: string; message?: string } } | undefined)?.error;
  const hint = answer.status === 401 && token === undefined
    ? " (no admin token was sent: pass --token or GRAPHCAL_ADMIN_TOKEN, or --data-dir/--database-url of the server's store)"
    : "";
  process.stderr.write(`graphcal ${command}: ${answer.status} ${error?.code ?? ""} ${error?.message ?? JSON.stringify(answer.body)}${hint}\n`);
}
