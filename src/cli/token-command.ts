import { existsSync } from "node:fs";
import { join } from "node:path";
import { createServer, DEMO_CLIENT_ID, parseConfig } from "../server/index.js";
import { SetupError, UsageError } from "./cli-errors.js";
import { defineCommand } from "./command.js";
import { explained } from "./startup-errors.js";

// `graphcal token`: a token signed with the keys of the server's store. Run in the wrong folder,
// it used to create a fresh ./data with fresh keys, and the server then refused its tokens; it
// now looks for the store first and creates one only when told to (--init).

export const tokenCommand = defineCommand({
  name: "token",
  usage: ["--user UPN|ID [--scopes \"Calendars.Read User.Read\"] [--data-dir DIR]", "--app [--client-id ID] [--roles \"Calendars.Read\"] [--data-dir DIR]"],
  flags: {
    user: { type: "string", value: "UPN|ID", help: "a delegated token for this user" },
    app: { type: "boolean", help: "an app-only token (client credentials)" },
    scopes: { type: "string", value: "LIST", help: "delegated scopes (default Calendars.ReadWrite)" },
    roles: { type: "string", value: "LIST", help: "app roles (default: the app's own; Graphcal.Admin for the controls)" },
    "client-id": { type: "string", value: "ID", help: `the app registration (default the demo app ${DEMO_CLIENT_ID})` },
    lifetime: { type: "string", value: "SECONDS", help: "token lifetime (default 1 hour)" },
    "data-dir": { type: "string", value: "DIR", env: "DATA_DIR", help: "the server's SQLite store folder (default ./data)" },
    "database-url": { type: "string", value: "URL", env: "DATABASE_URL", help: "the server's PostgreSQL database" },
    init: { type: "boolean", help: "create (and seed) the store when there is none yet" },
    "no-seed": { type: "boolean", help: "with --init: no demo tenant" },
  },
  notes: [
    "The token is signed with the keys in the server's store, so point --data-dir (or DATA_DIR, DATABASE_URL)",
    "at the store the server uses. Without --init a missing store is an error, not a new store.",
  ],
  examples: ["graphcal token --user adelev@contoso.com --scopes \"Calendars.ReadWrite User.Read\" --data-dir ./data"],
  async run({ values }) {
    if (!values.user === !values.app) throw new UsageError("give either --user <upn|id> or --app");
    const lifetimeSeconds = values.lifetime ? Number(values.lifetime) : undefined;
    if (lifetimeSeconds !== undefined && !(Number.isInteger(lifetimeSeconds) && lifetimeSeconds > 0)) {
      throw new UsageError("--lifetime takes a positive number of seconds");
    }
    const config = parseConfig(process.env, { "data-dir": values["data-dir"], "database-url": values["database-url"], "no-seed": values["no-seed"], "log-level": "silent" });
    if (!config.databaseUrl) {
      if (config.dataDir === ":memory:") throw new SetupError("DATA_DIR is :memory:, a store that ends with this command: no server would accept its token; set DATA_DIR or --data-dir to the server's folder");
      const file = join(config.dataDir, "graphcal.db");
      if (!values.init && !existsSync(file)) {
        throw new SetupError(`no graphcal store at ${file} (DATA_DIR or --data-dir, default ./data): run where the server runs, pass --data-dir, or --init to create one`);
      }
    }
    const server = await explained("store", config, () => createServer(config));
    try {
      const list = (s: string | undefined) => s?.split(/[\s,]+/).filter(Boolean);
      let token: string;
      const where = config.databaseUrl ? "DATABASE_URL" : config.dataDir;
      if (values.user) {
        const mailbox = await server.services.mailboxes.findUser(values.user);
        if (!mailbox) {
          process.stderr.write(`graphcal token: no user '${values.user}' in ${where}\n`);
          return 1;
        }
        ({ token } = await server.issuer.mintDelegated({
          mailbox, scopes: list(values.scopes) ?? ["Calendars.ReadWrite"], clientId: values["client-id"] ?? DEMO_CLIENT_ID,
          ...(lifetimeSeconds && { lifetimeSeconds }),
        }));
      } else {
        const clientId = values["client-id"] ?? DEMO_CLIENT_ID;
        const app = await server.store.getApp(clientId);
        if (!app) {
          process.stderr.write(`graphcal token: no app registration '${clientId}' in ${where}\n`);
          return 1;
        }
        const roles = list(values.roles);
        ({ token } = await server.issuer.mintApp({ app, ...(roles && { roles }), ...(lifetimeSeconds && { lifetimeSeconds }) }));
      }
      process.stdout.write(`${token}\n`);
      return 0;
    } finally {
      await server.close();
    }
  },
});
