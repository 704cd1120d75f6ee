import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import Database from "better-sqlite3";
import { CompiledQuery, Kysely, SqliteDialect, type DatabaseConnection, type SqliteDatabase } from "kysely";
import { BoundedMap } from "../../domain/index.js";
import type { Database as Schema } from "../sql/schema.js";

/**
 * Opens the SQLite file with the pragmas we rely on: WAL (readers never block the writer),
 * foreign keys, NORMAL sync (durable at checkpoints, safe against corruption), and a busy
 * timeout so a second process (e.g. `graphcal token`) waits instead of failing.
 */
export function openSqliteDatabase(file: string): Database.Database {
  if (file !== ":memory:") mkdirSync(dirname(file), { recursive: true });
  const db = new Database(file);
  db.pragma("journal_mode = WAL");
  db.pragma("synchronous = NORMAL");
  db.pragma("foreign_keys = ON");
  db.pragma("busy_timeout = 5000");
  return db;
}

/**
 * Kysely's SQLite driver begins transactions with a deferred BEGIN; a deferred transaction
 * that reads before it writes can fail with SQLITE_BUSY when another process wrote in between.
 * BEGIN IMMEDIATE takes the write lock up front and lets busy_timeout do the waiting.
 */
class ImmediateSqliteDialect extends SqliteDialect {
  override createDriver() {
    const driver = super.createDriver();
    driver.beginTransaction = async (connection: DatabaseConnection) => {
      await connection.executeQuery(CompiledQuery.raw("begin immediate"));
    };
    return driver;
  }
}

const STATEMENT_CACHE_LIMIT = 500;

/**
 * Kysely's SQLite driver calls `prepare(sql)` for every query, and preparing costs more than
 * running our point queries (~20 µs each). Kysely's SQL is parameterised, so its texts are few:
 * keep the prepared statements by text and reuse them. A statement that is still iterating
 * (a streamed query) is busy; such a call gets a fresh statement instead.
 */
export function withStatementCache(raw: Database.Database): SqliteDatabase {
  const cache = new BoundedMap<Database.Statement>({ limit: STATEMENT_CACHE_LIMIT });
  return {
    close: () => raw.close(),
    prepare(sql: string) {
      const cached = cache.get(sql);
      if (cached && !cached.busy) return cached;
      const statement = raw.prepare(sql);
      if (!cached) cache.set(sql, statement);
      return statement;
    },
  };
}

export function sqliteConnect(file: string): { db: Kysely<Schema>; raw: Database.Database } {
  const raw = openSqliteDatabase(file);
  const db = new Kysely<Schema>({ dialect: new ImmediateSqliteDialect({ database: withStatementCache(raw) }) });
  return { db, raw };
}
