// One table per command: its flags, each with the help line that describes it. The same table
// is handed to parseArgs and printed by --help, so the help cannot drift from what is parsed.
import { parseArgs } from "node:util";
import { UsageError } from "./cli-errors.js";

export interface FlagSpec {
  type: "string" | "boolean";
  short?: string;
  multiple?: boolean;
  /** The value's placeholder in help: N, DIR, URL … (string flags). */
  value?: string;
  /** The environment variable the flag stands in for. */
  env?: string;
  help: string;
}

export type FlagTable = Record<string, FlagSpec>;

/** What parseArgs gives for a table: strings, booleans, or string lists for `multiple`. */
export type FlagValues<F extends FlagTable> = {
  [K in keyof F]?: F[K] extends { type: "boolean" } ? boolean : F[K] extends { multiple: true } ? string[] : string;
};

export interface CommandSpec<F extends FlagTable = FlagTable> {
  /** As typed after `graphcal`. */
  name: string;
  /** Synopsis lines after `graphcal <name> ` (several for commands with actions). */
  usage: string[];
  flags: F;
  /** Settings read from the environment only (no flag), name → what it does. */
  env?: Record<string, string>;
  /** Lines printed after the flags: constraints, where output goes. */
  notes?: string[];
  examples: string[];
  /** Positionals are accepted (actions, files); otherwise one is a usage error. */
  positionals?: boolean;
  run(input: { values: FlagValues<F>; positionals: string[] }): Promise<number>;
}

/**
 * Keeps a spec's flag names typed inside its run(), and hands main.ts the erased spec: run()
 * only ever receives what parseArgs made of that same table.
 */
export function defineCommand<F extends FlagTable>(spec: CommandSpec<F>): CommandSpec {
  return spec as unknown as CommandSpec;
}

/** Flags every command takes; main.ts acts on them. */
const COMMON_FLAGS: FlagTable = {
  help: { type: "boolean", short: "h", help: "this help" },
  debug: { type: "boolean", help: "print stack traces of errors" },
};

const PARSE_ERRORS = new Set(["ERR_PARSE_ARGS_UNKNOWN_OPTION", "ERR_PARSE_ARGS_INVALID_OPTION_VALUE", "ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL"]);

/**
 * Parses `args` by the spec's table, prints help for --help, and runs the command. `summary` is
 * the command's line in main.ts's table (one place, shared with `graphcal --help`).
 */
export async function runCommand(spec: CommandSpec, args: string[], summary: string): Promise<number> {
  const table = { ...spec.flags, ...COMMON_FLAGS };
  let parsed;
  try {
    parsed = parseArgs({
      args, allowPositionals: spec.positionals ?? false, strict: true,
      options: Object.fromEntries(Object.entries(table).map(([name, f]) => [name, {
        type: f.type, ...(f.short && { short: f.short }), ...(f.multiple && { multiple: true }),
      }])),
    });
  } catch (error) {
    // --help wins over a bad flag next to it: whoever typed both wants to read the help.
    if (args.includes("--help") || args.includes("-h")) return printHelp(spec, summary);
    const code = (error as { code?: string }).code;
    if (code && PARSE_ERRORS.has(code)) throw new UsageError((error as Error).message.split("\n")[0]);
    throw error;
  }
  if (parsed.values.help) return printHelp(spec, summary);
  return spec.run({ values: parsed.values as FlagValues<FlagTable>, positionals: parsed.positionals });
}

function printHelp(spec: CommandSpec, summary: string): number {
  process.stdout.write(formatHelp(spec, summary));
  return 0;
}

/** Two columns: the left padded to the longest entry (capped, so one long flag does not push all). */
function columns(rows: Array<[string, string]>): string[] {
  const width = Math.min(34, Math.max(...rows.map(([left]) => left.length)) + 2);
  return rows.map(([left, right]) => (left.length + 2 > width ? `  ${left}\n  ${" ".repeat(width)}${right}` : `  ${left.padEnd(width)}${right}`));
}

export function formatHelp(spec: CommandSpec, summary: string): string {
  const flagRows = Object.entries({ ...spec.flags, ...COMMON_FLAGS }).map(([name, f]): [string, string] => {
    const left = `${f.short ? `-${f.short}, ` : ""}--${name}${f.type === "string" ? ` ${f.value ?? "VALUE"}` : ""}`;
    return [left, `${f.help}${f.multiple ? " (repeatable)" : ""}${f.env ? ` [env ${f.env}]` : ""}`];
  });
  const lines = [
    `graphcal ${spec.name} — ${summary}`,
    "",
    "Usage:",
    // A line that starts with spaces continues the one above it, aligned under its first flag.
    ...spec.usage.map((u) => (/^\s/.test(u) ? `  ${" ".repeat(`graphcal ${spec.name} `.length)}${u.trim()}` : `  graphcal ${spec.name}${u ? ` ${u}` : ""}`)),
    "",
    "Flags:",
    ...columns(flagRows),
  ];
  if (spec.env && Object.keys(spec.env).length > 0) lines.push("", "Environment (no flag):", ...columns(Object.entries(spec.env)));
  if (spec.notes?.length) lines.push("", ...spec.notes);
  lines.push("", spec.examples.length === 1 ? "Example:" : "Examples:", ...spec.examples.map((e) => `  ${e}`));
  return `${lines.join("\n")}\n`;
}
