// The commands of `graphcal`: one entry each (its group and summary here; its flags, help and
// run() in its own file), and the top-level help made from them.
import type { CommandSpec } from "./command.js";

export interface CommandEntry {
  group: "server" | "controls" | "client";
  /** The command's line in `graphcal --help`, and the title of its own help. */
  summary: string;
  // Commands load lazily: `sync` and `local-store` must not pay for loading the whole server.
  load: () => Promise<CommandSpec>;
  /** Not listed (an old name kept so scripts work). */
  hidden?: boolean;
}

// Every command is one entry here plus its file, whose table holds its flags and help.
export const COMMANDS: Record<string, CommandEntry> = {
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
  subscriptions: {
    group: "controls", summary: "change-notification subscriptions, their deliveries; send a lifecycle event",
    load: async () => (await import("./subscriptions-command.js")).subscriptionsCommand,
  },
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

export function formatUsage(): string {
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
