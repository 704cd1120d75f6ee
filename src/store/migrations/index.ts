import type { Migration, MigrationProvider } from "kysely";
import { migration001Initial } from "./001-initial.js";
import { migration002CalendarPermissions } from "./002-calendar-permissions.js";
import { migration003Events } from "./003-events.js";
import { migration004DeltaTokenExpiry } from "./004-delta-token-expiry.js";
import { migration005Subscriptions } from "./005-subscriptions.js";
import { migration006AppGrants } from "./006-app-grants.js";

/** Numbered migrations, applied in name order by Kysely's Migrator. */
const MIGRATIONS: Record<string, Migration> = {
  "001-initial": migration001Initial,
  "002-calendar-permissions": migration002CalendarPermissions,
  "003-events": migration003Events,
  "004-delta-token-expiry": migration004DeltaTokenExpiry,
  "005-subscriptions": migration005Subscriptions,
  "006-app-grants": migration006AppGrants,
};

export const migrationProvider: MigrationProvider = {
  getMigrations: async () => MIGRATIONS,
};
