// The usual ways a start goes wrong on someone's machine, each turned into one line that names
// the setting to change (issue 14): a port in use, PostgreSQL unreachable or refusing us, a data
// folder that cannot be written. Read from the error's code, so nothing here depends on the
// wording of Node's, pg's or SQLite's messages.
import { join } from "node:path";
import type { Config } from "../server/index.js";
import { SetupError } from "./cli-errors.js";

type ErrorWithCode = Error & { code?: string; port?: number; address?: string; errors?: unknown[] };

const NETWORK_CODES = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "ETIMEDOUT", "EHOSTUNREACH", "ENETUNREACH", "ECONNRESET"]);
const FOLDER_CODES = new Set(["EACCES", "EPERM", "EROFS", "ENOTDIR", "EEXIST", "ENOSPC", "SQLITE_CANTOPEN", "SQLITE_READONLY", "SQLITE_IOERR", "SQLITE_FULL"]);

/** A postgres:// URL fit to print: the password replaced. */
export function redactDatabaseUrl(databaseUrl: string): string {
  try {
    const url = new URL(databaseUrl);
    if (url.password) url.password = "***";
    return url.toString();
  } catch {
    return "(unparseable URL)";
  }
}

function codeOf(error: ErrorWithCode): string | undefined {
  // Node reports a refused connection to every address of a host as an AggregateError.
  return error.code ?? (error.errors?.[0] as ErrorWithCode | undefined)?.code;
}

/** The one line for an error thrown while opening the configured store, if it is a known setup fault. */
export function explainStoreError(error: unknown, config: Readonly<Config>): string | undefined {
  const e = error as ErrorWithCode;
  const code = codeOf(e);
  if (code === undefined) return undefined;
  if (config.databaseUrl) {
    const at = `PostgreSQL at DATABASE_URL ${redactDatabaseUrl(config.databaseUrl)}`;
    if (NETWORK_CODES.has(code)) return `cannot reach ${at} (${code}): start PostgreSQL there, or set DATABASE_URL or --database-url`;
    // SQLSTATE classes 28 (authorization) and 3D000 (no such database).
    if (code.startsWith("28")) return `${at} refused the login (${e.message}): fix the user or password in DATABASE_URL or --database-url`;
    if (code === "3D000") return `${at}: ${e.message}; create it (createdb) or set DATABASE_URL or --database-url`;
    return undefined;
  }
  if (config.dataDir === ":memory:") return undefined;
  if (FOLDER_CODES.has(code) || code.startsWith("SQLITE_IOERR")) {
    const detail = e.message.includes(code) ? e.message : `${code}: ${e.message}`;
    return `DATA_DIR ${config.dataDir} is not writable (${detail}): set DATA_DIR or --data-dir to a folder graphcal can create and write`;
  }
  if (code === "SQLITE_NOTADB" || code === "SQLITE_CORRUPT") {
    return `DATA_DIR ${config.dataDir}: ${join(config.dataDir, "graphcal.db")} is not a graphcal store (${e.message}): set DATA_DIR or --data-dir to another folder`;
  }
  return undefined;
}

/** The one line for an error thrown by listen(), if it is a known setup fault. */
export function explainListenError(error: unknown, config: Readonly<Config>): string | undefined {
  const e = error as ErrorWithCode;
  const code = codeOf(e);
  // Which listener failed: the error carries the port it tried.
  const https = config.httpsPort !== undefined && e.port === config.httpsPort && e.port !== config.port;
  const port = https ? config.httpsPort : config.port;
  const setting = https ? "HTTPS_PORT or --https-port" : "PORT or --port";
  switch (code) {
    case "EADDRINUSE":
      return `port ${port} is in use: set ${setting} (0 picks a free port), or stop what listens there`;
    case "EACCES":
      return `port ${port} needs privileges to listen on: set ${setting} to 1024 or above`;
    case "EADDRNOTAVAIL":
    case "ENOTFOUND":
    case "EAI_AGAIN":
      return `cannot listen on host ${config.host} (${code}): set HOST or --host to an address of this machine (127.0.0.1, 0.0.0.0)`;
    default:
      return undefined;
  }
}

/**
 * Runs one start-up step and turns a known setup fault into a SetupError (one line, exit 2),
 * keeping the original as `cause` for --debug.
 */
export async function explained<T>(step: "store" | "listen", config: Readonly<Config>, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    const line = step === "store" ? explainStoreError(error, config) : explainListenError(error, config);
    if (line === undefined) throw error;
    throw new SetupError(line, { cause: error });
  }
}
