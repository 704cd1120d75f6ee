import type { Kysely, Migration } from "kysely";

// Events and their change log (issue 9). Rows live with the mailbox (mailbox_id leads every key,
// the Citus distribution column). A row is a single instance, a series master or an exception;
// occurrences are computed from their master, never stored, so a `noEnd` series costs one row.
export const migration003Events: Migration = {
  async up(db: Kysely<any>) {
    await db.schema
      .createTable("events")
      .addColumn("mailbox_id", "text", (c) => c.notNull().references("mailboxes.mailbox_id").onDelete("cascade"))
      .addColumn("event_id", "text", (c) => c.notNull())
      .addColumn("calendar_id", "text", (c) => c.notNull())
      // 0 single instance, 1 series master, 2 exception.
      .addColumn("row_kind", "integer", (c) => c.notNull())
      .addColumn("series_master_id", "text")
      // The event's own start/end (a master's: its first occurrence as given), for $filter/$orderby.
      .addColumn("start_ms", "bigint", (c) => c.notNull())
      .addColumn("end_ms", "bigint", (c) => c.notNull())
      // Where the row lies in time for window queries: its span, or a master's whole series.
      .addColumn("extent_start_ms", "bigint", (c) => c.notNull())
      .addColumn("extent_end_ms", "bigint", (c) => c.notNull())
      .addColumn("original_start_ms", "bigint")
      // Lower-cased (in JavaScript, so both engines compare the same strings).
      .addColumn("subject_key", "text", (c) => c.notNull())
      .addColumn("categories_key", "text", (c) => c.notNull())
      .addColumn("is_all_day", "integer", (c) => c.notNull())
      .addColumn("is_cancelled", "integer", (c) => c.notNull())
      .addColumn("created_ms", "bigint", (c) => c.notNull())
      .addColumn("modified_ms", "bigint", (c) => c.notNull())
      .addColumn("transaction_id", "text")
      .addColumn("created_seq", "bigint", (c) => c.notNull())
      .addColumn("change_seq", "bigint", (c) => c.notNull())
      .addColumn("data", "text", (c) => c.notNull())
      .addPrimaryKeyConstraint("events_pk", ["mailbox_id", "event_id"])
      .addForeignKeyConstraint("events_calendar_fk", ["mailbox_id", "calendar_id"], "calendars", ["mailbox_id", "calendar_id"], (fk) => fk.onDelete("cascade"))
      .execute();
    // calendarView: one calendar's rows of a kind by where they start.
    await db.schema.createIndex("events_window").on("events").columns(["mailbox_id", "calendar_id", "row_kind", "extent_start_ms"]).execute();
    // /me/events lists every calendar's single instances and masters in start order.
    await db.schema.createIndex("events_list").on("events").columns(["mailbox_id", "row_kind", "start_ms"]).execute();
    await db.schema.createIndex("events_series").on("events").columns(["mailbox_id", "series_master_id"]).execute();
    // A retried POST finds its event by transactionId (spec §1.5); NULLs are distinct in both engines.
    await db.schema.createIndex("events_transaction").unique().on("events").columns(["mailbox_id", "transaction_id"]).execute();

    // The longest single instance or exception of the mailbox: the window query's lower bound on
    // start (an event that starts earlier cannot reach the window). It only grows.
    await db.schema.alterTable("mailboxes").addColumn("max_event_ms", "bigint", (c) => c.notNull().defaultTo(0)).execute();

    await db.schema
      .createTable("event_changes")
      .addColumn("mailbox_id", "text", (c) => c.notNull().references("mailboxes.mailbox_id").onDelete("cascade"))
      .addColumn("seq", "bigint", (c) => c.notNull())
      .addColumn("event_id", "text", (c) => c.notNull())
      .addColumn("calendar_id", "text", (c) => c.notNull())
      .addColumn("series_master_id", "text")
      .addColumn("created_seq", "bigint", (c) => c.notNull())
      .addColumn("removed", "integer", (c) => c.notNull())
      .addColumn("changed_at", "bigint", (c) => c.notNull())
      .addColumn("before_start_ms", "bigint")
      .addColumn("before_end_ms", "bigint")
      .addColumn("after_start_ms", "bigint")
      .addColumn("after_end_ms", "bigint")
      .addColumn("before_data", "text")
      .addColumn("after_data", "text")
      .addPrimaryKeyConstraint("event_changes_pk", ["mailbox_id", "seq"])
      .execute();
    await db.schema.createIndex("event_changes_event").on("event_changes").columns(["mailbox_id", "event_id", "seq"]).execute();
    // A windowed delta round reads one calendar's slice of the log.
    await db.schema.createIndex("event_changes_calendar").on("event_changes").columns(["mailbox_id", "calendar_id", "seq"]).execute();
  },
};
