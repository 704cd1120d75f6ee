import { resolve } from "node:path";
import { OUTLOOK_LIMITS, parseQuirkList, type QuirkName, type ThrottleLimits } from "../http/index.js";

/** Everything the server can be told, parsed once at the edge and frozen. */
export interface Config {
  port: number;
  host: string;
  /** Folder of the SQLite store, TLS material; ":memory:" for a throw-away store. */
  dataDir: string;
  /** postgres://… selects PostgreSQL instead of the embedded SQLite store. */
  databaseUrl: string | undefined;
  databasePoolSize: number;
  publicBaseUrl: string | undefined;
  logLevel: string;
  seedDemo: boolean;
  /** When set, an HTTPS listener with a self-signed certificate also runs (legacy Graph JS SDK). */
  httpsPort: number | undefined;
  /**
   * The origin in the `iss` of tokens the built-in issuer mints. Unset, the token endpoint and
   * the discovery document use the request's origin (what MSAL expects of an authority), and
   * tokens minted offline (`graphcal token`) use DEFAULT_ISSUER_ORIGIN.
   */
  issuerOrigin: string | undefined;
  externalJwksUrl: string | undefined;
  externalIssuer: string | undefined;
  extraAudiences: string[];
  deltaRetentionDays: number;
  pruneIntervalSeconds: number;
  watermarkTtlMs: number;
  birthdays: boolean;
  /** /_graphcal controls open to anyone, without an admin token (--dev-open-admin); for local test rigs only. */
  devOpenAdmin: boolean;
  /** A JSON file of fault rules loaded at start (`--faults FILE`). */
  faultsFile: string | undefined;
  /** A fixture loaded at start, after the demo seed, and again by a whole-store reset (`--fixtures FILE`). */
  fixturesFile: string | undefined;
  /** The Outlook throttling profile's limits (`--throttle outlook`); undefined when off. */
  throttle: ThrottleLimits | undefined;
  /** Graph quirk modes on for every mailbox (`--quirks a,b`); empty: strict mode. */
  quirks: readonly QuirkName[];
  /**
   * graphcal's extensions of Graph on (`--graph-extensions`, GRAPH_EXTENSIONS): e.g. change
   * notifications for `me/calendars`. Off by default, for parity with Graph.
   */
  graphExtensions: boolean;
  /** Change notifications (issue 12): how often the dispatcher polls (other instances' writes, retries and expiry due on the virtual clock). */
  notifyPollMs: number;
  /** How long a notification URL has to answer the validation handshake (Graph: 10 s). */
  notifyValidationTimeoutMs: number;
  /** How long a receiver has to answer a notification POST (Graph: 3 s). */
  notifyDeliveryTimeoutMs: number;
  /** How long an instance's lease on a mailbox's subscriptions lasts if it dies mid-delivery. */
  notifyLeaseMs: number;
}

export type ConfigInput = Record<string, string | boolean | undefined>;

export class ConfigError extends Error {
  override readonly name = "ConfigError";
}

function int(name: string, value: string | boolean | undefined, fallback: number, min: number, max: number): number {
  if (value === undefined || value === "") return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) throw new ConfigError(`${name} must be an integer from ${min} to ${max}, got '${String(value)}'`);
  return n;
}

function bool(name: string, value: string | boolean | undefined, fallback: boolean): boolean {
  if (value === undefined || value === "") return fallback;
  if (typeof value === "boolean") return value;
  if (/^(1|true|yes|on)$/i.test(value)) return true;
  if (/^(0|false|no|off)$/i.test(value)) return false;
  throw new ConfigError(`${name} must be true or false, got '${value}'`);
}

function origin(name: string, value: string | boolean | undefined): string | undefined {
  if (value === undefined || value === "" || typeof value === "boolean") return undefined;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError(`${name} must be an absolute http(s) URL, got '${value}'`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") throw new ConfigError(`${name} must use http or https`);
  return value.replace(/\/+$/, "");
}

function databaseUrl(value: string | boolean | undefined): string | undefined {
  if (typeof value !== "string" || value === "") return undefined;
  if (!/^postgres(ql)?:\/\//.test(value)) throw new ConfigError(`DATABASE_URL must be a postgres:// URL, got '${value}'`);
  return value;
}

function str(value: string | boolean | undefined): string | undefined {
  return typeof value === "string" && value !== "" ? value : undefined;
}

/** `THROTTLE=outlook` turns on Graph's Outlook limits, each overridable (issue 11). */
function throttle(value: string | boolean | undefined, env: ConfigInput): ThrottleLimits | undefined {
  const profile = str(value)?.toLowerCase();
  if (profile === undefined || profile === "off") return undefined;
  if (profile !== "outlook") throw new ConfigError(`THROTTLE must be 'outlook' or 'off', got '${String(value)}'`);
  return Object.freeze({
    concurrency: int("THROTTLE_CONCURRENCY", env.THROTTLE_CONCURRENCY, OUTLOOK_LIMITS.concurrency, 1, 10_000),
    requests: int("THROTTLE_REQUESTS", env.THROTTLE_REQUESTS, OUTLOOK_LIMITS.requests, 1, 100_000_000),
    windowSeconds: int("THROTTLE_WINDOW_SECONDS", env.THROTTLE_WINDOW_SECONDS, OUTLOOK_LIMITS.windowSeconds, 1, 86_400),
  });
}

function quirks(value: string | boolean | undefined): readonly QuirkName[] {
  try {
    return Object.freeze(parseQuirkList(str(value) ?? ""));
  } catch (error) {
    throw new ConfigError((error as Error).message);
  }
}

/**
 * Builds the configuration from environment variables, overridden by command-line flags
 * (same names in lower-kebab case: --port, --data-dir, --public-base-url, --no-seed …).
 */
export function parseConfig(env: ConfigInput, flags: ConfigInput = {}): Readonly<Config> {
  const pick = (envName: string, flag: string) => flags[flag] ?? env[envName];
  // --memory: an in-memory SQLite store, nothing written to disk (other languages' test suites).
  if (flags.memory === true && (flags["data-dir"] !== undefined || pick("DATABASE_URL", "database-url"))) {
    throw new ConfigError("--memory cannot be combined with --data-dir or a database URL");
  }
  const dataDir = flags.memory === true ? ":memory:" : str(pick("DATA_DIR", "data-dir")) ?? "./data";
  return Object.freeze({
    port: int("PORT", pick("PORT", "port"), 8080, 0, 65535),
    host: str(pick("HOST", "host")) ?? "127.0.0.1",
    dataDir: dataDir === ":memory:" ? dataDir : resolve(dataDir),
    databaseUrl: databaseUrl(pick("DATABASE_URL", "database-url")),
    databasePoolSize: int("DATABASE_POOL_SIZE", env.DATABASE_POOL_SIZE, 10, 1, 200),
    publicBaseUrl: origin("PUBLIC_BASE_URL", pick("PUBLIC_BASE_URL", "public-base-url")),
    logLevel: str(pick("LOG_LEVEL", "log-level")) ?? "info",
    seedDemo: flags["no-seed"] === true ? false : bool("SEED_DEMO", env.SEED_DEMO, true),
    httpsPort: pick("HTTPS_PORT", "https-port") === undefined ? undefined : int("HTTPS_PORT", pick("HTTPS_PORT", "https-port"), 8443, 0, 65535),
    issuerOrigin: origin("ISSUER_ORIGIN", env.ISSUER_ORIGIN),
    externalJwksUrl: origin("EXTERNAL_JWKS_URL", env.EXTERNAL_JWKS_URL),
    externalIssuer: str(env.EXTERNAL_ISSUER),
    extraAudiences: (str(env.EXTRA_AUDIENCES) ?? "").split(",").map((s) => s.trim()).filter(Boolean),
    deltaRetentionDays: int("DELTA_RETENTION_DAYS", env.DELTA_RETENTION_DAYS, 30, 1, 3650),
    pruneIntervalSeconds: int("PRUNE_INTERVAL_SECONDS", env.PRUNE_INTERVAL_SECONDS, 3600, 1, 86400 * 7),
    watermarkTtlMs: int("WATERMARK_TTL_MS", env.WATERMARK_TTL_MS, 1000, 0, 3600_000),
    birthdays: bool("PROVISION_BIRTHDAYS", env.PROVISION_BIRTHDAYS, true),
    devOpenAdmin: bool("DEV_OPEN_ADMIN", pick("DEV_OPEN_ADMIN", "dev-open-admin"), false),
    faultsFile: str(pick("FAULTS_FILE", "faults")),
    fixturesFile: str(pick("FIXTURES_FILE", "fixtures")),
    throttle: throttle(pick("THROTTLE", "throttle"), env),
    quirks: quirks(pick("QUIRKS", "quirks")),
    graphExtensions: bool("GRAPH_EXTENSIONS", pick("GRAPH_EXTENSIONS", "graph-extensions"), false),
    notifyPollMs: int("NOTIFY_POLL_MS", env.NOTIFY_POLL_MS, 1000, 10, 3600_000),
    notifyValidationTimeoutMs: int("NOTIFY_VALIDATION_TIMEOUT_MS", env.NOTIFY_VALIDATION_TIMEOUT_MS, 10_000, 1, 600_000),
    notifyDeliveryTimeoutMs: int("NOTIFY_DELIVERY_TIMEOUT_MS", env.NOTIFY_DELIVERY_TIMEOUT_MS, 3000, 1, 600_000),
    notifyLeaseMs: int("NOTIFY_LEASE_MS", env.NOTIFY_LEASE_MS, 30_000, 100, 3600_000),
  });
}
