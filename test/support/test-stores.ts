import { rmSync } from "node:fs";
import type { Store } from "../../src/domain/index.js";
import { openStore } from "../../src/store/index.js";
import { createPgDatabase, type Engine } from "./engines.js";
import { tempDataDir } from "./harness.js";

/** A fresh, empty store of `engine` (a temp SQLite dir, or a PostgreSQL database of its own) and how to throw it away. */
export async function makeStore(engine: Engine): Promise<{ store: Store; dispose: () => Promise<void> }> {
  if (engine === "sqlite") {
    const dir = tempDataDir();
    const store = await openStore({ dataDir: dir, now: () => Date.now() });
    return { store, dispose: async () => { await store.close(); rmSync(dir, { recursive: true, force: true }); } };
  }
  const db = await createPgDatabase();
  const store = await openStore({ dataDir: "unused", databaseUrl: db.url, now: () => Date.now() });
  return { store, dispose: async () => { await store.close(); await db.drop(); } };
}
