import pg from "pg";
import { Kysely, PostgresDialect } from "kysely";
import type { Database as Schema } from "../sql/schema.js";

// int8 (bigint) columns hold change sequences and epoch milliseconds; both stay well inside
// Number's safe range, so parse them as numbers rather than pg's default strings.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));

export interface PostgresOptions {
  /** postgres://user@host:port/db */
  connectionString: string;
  /** Pool size; a few connections per instance saturate two cores. */
  max?: number;
}

/**
 * A pg Pool behind Kysely's PostgresDialect. Idle connections are closed after 30 s and a
 * checkout waits at most 10 s, so a saturated database fails requests instead of hanging.
 */
export function postgresConnect(options: PostgresOptions): { db: Kysely<Schema>; pool: pg.Pool } {
  const pool = new pg.Pool({
    connectionString: options.connectionString,
    max: options.max ?? 10,
    idleTimeoutMillis: 30_000,
    connectionTimeoutMillis: 10_000,
    application_name: "graphcal",
  });
  // A connection dropped while idle must not crash the process; the pool replaces it.
  pool.on("error", () => undefined);
  const db = new Kysely<Schema>({ dialect: new PostgresDialect({ pool }) });
  return { db, pool };
}
