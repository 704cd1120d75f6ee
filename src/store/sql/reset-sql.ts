import { sql, type Kysely } from "kysely";
import type { Database } from "./schema.js";

// The admin resets (issue 11 §2) as a few bulk DELETEs, once for both engines. Children go
// before their parents so no foreign-key cascade has to find them row by row.

/** The setting that keeps new mailboxes' change sequences above every one the store ever had. */
export const SEQ_FLOOR_SETTING = "mailboxes.seq-floor.v1";

/** The mailbox-scoped tables, children first. */
const MAILBOX_TABLES = [
  "expired_delta_tokens", "event_changes", "events", "calendar_permissions", "calendars", "calendar_groups", "calendar_changes",
] as const;

/** What a whole-store reset empties, children first (snapshot-sql.ts keeps the same tables). */
export const STORE_TABLES = [...MAILBOX_TABLES, "mailboxes", "apps"] as const;

/** Everything one mailbox holds; the mailbox row and its counters stay. */
export async function clearMailboxRows(db: Kysely<Database>, mailboxId: string): Promise<void> {
  for (const table of MAILBOX_TABLES) await db.deleteFrom(table).where("mailbox_id", "=", mailboxId).execute();
  // Its events are gone, so the longest-event bound of the window query can start over.
  await db.updateTable("mailboxes").set({ max_event_ms: 0 }).where("mailbox_id", "=", mailboxId).execute();
}

/**
 * Every mailbox, everything they hold and the app registrations; settings stay. The floor is
 * raised first, from the counters about to go: a mailbox provisioned again with the same id
 * then starts above every token issued for it before (insertMailbox reads the floor). Returns
 * the floor.
 */
export async function clearAllRows(db: Kysely<Database>): Promise<number> {
  const top = await db.selectFrom("mailboxes").select(sql<number | null>`max(change_seq)`.as("top")).executeTakeFirst();
  const highest = top?.top === null || top?.top === undefined ? 0 : Number(top.top) + 1;
  const floor = Math.max(highest, await seqFloor(db));
  await db.insertInto("settings").values({ key: SEQ_FLOOR_SETTING, value: String(floor) })
    .onConflict((oc) => oc.column("key").doUpdateSet({ value: String(floor) })).execute();
  for (const table of STORE_TABLES) await db.deleteFrom(table).execute();
  return floor;
}

/**
 * Where a new mailbox's change and reset sequences start: 0 until the first whole-store reset,
 * then one above the highest sequence any mailbox had (a token issued at it is below the reset).
 */
export async function seqFloor(db: Kysely<Database>): Promise<number> {
  const row = await db.selectFrom("settings").select("value").where("key", "=", SEQ_FLOOR_SETTING).executeTakeFirst();
  return row ? Number(row.value) : 0;
}
