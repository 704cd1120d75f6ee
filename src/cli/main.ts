#!/usr/bin/env node
import { parseArgs } from "node:util";

const USAGE = `graphcal — a Microsoft Graph calendar server (calendars, calendar groups, calendars/delta)

Usage:
  graphcal serve [--port N] [--host H] [--data-dir DIR | --database-url postgres://… | --memory] [--public-base-url URL] [--https-port N] [--no-seed] [--log-level L] [--dev-open-admin]
                 [--faults RULES.json] [--throttle outlook] [--fixtures FIXTURE.json|.yaml] [--quirks replay-item,duplicate-item,empty-page,late-change,created-and-updated]
                 [--graph-extensions]
  graphcal token --user <upn|id> [--scopes "Calendars.Read User.Read"] [--data-dir DIR]
  graphcal token --app [--client-id ID] [--roles "Calendars.Read"] [--data-dir DIR]
  graphcal migrate [--data-dir DIR | --database-url postgres://…]
  graphcal faults add --status 429 --path /me/calendars/delta [--times N] … | list | delete ID | clear | requests  [--base-url URL] [--token T]
  graphcal sync --base-url <URL/beta> (--me | --user <id|upn>) --store <file.db>
                (--token T | --token-command "CMD" | --tenant T --client-id ID --client-secret S [--authority URL])
                [--events --from DATE --to DATE [--calendar ID]] [--page-size N] [--select a,b] [--watch SECONDS] [--json]
  graphcal local-store dump --store <file.db> [--events] [--ics FILE]
  graphcal local-store ics FILE --store <file.db>
  graphcal clock [--advance P1D | --set 2027-01-01T00:00:00Z | --real | --manual] [--allow-backwards]
  graphcal reset [--mailbox <id|upn>]
  graphcal quirks [--mailbox <id|upn>] [--set replay-item,duplicate-item,empty-page,late-change,created-and-updated | --clear]
  graphcal expire-tokens (--delta-link URL | --mailbox <id|upn>)
  graphcal seed FIXTURE.json [--mode merge|replace]
  graphcal export [--mailbox <id|upn>]… [--out FILE]
  graphcal subscriptions [list [--mailbox <id|upn>] | deliveries ID | lifecycle ID --event reauthorizationRequired|subscriptionRemoved|missed] [--json]
    (admin commands: [--base-url http://127.0.0.1:8080] [--token T]; without a token one is minted over --data-dir)

Environment: PORT, HOST, DATA_DIR, DATABASE_URL, DATABASE_POOL_SIZE, PUBLIC_BASE_URL, HTTPS_PORT, LOG_LEVEL, SEED_DEMO, ISSUER_ORIGIN,
EXTERNAL_JWKS_URL, EXTERNAL_ISSUER, EXTRA_AUDIENCES, DELTA_RETENTION_DAYS, PRUNE_INTERVAL_SECONDS, DEV_OPEN_ADMIN, GRAPHCAL_ADMIN_TOKEN,
FAULTS_FILE, FIXTURES_FILE, THROTTLE (outlook), THROTTLE_CONCURRENCY, THROTTLE_REQUESTS, THROTTLE_WINDOW_SECONDS, QUIRKS,
GRAPH_EXTENSIONS, NOTIFY_POLL_MS, NOTIFY_VALIDATION_TIMEOUT_MS, NOTIFY_DELIVERY_TIMEOUT_MS, NOTIFY_LEASE_MS.
`;

// Commands load lazily: `sync` and `local-store` must not pay for loading the whole server.
const COMMANDS: Record<string, () => Promise<(args: string[]) => Promise<number>>> = {
  serve: async () => (await import("./serve-command.js")).runServe,
  token: async () => (await import("./token-command.js")).runToken,
  migrate: async () => (await import("./migrate-command.js")).runMigrate,
  faults: async () => (await import("./faults-command.js")).runFaults,
  sync: async () => (await import("./sync-command.js")).runSync,
  "local-store": async () => (await import("./local-store-command.js")).runLocalStore,
  // The command's name before 0.2 (it clashed with the server's store); kept so scripts work.
  store: async () => (await import("./local-store-command.js")).runLocalStore,
  clock: async () => (await import("./control-commands.js")).runClock,
  reset: async () => (await import("./control-commands.js")).runReset,
  quirks: async () => (await import("./control-commands.js")).runQuirks,
  "expire-tokens": async () => (await import("./control-commands.js")).runExpireTokens,
  seed: async () => (await import("./fixture-commands.js")).runSeed,
  export: async () => (await import("./fixture-commands.js")).runExport,
  subscriptions: async () => (await import("./subscriptions-command.js")).runSubscriptions,
};

/** Errors users caused (bad flags, bad config) print their message only; others their stack. */
function isUsageError(error: unknown): boolean {
  const e = error as { name?: string; code?: string };
  return e.name === "ConfigError" || e.code === "ERR_PARSE_ARGS_UNKNOWN_OPTION" || e.code === "ERR_PARSE_ARGS_INVALID_OPTION_VALUE"
    || e.code === "ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL";
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  const { values } = parseArgs({ args: command ? [] : argv, options: { help: { type: "boolean", short: "h" } }, strict: false });
  if (!command || values.help || command === "help" || command === "--help" || command === "-h") {
    process.stdout.write(USAGE);
    return command ? 0 : 1;
  }
  const run = COMMANDS[command];
  if (!run) {
    process.stderr.write(`graphcal: unknown command '${command}'\n\n${USAGE}`);
    return 2;
  }
  return (await run())(rest);
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code !== 0) process.exitCode = code;
  },
  (error: unknown) => {
    const message = isUsageError(error)
      ? (error as Error).message
      : (error as Error).stack ?? String(error);
    process.stderr.write(`graphcal: ${message}\n`);
    process.exitCode = 2;
  },
);
