import { Migrator, sql, type Insertable, type Kysely } from "kysely";
import type {
  AppRegistration, Calendar, CalendarChange, CalendarGroup, CalendarPermission, Event, EventChange, Mailbox, Store, StoreSnapshot, StoreTx,
  TimeSpan,
} from "../../domain/index.js";
import { migrationProvider } from "../migrations/index.js";
import type { Database } from "./schema.js";
import { fromCalendar, fromCalendarGroup, fromCalendarPermission, fromChange, fromEvent, fromEventChange, fromMailbox } from "./rows.js";
import { SqlReader } from "./sql-reader.js";
import { clearAllRows, clearMailboxRows, seqFloor } from "./reset-sql.js";
import { captureAllRows, restoreAllRows } from "./snapshot-sql.js";
import { SqlNotificationStore } from "./notification-sql.js";

class SqlTx extends SqlReader implements StoreTx {
  constructor(db: Kysely<Database>, private readonly nowMs: () => number) {
    super(db);
  }

  async nextChangeSeq(query: { mailboxId: string }): Promise<number> {
    // The UPDATE takes the row lock (PostgreSQL) or the write lock (SQLite) before any other
    // write of the transaction, so writers to one mailbox commit in sequence order.
    const row = await this.db.updateTable("mailboxes")
      .set((eb) => ({ change_seq: eb("change_seq", "+", 1) }))
      .where("mailbox_id", "=", query.mailboxId)
      .returning("change_seq").executeTakeFirstOrThrow();
    return Number(row.change_seq);
  }

  async insertMailbox(mailbox: Mailbox, passwordHash: string | null): Promise<void> {
    // After a whole-store reset, counters start above every token issued before (reset-sql.ts).
    const floor = await seqFloor(this.db);
    const row = fromMailbox(mailbox, passwordHash, this.nowMs());
    await this.db.insertInto("mailboxes").values(floor === 0 ? row : { ...row, change_seq: floor, reset_seq: floor }).execute();
  }

  async insertCalendar(query: { mailboxId: string; calendar: Calendar }): Promise<void> {
    await this.db.insertInto("calendars").values(fromCalendar(query.mailboxId, query.calendar)).execute();
  }

  async updateCalendar(query: { mailboxId: string; calendar: Calendar }): Promise<void> {
    const { mailbox_id, calendar_id, ...rest } = fromCalendar(query.mailboxId, query.calendar);
    await this.db.updateTable("calendars").set(rest)
      .where("mailbox_id", "=", mailbox_id).where("calendar_id", "=", calendar_id).execute();
  }

  async deleteCalendar(query: { mailboxId: string; calendarId: string }): Promise<void> {
    await this.db.deleteFrom("calendars")
      .where("mailbox_id", "=", query.mailboxId).where("calendar_id", "=", query.calendarId).execute();
  }

  async insertCalendarGroup(query: { mailboxId: string; group: CalendarGroup }): Promise<void> {
    await this.db.insertInto("calendar_groups").values(fromCalendarGroup(query.mailboxId, query.group)).execute();
  }

  async updateCalendarGroup(query: { mailboxId: string; group: CalendarGroup }): Promise<void> {
    const { mailbox_id, group_id, ...rest } = fromCalendarGroup(query.mailboxId, query.group);
    await this.db.updateTable("calendar_groups").set(rest)
      .where("mailbox_id", "=", mailbox_id).where("group_id", "=", group_id).execute();
  }

  async deleteCalendarGroup(query: { mailboxId: string; groupId: string }): Promise<void> {
    await this.db.deleteFrom("calendar_groups")
      .where("mailbox_id", "=", query.mailboxId).where("group_id", "=", query.groupId).execute();
  }

  async insertCalendarPermission(query: { mailboxId: string; permission: CalendarPermission }): Promise<void> {
    await this.db.insertInto("calendar_permissions").values(fromCalendarPermission(query.mailboxId, query.permission)).execute();
  }

  async updateCalendarPermission(query: { mailboxId: string; permission: CalendarPermission }): Promise<void> {
    await this.db.updateTable("calendar_permissions").set({ data: JSON.stringify(query.permission) })
      .where("mailbox_id", "=", query.mailboxId).where("permission_id", "=", query.permission.id).execute();
  }

  async deleteCalendarPermission(query: { mailboxId: string; permissionId: string }): Promise<void> {
    await this.db.deleteFrom("calendar_permissions")
      .where("mailbox_id", "=", query.mailboxId).where("permission_id", "=", query.permissionId).execute();
  }

  async appendChange(query: { mailboxId: string; change: CalendarChange }): Promise<void> {
    await this.db.insertInto("calendar_changes").values(fromChange(query.mailboxId, query.change)).execute();
  }

  async insertEvent(query: { mailboxId: string; event: Event; extent: TimeSpan }): Promise<void> {
    await this.db.insertInto("events").values(fromEvent(query.mailboxId, query.event, query.extent)).execute();
    await this.noteEventLength(query.mailboxId, query.event);
  }

  async updateEvent(query: { mailboxId: string; event: Event; extent: TimeSpan }): Promise<void> {
    const { mailbox_id, event_id, ...rest } = fromEvent(query.mailboxId, query.event, query.extent);
    await this.db.updateTable("events").set(rest)
      .where("mailbox_id", "=", mailbox_id).where("event_id", "=", event_id).execute();
    await this.noteEventLength(query.mailboxId, query.event);
  }

  /** Keeps mailboxes.max_event_ms an upper bound of every single instance's and exception's length. */
  private async noteEventLength(mailboxId: string, event: Event): Promise<void> {
    if (event.type === "seriesMaster") return;
    const length = event.end.epochMs - event.start.epochMs;
    await this.db.updateTable("mailboxes").set({ max_event_ms: length })
      .where("mailbox_id", "=", mailboxId).where("max_event_ms", "<", length).execute();
  }

  async deleteEvent(query: { mailboxId: string; eventId: string }): Promise<void> {
    await this.db.deleteFrom("events")
      .where("mailbox_id", "=", query.mailboxId).where("event_id", "=", query.eventId).execute();
  }

  async appendEventChange(query: { mailboxId: string; change: EventChange }): Promise<void> {
    await this.db.insertInto("event_changes").values(fromEventChange(query.mailboxId, query.change)).execute();
  }

  async reserveChangeSeqs(query: { mailboxId: string; count: number }): Promise<number> {
    const row = await this.db.updateTable("mailboxes")
      .set((eb) => ({ change_seq: eb("change_seq", "+", query.count) }))
      .where("mailbox_id", "=", query.mailboxId)
      .returning("change_seq").executeTakeFirstOrThrow();
    return Number(row.change_seq) - query.count + 1;
  }

  async updateMailbox(mailbox: Mailbox): Promise<void> {
    await this.db.updateTable("mailboxes")
      .set({ display_name: mailbox.displayName, given_name: mailbox.givenName, surname: mailbox.surname, mail: mailbox.mail })
      .where("mailbox_id", "=", mailbox.id).execute();
  }

  async insertBatch(query: {
    mailboxId: string; groups: readonly CalendarGroup[]; calendars: readonly Calendar[];
    permissions: readonly CalendarPermission[]; events: readonly { event: Event; extent: TimeSpan }[];
  }): Promise<void> {
    const { mailboxId } = query;
    // Parents before children, as the foreign keys want them.
    await insertChunked(this.db, "calendar_groups", query.groups.map((g) => fromCalendarGroup(mailboxId, g)));
    await insertChunked(this.db, "calendars", query.calendars.map((c) => fromCalendar(mailboxId, c)));
    await insertChunked(this.db, "calendar_permissions", query.permissions.map((p) => fromCalendarPermission(mailboxId, p)));
    await insertChunked(this.db, "events", query.events.map(({ event, extent }) => fromEvent(mailboxId, event, extent)));
    // One update for the longest-event bound instead of one per event (noteEventLength).
    let longest = 0;
    for (const { event } of query.events) {
      if (event.type !== "seriesMaster") longest = Math.max(longest, event.end.epochMs - event.start.epochMs);
    }
    if (longest > 0) {
      await this.db.updateTable("mailboxes").set({ max_event_ms: longest })
        .where("mailbox_id", "=", mailboxId).where("max_event_ms", "<", longest).execute();
    }
  }

  async appendChangeBatch(query: { mailboxId: string; changes: readonly CalendarChange[]; eventChanges: readonly EventChange[] }): Promise<void> {
    await insertChunked(this.db, "calendar_changes", query.changes.map((c) => fromChange(query.mailboxId, c)));
    await insertChunked(this.db, "event_changes", query.eventChanges.map((c) => fromEventChange(query.mailboxId, c)));
  }

  async setResetSeq(query: { mailboxId: string; resetSeq: number }): Promise<void> {
    await this.db.updateTable("mailboxes").set({ reset_seq: query.resetSeq })
      .where("mailbox_id", "=", query.mailboxId).execute();
  }

  async raisePruneSeq(query: { mailboxId: string; pruneSeq: number }): Promise<void> {
    await this.db.updateTable("mailboxes").set({ prune_seq: query.pruneSeq })
      .where("mailbox_id", "=", query.mailboxId).where("prune_seq", "<", query.pruneSeq).execute();
  }

  async insertExpiredDeltaToken(query: { mailboxId: string; tokenHash: string; expiredAt: Date; expirySeq: number }): Promise<void> {
    await this.db.insertInto("expired_delta_tokens")
      .values({ mailbox_id: query.mailboxId, token_hash: query.tokenHash, expired_at: query.expiredAt.getTime() })
      .onConflict((oc) => oc.columns(["mailbox_id", "token_hash"]).doNothing()).execute();
    await this.db.updateTable("mailboxes").set({ expiry_seq: query.expirySeq })
      .where("mailbox_id", "=", query.mailboxId).where("expiry_seq", "<", query.expirySeq).execute();
  }

  async clearMailbox(query: { mailboxId: string }): Promise<void> {
    await clearMailboxRows(this.db, query.mailboxId);
  }

  async putSettingIfAbsent(key: string, value: string): Promise<string> {
    await this.db.insertInto("settings").values({ key, value })
      .onConflict((oc) => oc.column("key").doNothing()).execute();
    const stored = await this.getSetting(key);
    if (stored === undefined) throw new Error(`setting ${key} vanished`);
    return stored;
  }

  async putApp(app: AppRegistration): Promise<void> {
    await this.db.insertInto("apps").values({
      client_id: app.clientId, tenant_id: app.tenantId, display_name: app.displayName,
      secret_hash: app.secretHash, roles: JSON.stringify(app.roles), delegated_scopes: JSON.stringify(app.delegatedScopes ?? []),
      created_at: this.nowMs(),
    }).onConflict((oc) => oc.column("client_id").doNothing()).execute();
  }
}

/**
 * A multi-row INSERT, cut so that no statement binds more than 30,000 values: SQLite's limit is
 * 32,766 bound variables, PostgreSQL's 65,535 parameters.
 */
async function insertChunked<T extends keyof Database & string>(db: Kysely<Database>, table: T, rows: readonly Insertable<Database[T]>[]): Promise<void> {
  const first = rows[0];
  if (first === undefined) return;
  const per = Math.max(1, Math.floor(30_000 / Object.keys(first).length));
  for (let i = 0; i < rows.length; i += per) {
    // Kysely cannot relate a generic table name to its row type; the rows come from that table's mapper.
    await db.insertInto(table).values(rows.slice(i, i + per) as never).execute();
  }
}

/** The one SQL implementation of the Store; engine folders only provide the Kysely dialect. */
export class SqlStore extends SqlReader implements Store {
  readonly notifications: SqlNotificationStore;

  constructor(
    db: Kysely<Database>,
    readonly engine: "sqlite" | "postgres",
    private readonly nowMs: () => number,
  ) {
    super(db);
    this.notifications = new SqlNotificationStore(db);
  }

  async migrate(): Promise<void> {
    const migrator = new Migrator({ db: this.db, provider: migrationProvider });
    const { error } = await migrator.migrateToLatest();
    if (error) throw error;
  }

  async transaction<T>(fn: (tx: StoreTx) => Promise<T>): Promise<T> {
    return this.db.transaction().execute((trx) => fn(new SqlTx(trx, this.nowMs)));
  }

  async resetAll(): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await clearAllRows(trx);
    });
  }

  async snapshotAll(): Promise<StoreSnapshot | undefined> {
    // One transaction, so the tables are read at one moment.
    return this.db.transaction().execute((trx) => captureAllRows(trx));
  }

  async restoreAll(snapshot: StoreSnapshot): Promise<void> {
    await this.db.transaction().execute((trx) => restoreAllRows(trx, snapshot));
  }

  async deleteSettings(keys: readonly string[]): Promise<void> {
    if (keys.length === 0) return;
    await this.db.deleteFrom("settings").where("key", "in", keys).execute();
  }

  async pruneChanges(query: { before: Date }): Promise<{ pruned: number }> {
    const cutoff = query.before.getTime();
    return this.db.transaction().execute(async (trx) => {
      // Raise each mailbox's prune watermark to its newest change (calendar or event) older than the cutoff.
      await trx.updateTable("mailboxes")
        .set({
          prune_seq: sql<number>`(select max(s.seq) from (
              select c.seq from calendar_changes c where c.mailbox_id = mailboxes.mailbox_id and c.changed_at < ${cutoff}
              union all
              select e.seq from event_changes e where e.mailbox_id = mailboxes.mailbox_id and e.changed_at < ${cutoff}
            ) s)`,
        })
        .where(sql<boolean>`(exists (select 1 from calendar_changes c
            where c.mailbox_id = mailboxes.mailbox_id and c.changed_at < ${cutoff} and c.seq > mailboxes.prune_seq)
          or exists (select 1 from event_changes e
            where e.mailbox_id = mailboxes.mailbox_id and e.changed_at < ${cutoff} and e.seq > mailboxes.prune_seq))`)
        .execute();
      // Below the watermark keep only each live calendar's latest entry: removals go, and so
      // does every entry superseded by a later one that is also below the watermark.
      const res = await trx.deleteFrom("calendar_changes as c")
        .where(sql<boolean>`c.seq <= (select m.prune_seq from mailboxes m where m.mailbox_id = c.mailbox_id)`)
        .where((eb) => eb.or([
          eb("c.removed", "=", 1),
          sql<boolean>`exists (select 1 from calendar_changes d where d.mailbox_id = c.mailbox_id
            and d.calendar_id = c.calendar_id and d.seq > c.seq
            and d.seq <= (select m.prune_seq from mailboxes m where m.mailbox_id = c.mailbox_id))`,
        ]))
        .executeTakeFirst();
      // Event history below the watermark goes entirely: an initial event round reads the
      // events themselves, and tokens at or below the watermark are refused anyway.
      const events = await trx.deleteFrom("event_changes as e")
        .where(sql<boolean>`e.seq <= (select m.prune_seq from mailboxes m where m.mailbox_id = e.mailbox_id)`)
        .executeTakeFirst();
      return { pruned: Number(res.numDeletedRows) + Number(events.numDeletedRows) };
    });
  }

  async close(): Promise<void> {
    await this.db.destroy();
  }
}
