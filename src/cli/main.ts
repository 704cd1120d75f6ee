#!/usr/bin/env node
import { readFileSync } from "node:fs";
import { SetupError, UsageError } from "./cli-errors.js";
import { runCommand } from "./command.js";
import { COMMANDS, formatUsage } from "./commands.js";

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
