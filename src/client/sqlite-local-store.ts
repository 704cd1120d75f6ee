// The default local store: one SQLite file (better-sqlite3, WAL). A round's upserts, removals
// and new deltaLink go in one IMMEDIATE transaction, so a crash at any point leaves the file at
// the previous round.
//
// better-sqlite3 is loaded lazily, when a SQLite store is opened, not when `graphcal/client` is
// imported: the lint rules keep native and server dependencies out of client/'s import graph,
// and a user who brings their own LocalStore never loads the addon.
import type { CalendarRecord, LocalStoreCommit, SyncState, LocalStore } from "./local-store.js";

type Database = import("better-sqlite3").Database;

/** Marks files this store created (`PRAGMA application_id`, "GCSY"), so it never writes into another database. */
const APPLICATION_ID = 0x47435359;
const SCHEMA_VERSION = 1;

/**
 * Options of {@link openSqliteLocalStore}.
 *
 * @example
 * const store = await openSqliteLocalStore("calendars.db", { mustExist: true });
 */
export interface SqliteLocalStoreOptions {
  /** Fail instead of creating a new file (for readers such as `graphcal local-local-store dump`). */
  mustExist?: boolean;
}

/**
 * Opens (or creates) a SQLite {@link LocalStore} at `path`.
 *
 * @example
 * const store = await openSqliteLocalStore("calendars.db");
 * const sync = new DeltaSync({ baseUrl: "https://graph.microsoft.com/beta", store, token });
 * await sync.runRound();
 * await store.close();
 */
export async function openSqliteLocalStore(path: string, options: SqliteLocalStoreOptions = {}): Promise<LocalStore> {
  const { default: BetterSqlite3 } = await import("better-sqlite3");
  const db = new BetterSqlite3(path, { fileMustExist: options.mustExist ?? false });
  try {
    prepareSchema(db, path);
  } catch (error) {
    db.close();
    throw error;
  }
  return new SqliteLocalStore(db);
}

function prepareSchema(db: Database, path: string): void {
  const tables = db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE type = 'table'").get() as { n: number };
  const appId = db.pragma("application_id", { simple: true }) as number;
  if (tables.n > 0 && appId !== APPLICATION_ID) {
    throw new Error(`${path} is a SQLite database but not a graphcal sync store; refusing to write into it`);
  }
  // WAL: readers (local-local-store dump) never block the syncing writer. synchronous=NORMAL in WAL mode
  // can lose the last commit on power loss, never consistency: the file is then at the round
  // before, whose deltaLink it holds.
  db.pragma("journal_mode = WAL");
  db.pragma("synchronous = NORMAL");
  db.pragma("busy_timeout = 5000");
  const version = db.pragma("user_version", { simple: true }) as number;
  if (version > SCHEMA_VERSION) throw new Error(`${path} was written by a newer graphcal (schema ${version})`);
  if (version === SCHEMA_VERSION) return;
  db.exec(`
    BEGIN;
    CREATE TABLE calendars (id TEXT PRIMARY KEY, body TEXT NOT NULL) WITHOUT ROWID;
    CREATE TABLE sync_state (
      only_row INTEGER PRIMARY KEY CHECK (only_row = 1),
      delta_link TEXT NOT NULL,
      source TEXT NOT NULL,
      committed_at TEXT NOT NULL
    );
    PRAGMA application_id = ${APPLICATION_ID};
    PRAGMA user_version = ${SCHEMA_VERSION};
    COMMIT;
  `);
}

class SqliteLocalStore implements LocalStore {
  readonly #db: Database;
  readonly #get;
  readonly #upsert;
  readonly #remove;
  readonly #saveState;

  constructor(db: Database) {
    this.#db = db;
    this.#get = db.prepare<[string], { body: string }>("SELECT body FROM calendars WHERE id = ?");
    this.#upsert = db.prepare<[string, string]>("INSERT INTO calendars (id, body) VALUES (?, ?) ON CONFLICT (id) DO UPDATE SET body = excluded.body");
    this.#remove = db.prepare<[string]>("DELETE FROM calendars WHERE id = ?");
    this.#saveState = db.prepare<[string, string, string]>(
      "INSERT INTO sync_state (only_row, delta_link, source, committed_at) VALUES (1, ?, ?, ?) " +
      "ON CONFLICT (only_row) DO UPDATE SET delta_link = excluded.delta_link, source = excluded.source, committed_at = excluded.committed_at",
    );
  }

  async readState(): Promise<SyncState | undefined> {
    const row = this.#db.prepare("SELECT delta_link, source FROM sync_state WHERE only_row = 1").get() as { delta_link: string; source: string } | undefined;
    return row && { deltaLink: row.delta_link, source: row.source };
  }

  async getCalendars(ids: readonly string[]): Promise<Map<string, CalendarRecord>> {
    const found = new Map<string, CalendarRecord>();
    for (const id of ids) {
      const row = this.#get.get(id);
      if (row) found.set(id, JSON.parse(row.body) as CalendarRecord);
    }
    return found;
  }

  async listIds(): Promise<string[]> {
    return this.#db.prepare("SELECT id FROM calendars ORDER BY id").pluck().all() as string[];
  }

  async listCalendars(): Promise<CalendarRecord[]> {
    const rows = this.#db.prepare("SELECT body FROM calendars ORDER BY id").pluck().all() as string[];
    return rows.map((body) => JSON.parse(body) as CalendarRecord);
  }

  async count(): Promise<number> {
    return this.#db.prepare("SELECT count(*) FROM calendars").pluck().get() as number;
  }

  async commit(commit: LocalStoreCommit): Promise<void> {
    const apply = this.#db.transaction(() => {
      for (const id of commit.removals) this.#remove.run(id);
      for (const calendar of commit.upserts) this.#upsert.run(calendar.id, JSON.stringify(calendar));
      this.#saveState.run(commit.state.deltaLink, commit.state.source, new Date().toISOString());
    });
    apply.immediate();
  }

  async close(): Promise<void> {
    this.#db.close();
  }
}
