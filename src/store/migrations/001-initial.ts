import { sql, type Kysely, type Migration } from "kysely";

// The first schema. Written with Kysely's schema builder so it runs on SQLite and PostgreSQL.
export const migration001Initial: Migration = {
  async up(db: Kysely<any>) {
    await db.schema
      .createTable("mailboxes")
      .addColumn("mailbox_id", "text", (c) => c.primaryKey())
      .addColumn("tenant_id", "text", (c) => c.notNull())
      .addColumn("upn", "text", (c) => c.notNull())
      .addColumn("upn_key", "text", (c) => c.notNull())
      .addColumn("display_name", "text", (c) => c.notNull())
      .addColumn("given_name", "text")
      .addColumn("surname", "text")
      .addColumn("mail", "text")
      .addColumn("has_mailbox", "integer", (c) => c.notNull())
      .addColumn("password_hash", "text")
      .addColumn("change_seq", "bigint", (c) => c.notNull().defaultTo(0))
      .addColumn("prune_seq", "bigint", (c) => c.notNull().defaultTo(0))
      .addColumn("reset_seq", "bigint", (c) => c.notNull().defaultTo(0))
      .addColumn("created_at", "bigint", (c) => c.notNull())
      .execute();
    await db.schema.createIndex("mailboxes_upn_key").unique().on("mailboxes").column("upn_key").execute();

    await db.schema
      .createTable("calendar_groups")
      .addColumn("mailbox_id", "text", (c) => c.notNull().references("mailboxes.mailbox_id").onDelete("cascade"))
      .addColumn("group_id", "text", (c) => c.notNull())
      .addColumn("name_key", "text", (c) => c.notNull())
      .addColumn("is_default", "integer", (c) => c.notNull())
      .addColumn("created_seq", "bigint", (c) => c.notNull())
      .addColumn("data", "text", (c) => c.notNull())
      .addPrimaryKeyConstraint("calendar_groups_pk", ["mailbox_id", "group_id"])
      .execute();
    await db.schema.createIndex("calendar_groups_name").unique().on("calendar_groups").columns(["mailbox_id", "name_key"]).execute();

    await db.schema
      .createTable("calendars")
      .addColumn("mailbox_id", "text", (c) => c.notNull().references("mailboxes.mailbox_id").onDelete("cascade"))
      .addColumn("calendar_id", "text", (c) => c.notNull())
      .addColumn("group_id", "text", (c) => c.notNull())
      .addColumn("name_key", "text", (c) => c.notNull())
      .addColumn("is_default", "integer", (c) => c.notNull())
      .addColumn("created_seq", "bigint", (c) => c.notNull())
      .addColumn("change_seq", "bigint", (c) => c.notNull())
      .addColumn("data", "text", (c) => c.notNull())
      .addPrimaryKeyConstraint("calendars_pk", ["mailbox_id", "calendar_id"])
      .addForeignKeyConstraint("calendars_group_fk", ["mailbox_id", "group_id"], "calendar_groups", ["mailbox_id", "group_id"])
      .execute();
    // Names are unique per mailbox, case-insensitively (spec decision 14).
    await db.schema.createIndex("calendars_name").unique().on("calendars").columns(["mailbox_id", "name_key"]).execute();
    await db.schema.createIndex("calendars_created").on("calendars").columns(["mailbox_id", "created_seq"]).execute();
    await db.schema.createIndex("calendars_group").on("calendars").columns(["mailbox_id", "group_id", "created_seq"]).execute();

    await db.schema
      .createTable("calendar_changes")
      .addColumn("mailbox_id", "text", (c) => c.notNull().references("mailboxes.mailbox_id").onDelete("cascade"))
      .addColumn("seq", "bigint", (c) => c.notNull())
      .addColumn("calendar_id", "text", (c) => c.notNull())
      .addColumn("created_seq", "bigint", (c) => c.notNull())
      .addColumn("removed", "integer", (c) => c.notNull())
      .addColumn("changed_at", "bigint", (c) => c.notNull())
      .addColumn("data", "text")
      .addPrimaryKeyConstraint("calendar_changes_pk", ["mailbox_id", "seq"])
      .execute();
    // "Is there a later entry for this calendar?" — the probe that collapses a round.
    await db.schema.createIndex("calendar_changes_calendar").on("calendar_changes").columns(["mailbox_id", "calendar_id", "seq"]).execute();

    await db.schema
      .createTable("settings")
      .addColumn("key", "text", (c) => c.primaryKey())
      .addColumn("value", "text", (c) => c.notNull())
      .execute();

    await db.schema
      .createTable("apps")
      .addColumn("client_id", "text", (c) => c.primaryKey())
      .addColumn("tenant_id", "text", (c) => c.notNull())
      .addColumn("display_name", "text", (c) => c.notNull())
      .addColumn("secret_hash", "text", (c) => c.notNull())
      .addColumn("roles", "text", (c) => c.notNull())
      .addColumn("created_at", "bigint", (c) => c.notNull().defaultTo(sql`0`))
      .execute();
  },
};
