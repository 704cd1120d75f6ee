import { sql, type Kysely } from "kysely";
import type { StoreSnapshot } from "../../domain/index.js";
import type { Database } from "../sql/schema.js";
import { clearAllRows, STORE_TABLES } from "../sql/reset-sql.js";
import { raiseRestoredCounters } from "../sql/snapshot-sql.js";

// SQLite keeps the startup rows in TEMP tables of its one connection: private to this process
// (a TEMP table belongs to the connection that made it and lives in SQLite's temporary storage,
// never in the database file), copied back with one INSERT … SELECT per table inside SQLite
// rather than bound value by value from JavaScript (snapshot-sql.ts, PostgreSQL's way): 10 ms
// instead of ~50 for the 500-event fixture of bench case 10.

const PREFIX = "graphcal_startup_";

export async function captureInTemp(db: Kysely<Database>): Promise<StoreSnapshot> {
  let rows = 0;
  for (const table of STORE_TABLES) {
    await sql.raw(`drop table if exists temp.${PREFIX}${table}`).execute(db);
    await sql.raw(`create temp table ${PREFIX}${table} as select * from main.${table}`).execute(db);
    const count = await sql<{ n: number }>`select count(*) as n from ${sql.raw(`temp.${PREFIX}${table}`)}`.execute(db);
    rows += Number(count.rows[0]?.n ?? 0);
  }
  return { rows };
}

export async function restoreFromTemp(db: Kysely<Database>): Promise<void> {
  const floor = await clearAllRows(db);
  for (const table of [...STORE_TABLES].reverse()) {
    await sql.raw(`insert into main.${table} select * from temp.${PREFIX}${table}`).execute(db);
  }
  await raiseRestoredCounters(db, floor);
}
