import type { Kysely, Migration } from "kysely";

// Calendar sharing (calendarPermission). Rows live with the owner's mailbox.
export const migration002CalendarPermissions: Migration = {
  async up(db: Kysely<any>) {
    await db.schema
      .createTable("calendar_permissions")
      .addColumn("mailbox_id", "text", (c) => c.notNull().references("mailboxes.mailbox_id").onDelete("cascade"))
      .addColumn("permission_id", "text", (c) => c.notNull())
      .addColumn("calendar_id", "text", (c) => c.notNull())
      .addColumn("grantee_mailbox_id", "text", (c) => c.notNull())
      .addColumn("data", "text", (c) => c.notNull())
      .addPrimaryKeyConstraint("calendar_permissions_pk", ["mailbox_id", "permission_id"])
      .addForeignKeyConstraint("calendar_permissions_calendar_fk", ["mailbox_id", "calendar_id"], "calendars", ["mailbox_id", "calendar_id"], (fk) => fk.onDelete("cascade"))
      .execute();
    await db.schema.createIndex("calendar_permissions_grantee").unique()
      .on("calendar_permissions").columns(["mailbox_id", "grantee_mailbox_id", "calendar_id"]).execute();
  },
};
