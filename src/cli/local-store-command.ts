// graphcal local-store dump — the calendars of a local sync store, as a JSON array on stdout.
import { parseArgs } from "node:util";
import { openSqliteLocalStore } from "../client/index.js";

export const LOCAL_STORE_USAGE = "Usage: graphcal local-store dump --store <file.db>\n";

export async function runLocalStore(args: string[]): Promise<number> {
  const [action, ...rest] = args;
  const { values } = parseArgs({ args: rest, options: { store: { type: "string" } } });
  if (action !== "dump" || !values.store) {
    process.stderr.write(LOCAL_STORE_USAGE);
    return 2;
  }
  let store;
  try {
    store = await openSqliteLocalStore(values.store, { mustExist: true });
  } catch (error) {
    process.stderr.write(`graphcal local-store: cannot open ${values.store}: ${(error as Error).message}\n`);
    return 1;
  }
  try {
    process.stdout.write(`${JSON.stringify(await store.listCalendars(), null, 2)}\n`);
    return 0;
  } finally {
    await store.close();
  }
}
