import { join } from "node:path";
import type { Store } from "../domain/index.js";
import { SqlStore } from "./sql/sql-store.js";
import { sqliteConnect } from "./sqlite/sqlite-connect.js";
import { SqliteStore } from "./sqlite/sqlite-store.js";
import { postgresConnect } from "./postgres/postgres-connect.js";

export interface StoreOptions {
  /** Folder of the SQLite file; ":memory:" for a throw-away store. Ignored with databaseUrl. */
  dataDir: string;
  /** postgres://… selects PostgreSQL; otherwise the embedded SQLite store is used. */
  databaseUrl?: string | undefined;
  /** PostgreSQL pool size. */
  poolSize?: number;
  now: () => number;
}

/** Opens (and migrates) the store the configuration asks for. */
export async function openStore(options: StoreOptions): Promise<Store> {
  let store: SqlStore;
  if (options.databaseUrl) {
    const { db } = postgresConnect({ connectionString: options.databaseUrl, ...(options.poolSize && { max: options.poolSize }) });
    store = new SqlStore(db, "postgres", options.now);
  } else {
    const file = options.dataDir === ":memory:" ? ":memory:" : join(options.dataDir, "graphcal.db");
    const { db, raw } = sqliteConnect(file);
    store = new SqliteStore(db, raw, options.now);
  }
  await store.migrate();
  return store;
}

/** Row mappers, for bulk loaders that write rows directly (scripts/generate-big-store.ts). */
export { fromCalendar, fromCalendarGroup, fromMailbox } from "./sql/rows.js";

/**
 * The schema and the event_changes row mapper, for suites that read the event change log
 * directly (the port has no reader for it until event delta exists).
 */
export type { Database as StoreSchema } from "./sql/schema.js";
export { toEventChange } from "./sql/rows.js";
