// The CLI's command table, for suites that check every command's help against its flags. The
// CLI itself starts at main.ts (the package's bin).
export { COMMANDS, type CommandEntry } from "./commands.js";
export type { CommandSpec, FlagSpec } from "./command.js";
