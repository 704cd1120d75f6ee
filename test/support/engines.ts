import { randomBytes } from "node:crypto";
import pg from "pg";

// Which store engines a suite runs on: SQLite always; PostgreSQL when it answers (always in
// CI, where .ci/run starts it — a missing PostgreSQL there is a failure, not a skip).

export type Engine = "sqlite" | "postgres";

export const PG_ADMIN_URL = process.env.GRAPHCAL_PG_ADMIN_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";

async function pgAnswers(): Promise<boolean> {
  const client = new pg.Client({ connectionString: PG_ADMIN_URL, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.query("select 1");
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

export const PG_AVAILABLE = process.env.GRAPHCAL_TEST_NO_PG === "1" ? false : await pgAnswers();
if (!PG_AVAILABLE && process.env.CI === "true" && process.env.GRAPHCAL_TEST_NO_PG !== "1") {
  throw new Error(`PostgreSQL does not answer at ${PG_ADMIN_URL}; CI must run the PostgreSQL suites`);
}

export const ENGINES: Engine[] = PG_AVAILABLE ? ["sqlite", "postgres"] : ["sqlite"];

function urlFor(database: string): string {
  const url = new URL(PG_ADMIN_URL);
  url.pathname = `/${database}`;
  return url.toString();
}

/** A fresh PostgreSQL database for one suite; drop() removes it (and its connections). */
export async function createPgDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `graphcal_test_${randomBytes(6).toString("hex")}`;
  const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  return {
    url: urlFor(name),
    drop: async () => {
      const c = new pg.Client({ connectionString: PG_ADMIN_URL });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    },
  };
}
