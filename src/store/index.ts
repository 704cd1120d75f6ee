import { join } from "node:path";
import type { Store } from "../domain/index.js";
import { SqlStore } from "./sql/sql-store.js";
import { sqliteConnect } from "./sqlite/sqlite-connect.js";

export interface StoreOptions {
  /** Folder of the SQLite file; ":memory:" for a throw-away store. */
  dataDir: string;
  now: () => number;
}

/** Opens (and migrates) the store the configuration asks for. */
export async function openStore(options: StoreOptions): Promise<Store> {
  const file = options.dataDir === ":memory:" ? ":memory:" : join(options.dataDir, "graphcal.db");
  const { db } = sqliteConnect(file);
  const store = new SqlStore(db, "sqlite", options.now);
  await store.migrate();
  return store;
}
