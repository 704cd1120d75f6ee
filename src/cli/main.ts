#!/usr/bin/env node
import { readFileSync } from "node:fs";
import { SetupError, UsageError } from "./cli-errors.js";
import { runCommand, type CommandSpec } from "./command.js";

interface CommandEntry {
  group: "server" | "controls" | "client";
  /** The command's line in `graphcal --help`, and the title of its own help. */
  summary: string;
  // Commands load lazily: `sync` and `local-store` must not pay for loading the whole server.
  load: () => Promise<CommandSpec>;
  /** Not listed (an old name kept so scripts work). */
  hidden?: boolean;
}

// Every command is one entry here plus its file, whose table holds its flags and help.
const COMMANDS: Record<string, CommandEntry> = {
  serve: { group: "server", summary: "run the Graph calendar server", load: async () => (await import("./serve-command.js")).serveCommand },
  token: { group: "server", summary: "print an access token the server accepts", load: async () => (await import("./token-command.js")).tokenCommand },
  migrate: { group: "server", summary: "bring the store's schema up to date", load: async () => (await import("./migrate-command.js")).migrateCommand },
  clock: { group: "controls", summary: "show, move or set the server's virtual clock", load: async () => (await import("./control-commands.js")).clockCommand },
  reset: { group: "controls", summary: "reset the store, or one mailbox, to its startup state", load: async () => (await import("./control-commands.js")).resetCommand },
  quirks: { group: "controls", summary: "turn Graph's delta quirks on or off", load: async () => (await import("./control-commands.js")).quirksCommand },
  "expire-tokens": { group: "controls", summary: "make delta links answer 410 (sync state lost)", load: async () => (await import("./control-commands.js")).expireTokensCommand },
  faults: { group: "controls", summary: "inject errors, latency and drops; list requests", load: async () => (await import("./faults-command.js")).faultsCommand },
  seed: { group: "controls", summary: "load a fixture (users, calendars, events) into the server", load: async () => (await import("./fixture-commands.js")).seedCommand },
  export: { group: "controls", summary: "export mailboxes as a fixture", load: async () => (await import("./fixture-commands.js")).exportCommand },
  sync: { group: "client", summary: "keep a local SQLite store in step with a mailbox (delta sync)", load: async () => (await import("./sync-command.js")).syncCommand },
  "local-store": { group: "client", summary: "read a local sync store: JSON or iCalendar", load: async () => (await import("./local-store-command.js")).localStoreCommand },
  // The command's name before 0.2 (it clashed with the server's store).
  store: { group: "client", summary: "old name of local-store", hidden: true, load: async () => (await import("./local-store-command.js")).localStoreCommand },
};

const GROUPS: Record<CommandEntry["group"], string> = {
  server: "Server",
  controls: "Emulator controls (talk to a running server; --base-url, --token)",
  client: "Sync client",
};

function formatUsage(): string {
  const listed = Object.entries(COMMANDS).filter(([, c]) => !c.hidden);
  const width = Math.max(...listed.map(([name]) => name.length)) + 3;
  const lines = [
    "graphcal — a Microsoft Graph calendar server (calendars, events, delta) and a sync client",
    "",
    "Usage: graphcal <command> [flags]",
    "       graphcal <command> --help     (or graphcal help <command>) for its flags, environment and an example",
  ];
  for (const [group, title] of Object.entries(GROUPS)) {
    lines.push("", `${title}:`, ...listed.filter(([, c]) => c.group === group).map(([name, c]) => `  ${name.padEnd(width)}${c.summary}`));
  }
  lines.push(
    "", "Flags of every command: -h, --help; --debug (stack traces of errors). graphcal --version prints the version.",
    "", "Example:", "  graphcal serve --memory --dev-open-admin",
  );
  return `${lines.join("\n")}\n`;
}

function version(): string {
  // dist/cli/main.js → the package's root, in the repository and when installed alike.
  const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version: string };
  return pkg.version;
}

async function main(argv: string[]): Promise<number> {
  const [first, ...rest] = argv;
  if (first === "--version" || first === "-v" || first === "version") {
    process.stdout.write(`${version()}\n`);
    return 0;
  }
  if (first === undefined || first === "--help" || first === "-h" || (first === "help" && rest.length === 0)) {
    process.stdout.write(formatUsage());
    return first === undefined ? 1 : 0;
  }
  const [name, args] = first === "help" ? [rest[0] as string, ["--help"]] : [first, rest];
  const entry = COMMANDS[name];
  if (!entry) {
    process.stderr.write(`graphcal: unknown command '${name}'\n\n${formatUsage()}`);
    return 2;
  }
  return runCommand(await entry.load(), args, entry.summary);
}

/** One line per error; the stack only with --debug, or for an error that is a bug of ours. */
function report(error: unknown, argv: string[]): number {
  const debug = argv.includes("--debug");
  const command = argv[0] && COMMANDS[argv[0]] ? `graphcal ${argv[0]}` : "graphcal";
  const e = error as Error & { name?: string };
  const known = error instanceof UsageError || error instanceof SetupError || e.name === "ConfigError";
  let text = `${command}: ${e.message ?? String(error)}`;
  if (error instanceof UsageError) text += `\n(${command} --help lists its flags)`;
  if (!known && !debug) text += " (unexpected; run again with --debug for the stack trace)";
  if (debug) {
    for (let cause: unknown = error; cause instanceof Error; cause = cause.cause) text += `\n${cause.stack ?? cause.message}`;
  }
  process.stderr.write(`${text}\n`);
  return known ? 2 : 1;
}

const argv = process.argv.slice(2);
main(argv).then(
  (code) => {
    if (code !== 0) process.exitCode = code;
  },
  (error: unknown) => {
    process.exitCode = report(error, argv);
  },
);
