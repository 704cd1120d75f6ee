import { createServer, parseConfig } from "../server/index.js";
import { defineCommand } from "./command.js";
import { explained, redactDatabaseUrl } from "./startup-errors.js";

// `graphcal serve`. The flags are parseConfig's inputs under the same names; the environment
// variables they stand in for are listed with them, and the environment-only ones below.

export const serveCommand = defineCommand({
  name: "serve",
  usage: ["[--port N] [--data-dir DIR | --database-url URL | --memory] [flags]"],
  flags: {
    port: { type: "string", value: "N", env: "PORT", help: "HTTP port (default 8080; 0 picks a free one)" },
    host: { type: "string", value: "HOST", env: "HOST", help: "address to listen on (default 127.0.0.1; 0.0.0.0 for every interface)" },
    "data-dir": { type: "string", value: "DIR", env: "DATA_DIR", help: "folder of the SQLite store and TLS files (default ./data)" },
    "database-url": { type: "string", value: "URL", env: "DATABASE_URL", help: "postgres://user@host/db: use PostgreSQL instead of SQLite" },
    memory: { type: "boolean", help: "an in-memory store: nothing written to disk, gone when the server stops" },
    "public-base-url": { type: "string", value: "URL", env: "PUBLIC_BASE_URL", help: "origin for absolute links (behind a proxy)" },
    "https-port": { type: "string", value: "N", env: "HTTPS_PORT", help: "also serve HTTPS with a self-signed certificate" },
    "no-seed": { type: "boolean", help: "do not create the demo tenant contoso" },
    "log-level": { type: "string", value: "LEVEL", env: "LOG_LEVEL", help: "trace, debug, info (default), warn, error, silent" },
    "log-format": { type: "string", value: "FORMAT", env: "LOG_FORMAT", help: "pretty (default on a terminal) or json (default otherwise)" },
    "dev-open-admin": { type: "boolean", env: "DEV_OPEN_ADMIN", help: "/_graphcal controls without an admin token (local test rigs only)" },
    faults: { type: "string", value: "FILE", env: "FAULTS_FILE", help: "fault rules (JSON) loaded at start" },
    throttle: { type: "string", value: "PROFILE", env: "THROTTLE", help: "outlook: Graph's Outlook throttling limits; off (default)" },
    fixtures: { type: "string", value: "FILE", env: "FIXTURES_FILE", help: "fixture (JSON or YAML) loaded at start and by a reset" },
    quirks: { type: "string", value: "LIST", env: "QUIRKS", help: "Graph quirks for every mailbox: replay-item,duplicate-item,empty-page,late-change,created-and-updated" },
    "graph-extensions": { type: "boolean", env: "GRAPH_EXTENSIONS", help: "serve what Graph does not (v1.0 calendars/delta, 410 Location…; README \"Extensions\")" },
    "allowed-hosts": { type: "string", value: "LIST", env: "ALLOWED_HOSTS", help: "Host headers trusted for absolute links when PUBLIC_BASE_URL is unset" },
  },
  env: {
    SEED_DEMO: "false: no demo tenant (as --no-seed)",
    DATABASE_POOL_SIZE: "PostgreSQL connections (default 10)",
    ISSUER_ORIGIN: "fixed origin in the iss of minted tokens",
    EXTERNAL_JWKS_URL: "also accept tokens signed by these keys (e.g. Entra ID's)",
    EXTERNAL_ISSUER: "the iss those tokens carry",
    EXTRA_AUDIENCES: "more accepted aud values, comma-separated",
    DELTA_RETENTION_DAYS: "how long delta change logs are kept (default 30)",
    PRUNE_INTERVAL_SECONDS: "how often the retention job runs (default 3600)",
    WATERMARK_TTL_MS: "the 'nothing changed' delta cache's lifetime (default 1000)",
    PROVISION_BIRTHDAYS: "false: new mailboxes get no Birthdays calendar",
    THROTTLE_CONCURRENCY: "--throttle outlook: concurrent requests per mailbox",
    THROTTLE_REQUESTS: "--throttle outlook: requests per window",
    THROTTLE_WINDOW_SECONDS: "--throttle outlook: the window",
    NOTIFY_POLL_MS: "change notifications: how often the dispatcher looks for other instances' writes and due retries (default 1000)",
    NOTIFY_VALIDATION_TIMEOUT_MS: "change notifications: the validation handshake's timeout (default 10000, Graph's)",
    NOTIFY_DELIVERY_TIMEOUT_MS: "change notifications: how long a receiver has to answer (default 3000, Graph's)",
    NOTIFY_LEASE_MS: "change notifications: how long a stopped instance's lease on a mailbox lasts (default 30000)",
  },
  notes: ["The server prints where it listens on stderr; request logs go to stdout."],
  examples: ["graphcal serve --memory --dev-open-admin --port 0", "DATABASE_URL=postgres://postgres@127.0.0.1/graphcal graphcal serve"],
  async run({ values }) {
    // A person at a terminal reads pretty lines; anything else (a pipe, a container) gets JSON.
    const logFormat = values["log-format"] ?? process.env.LOG_FORMAT ?? (process.stdout.isTTY ? "pretty" : "json");
    const config = parseConfig(process.env, { ...values, "log-format": logFormat });
    const server = await explained("store", config, () => createServer(config));
    let addresses;
    try {
      addresses = await explained("listen", config, () => server.listen());
    } catch (error) {
      await server.close();
      throw error;
    }
    const lines = [`graphcal listening on ${addresses.http} (Graph at ${addresses.http}/v1.0 and /beta)`];
    if (addresses.https) lines.push(`graphcal HTTPS on ${addresses.https} (certificate: ${addresses.certPath})`);
    lines.push(`web console: ${addresses.http}/_graphcal/console${config.seedDemo ? " (sign in as the demo admin: README, \"Web console\")" : ""}`);
    const where = config.databaseUrl ? `PostgreSQL ${redactDatabaseUrl(config.databaseUrl)}`
      : config.dataDir === ":memory:" ? "in memory (nothing is written to disk; gone when the server stops)" : config.dataDir;
    lines.push(`data: ${where}${config.seedDemo ? " — demo tenant contoso seeded (see README)" : ""}`);
    if (config.devOpenAdmin) lines.push("WARNING: --dev-open-admin: anyone who reaches this port can reset data and move the clock (/_graphcal)");
    process.stderr.write(`${lines.join("\n")}\n`);

    await new Promise<void>((resolve) => {
      const stop = () => resolve();
      process.once("SIGINT", stop);
      process.once("SIGTERM", stop);
    });
    await server.close();
    return 0;
  },
});
