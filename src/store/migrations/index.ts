import type { Migration, MigrationProvider } from "kysely";
import { migration001Initial } from "./001-initial.js";

/** Numbered migrations, applied in name order by Kysely's Migrator. */
const MIGRATIONS: Record<string, Migration> = {
  "001-initial": migration001Initial,
};

export const migrationProvider: MigrationProvider = {
  getMigrations: async () => MIGRATIONS,
};
