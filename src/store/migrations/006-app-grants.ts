import type { Kysely, Migration } from "kysely";

// What an app registration may be granted (issue 14): the delegated scopes a user's token from
// it may carry (`apps.delegated_scopes`, a JSON array), beside the application roles `apps.roles`
// already listed. The token endpoint grants nothing else.
//
// Apps registered before this migration (the demo app of an existing store) keep what the
// demo needs: the calendar scopes without `.Shared`, and User.Read. Written here as a literal,
// not imported, so the migration means the same thing forever.
const EARLIER_APPS_DELEGATED_SCOPES = JSON.stringify(["Calendars.ReadBasic", "Calendars.Read", "Calendars.ReadWrite", "User.Read"]);

export const migration006AppGrants: Migration = {
  async up(db: Kysely<any>) {
    await db.schema.alterTable("apps")
      .addColumn("delegated_scopes", "text", (c) => c.notNull().defaultTo(EARLIER_APPS_DELEGATED_SCOPES))
      .execute();
  },
};
