import { sql, type Kysely } from "kysely";
import type { StoreSnapshot } from "../../domain/index.js";
import type { Database } from "./schema.js";
import { clearAllRows, STORE_TABLES } from "./reset-sql.js";

// The startup state kept as rows, so a whole-store reset puts it back with a few multi-row
// INSERTs instead of seeding the demo tenant and the startup fixture again through the
// services (~150 ms for 500 events; the restore takes a few). What is kept is exactly what
// `clearAllRows` removes: every mailbox table, the mailbox rows and the app registrations.

/** Parents first: the order rows go back in. */
const TABLES = [...STORE_TABLES].reverse();
/** Beyond this many rows the state is not kept (memory); resets then seed again. */
const MAX_ROWS = 200_000;

interface SqlSnapshot extends StoreSnapshot {
  readonly tables: ReadonlyMap<string, readonly Record<string, unknown>[]>;
}

export async function captureAllRows(db: Kysely<Database>): Promise<StoreSnapshot | undefined> {
  const tables = new Map<string, readonly Record<string, unknown>[]>();
  let rows = 0;
  for (const table of TABLES) {
    const found = await db.selectFrom(table).selectAll().execute() as Record<string, unknown>[];
    rows += found.length;
    if (rows > MAX_ROWS) return undefined;
    tables.set(table, Object.freeze(found.map((r) => Object.freeze(r))));
  }
  const snapshot: SqlSnapshot = { rows, tables };
  return snapshot;
}

/**
 * Empties the store as `clearAllRows` does, then puts the kept rows back. Every restored
 * mailbox's change sequence and reset watermark move above the floor that `clearAllRows` just
 * raised past every sequence the store had: a delta token issued before the reset answers
 * 410 ResyncRequired, as after a reset that seeds again, and the next write takes a sequence
 * no cache has seen. The rows' own sequences stay below it, where an initial round reads them.
 */
export async function restoreAllRows(db: Kysely<Database>, snapshot: StoreSnapshot): Promise<void> {
  const { tables } = snapshot as SqlSnapshot;
  const floor = await clearAllRows(db);
  for (const table of TABLES) {
    const rows = tables.get(table) ?? [];
    const first = rows[0];
    if (first === undefined) continue;
    // SQLite binds at most 32,766 values, PostgreSQL 65,535: cut the statements below both.
    const per = Math.max(1, Math.floor(30_000 / Object.keys(first).length));
    for (let i = 0; i < rows.length; i += per) {
      // Kysely cannot relate a table name held in a variable to its row type; the rows came from that table.
      await db.insertInto(table).values(rows.slice(i, i + per) as never).execute();
    }
  }
  await raiseRestoredCounters(db, floor);
}

/** Restored mailboxes continue above `floor`, and every token issued before answers 410 (see restoreAllRows). */
export async function raiseRestoredCounters(db: Kysely<Database>, floor: number): Promise<void> {
  await db.updateTable("mailboxes").set({
    change_seq: sql<number>`change_seq + ${floor + 1}`, reset_seq: sql<number>`change_seq + ${floor + 1}`,
  }).execute();
}
