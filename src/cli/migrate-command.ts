import { openStore, parseConfig } from "../server/index.js";
import { defineCommand } from "./command.js";
import { explained, redactDatabaseUrl } from "./startup-errors.js";

/** Applies pending schema migrations and exits (the server also migrates on start). */
export const migrateCommand = defineCommand({
  name: "migrate",
  usage: ["[--data-dir DIR | --database-url URL]"],
  flags: {
    "data-dir": { type: "string", value: "DIR", env: "DATA_DIR", help: "the SQLite store's folder (default ./data; created if missing)" },
    "database-url": { type: "string", value: "URL", env: "DATABASE_URL", help: "a PostgreSQL database instead" },
  },
  notes: ["The server migrates on start too; run this to migrate ahead of a rolling restart."],
  examples: ["DATABASE_URL=postgres://postgres@127.0.0.1/graphcal graphcal migrate"],
  async run({ values }) {
    const config = parseConfig(process.env, { "data-dir": values["data-dir"], "database-url": values["database-url"] });
    const store = await explained("store", config, () => openStore({ dataDir: config.dataDir, databaseUrl: config.databaseUrl, now: () => Date.now() }));
    await store.close();
    const where = config.databaseUrl ? redactDatabaseUrl(config.databaseUrl) : config.dataDir;
    process.stderr.write(`graphcal: ${store.engine} store ${where} is at the latest schema\n`);
    return 0;
  },
});
