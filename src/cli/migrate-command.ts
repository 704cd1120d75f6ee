import { parseArgs } from "node:util";
import { openStore, parseConfig } from "../server/index.js";

/** Applies pending schema migrations and exits (the server also migrates on start). */
export async function runMigrate(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { "data-dir": { type: "string" }, "database-url": { type: "string" } } });
  const config = parseConfig(process.env, { "data-dir": values["data-dir"], "database-url": values["database-url"] });
  const store = await openStore({ dataDir: config.dataDir, databaseUrl: config.databaseUrl, now: () => Date.now() });
  await store.close();
  const where = config.databaseUrl ? new URL(config.databaseUrl).pathname.slice(1) : config.dataDir;
  process.stderr.write(`graphcal: ${store.engine} store ${where} is at the latest schema\n`);
  return 0;
}
