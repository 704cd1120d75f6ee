// The default local store: one SQLite file (better-sqlite3, WAL). A round's upserts, removals
// and new deltaLink go in one IMMEDIATE transaction, so a crash at any point leaves the file at
// the previous round.
//
// better-sqlite3 is loaded lazily, when a SQLite store is opened, not when `graphcal/client` is
// imported: the lint rules keep native and server dependencies out of client/'s import graph,
// and a user who brings their own LocalStore never loads the addon.
import type { CalendarRecord, EventRecord, LocalStoreCommit, SyncResource, SyncState, LocalStore } from "./local-store.js";

type Database = import("better-sqlite3").Database;

/** Marks files this store created (`PRAGMA application_id`, "GCSY"), so it never writes into another database. */
const APPLICATION_ID = 0x47435359;
const SCHEMA_VERSION = 2;

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
  // Migrations run in order, each in its own transaction: a file of schema 1 (calendars only)
  // keeps its calendars and its calendar deltaLink.
  if (version < 1) {
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
      PRAGMA user_version = 1;
      COMMIT;
    `);
  }
  // Schema 2: events, and one sync_state row per resource (calendars, events) instead of one row.
  db.exec(`
    BEGIN;
    CREATE TABLE events (id TEXT PRIMARY KEY, body TEXT NOT NULL) WITHOUT ROWID;
    CREATE TABLE sync_state_v2 (
      resource TEXT PRIMARY KEY CHECK (resource IN ('calendars', 'events')),
      delta_link TEXT NOT NULL,
      source TEXT NOT NULL,
      committed_at TEXT NOT NULL
    ) WITHOUT ROWID;
    INSERT INTO sync_state_v2 (resource, delta_link, source, committed_at) SELECT 'calendars', delta_link, source, committed_at FROM sync_state;
    DROP TABLE sync_state;
    ALTER TABLE sync_state_v2 RENAME TO sync_state;
    PRAGMA user_version = 2;
    COMMIT;
  `);
}

const TABLES: Record<SyncResource, string> = { calendars: "calendars", events: "events" };

/** The statements of one items table (calendars or events). */
function itemStatements(db: Database, table: string) {
  return {
    get: db.prepare<[string], { body: string }>(`SELECT body FROM ${table} WHERE id = ?`),
    upsert: db.prepare<[string, string]>(`INSERT INTO ${table} (id, body) VALUES (?, ?) ON CONFLICT (id) DO UPDATE SET body = excluded.body`),
    remove: db.prepare<[string]>(`DELETE FROM ${table} WHERE id = ?`),
    ids: db.prepare(`SELECT id FROM ${table} ORDER BY id`).pluck(),
    bodies: db.prepare(`SELECT body FROM ${table} ORDER BY id`).pluck(),
    count: db.prepare(`SELECT count(*) FROM ${table}`).pluck(),
  };
}
type ItemStatements = ReturnType<typeof itemStatements>;

class SqliteLocalStore implements LocalStore {
  readonly #db: Database;
  readonly #items: Record<SyncResource, ItemStatements>;
  readonly #saveState;
  readonly #readState;

  constructor(db: Database) {
    this.#db = db;
    this.#items = { calendars: itemStatements(db, TABLES.calendars), events: itemStatements(db, TABLES.events) };
    this.#saveState = db.prepare<[SyncResource, string, string, string]>(
      "INSERT INTO sync_state (resource, delta_link, source, committed_at) VALUES (?, ?, ?, ?) " +
      "ON CONFLICT (resource) DO UPDATE SET delta_link = excluded.delta_link, source = excluded.source, committed_at = excluded.committed_at",
    );
    this.#readState = db.prepare<[SyncResource], { delta_link: string; source: string }>("SELECT delta_link, source FROM sync_state WHERE resource = ?");
  }

  async readState(resource: SyncResource = "calendars"): Promise<SyncState | undefined> {
    const row = this.#readState.get(resource);
    return row && { deltaLink: row.delta_link, source: row.source };
  }

  #getMany(resource: SyncResource, ids: readonly string[]): Map<string, CalendarRecord> {
    const found = new Map<string, CalendarRecord>();
    for (const id of ids) {
      const row = this.#items[resource].get.get(id);
      if (row) found.set(id, JSON.parse(row.body) as CalendarRecord);
    }
    return found;
  }

  async getCalendars(ids: readonly string[]): Promise<Map<string, CalendarRecord>> {
    return this.#getMany("calendars", ids);
  }

  async listIds(): Promise<string[]> {
    return this.#items.calendars.ids.all() as string[];
  }

  async listCalendars(): Promise<CalendarRecord[]> {
    return (this.#items.calendars.bodies.all() as string[]).map((body) => JSON.parse(body) as CalendarRecord);
  }

  async count(): Promise<number> {
    return this.#items.calendars.count.get() as number;
  }

  async getEvents(ids: readonly string[]): Promise<Map<string, EventRecord>> {
    return this.#getMany("events", ids);
  }

  async listEventIds(): Promise<string[]> {
    return this.#items.events.ids.all() as string[];
  }

  async listEvents(): Promise<EventRecord[]> {
    return (this.#items.events.bodies.all() as string[]).map((body) => JSON.parse(body) as EventRecord);
  }

  async countEvents(): Promise<number> {
    return this.#items.events.count.get() as number;
  }

  async commit(commit: LocalStoreCommit): Promise<void> {
    const resource = commit.resource ?? "calendars";
    const items = this.#items[resource];
    const apply = this.#db.transaction(() => {
      for (const id of commit.removals) items.remove.run(id);
      for (const item of commit.upserts) items.upsert.run(item.id, JSON.stringify(item));
      this.#saveState.run(resource, commit.state.deltaLink, commit.state.source, new Date().toISOString());
    });
    apply.immediate();
  }

  async close(): Promise<void> {
    this.#db.close();
  }
}
