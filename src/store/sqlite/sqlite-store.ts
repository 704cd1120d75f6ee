import type Database from "better-sqlite3";
import type { Kysely } from "kysely";
import type { MailboxSyncState, StoreSnapshot } from "../../domain/index.js";
import type { Database as Schema } from "../sql/schema.js";
import { SqlStore } from "../sql/sql-store.js";
import { captureInTemp, restoreFromTemp } from "./sqlite-snapshot.js";

type Counters = { change_seq: number; prune_seq: number; reset_seq: number; expiry_seq: number };

/**
 * The SQL store with SQLite's hottest reads answered by raw prepared statements. Every delta
 * poll and calendar list reads the mailbox's counters; through Kysely that costs ~17 µs of
 * query building around a primary-key read of a few µs (measured when the stack was chosen:
 * ~37 k ops/s through Kysely against ~100 k with a cached prepared statement).
 *
 * The raw reads share the one connection Kysely uses. While a Kysely transaction is open on it
 * (`inTransaction`: between the awaits of a write) a raw read would see that transaction's
 * uncommitted counter, which may still roll back, and caches that learned it could then run
 * ahead of the store. Such reads go through Kysely instead, which queues them behind the
 * transaction. Outside a transaction the connection sees exactly what is committed.
 */
export class SqliteStore extends SqlStore {
  #statements: { changeSeq: Database.Statement<[string], number>; counters: Database.Statement<[string], Counters> } | undefined;
  readonly #dataVersion: Database.Statement<[], number>;

  constructor(db: Kysely<Schema>, private readonly raw: Database.Database, nowMs: () => number) {
    super(db, "sqlite", nowMs);
    this.#dataVersion = raw.prepare<[], number>("pragma data_version").pluck();
  }

  /** The data version read in this turn of the event loop, or undefined (see foreignCommitMark). */
  #markThisTurn: number | undefined;
  readonly #endTurn = (): void => {
    this.#markThisTurn = undefined;
  };

  /**
   * SQLite's data version: it moves when another connection (another process: a second server,
   * `graphcal` CLI commands) commits, never for this connection's own commits, which reach the
   * caches through ChangeLogWriter's listeners. The pragma costs ~2 µs, 6 % of a replayed
   * no-change poll (issue 15), so it is read once per turn of the event loop and reused by the
   * requests handled in the same turn. A value read earlier is still read *before* whatever
   * seq is learnt after it (the rule WatermarkCache relies on); another process's commit is
   * seen from the next turn on: at most one turn later than before (ADR 0002, rule 3).
   */
  foreignCommitMark(): number {
    if (this.#markThisTurn === undefined) {
      this.#markThisTurn = this.#dataVersion.get() as number;
      setImmediate(this.#endTurn);
    }
    return this.#markThisTurn;
  }

  override async snapshotAll(): Promise<StoreSnapshot | undefined> {
    return this.db.transaction().execute((trx) => captureInTemp(trx));
  }

  override async restoreAll(snapshot: StoreSnapshot): Promise<void> {
    void snapshot; // the rows are in this connection's TEMP tables (sqlite-snapshot.ts)
    await this.db.transaction().execute((trx) => restoreFromTemp(trx));
  }

  override async getChangeSeq(query: { mailboxId: string }): Promise<number | undefined> {
    if (this.raw.inTransaction) return super.getChangeSeq(query);
    return this.statements().changeSeq.get(query.mailboxId);
  }

  override async getSyncState(query: { mailboxId: string }): Promise<MailboxSyncState | undefined> {
    if (this.raw.inTransaction) return super.getSyncState(query);
    const row = this.statements().counters.get(query.mailboxId);
    return row && { changeSeq: row.change_seq, pruneSeq: row.prune_seq, resetSeq: row.reset_seq, expirySeq: row.expiry_seq };
  }

  /** Prepared on first use: the table exists only once migrate() has run. */
  private statements() {
    return this.#statements ??= {
      changeSeq: this.raw.prepare<[string], number>("select change_seq from mailboxes where mailbox_id = ?").pluck(),
      counters: this.raw.prepare<[string], Counters>("select change_seq, prune_seq, reset_seq, expiry_seq from mailboxes where mailbox_id = ?"),
    };
  }
}
