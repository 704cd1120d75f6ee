import { parseArgs } from "node:util";
import { openStore } from "../store/index.js";
import { parseConfig } from "../server/index.js";

/** Applies pending schema migrations and exits (the server also migrates on start). */
export async function runMigrate(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { "data-dir": { type: "string" } } });
  const config = parseConfig(process.env, { "data-dir": values["data-dir"] });
  const store = await openStore({ dataDir: config.dataDir, now: () => Date.now() });
  await store.close();
  process.stderr.write(`graphcal: ${config.dataDir} is at the latest schema\n`);
  return 0;
}
