import { sql, type Kysely } from "kysely";
import {
  upnKey, type AppRegistration, type Calendar, type CalendarChange, type CalendarGroup, type CalendarPermission, type Event, type EventChange,
  type EventFilter, type EventOrder, type Mailbox, type MailboxSyncState, type Page, type StoreReader, type TimeSpan,
} from "../../domain/index.js";
import type { Database } from "./schema.js";
import { EVENT_ROW_KIND, toApp, toCalendar, toCalendarGroup, toCalendarPermission, toChange, toEvent, toEventChange, toMailbox } from "./rows.js";
import { filterSql, orderTerms } from "./event-query-sql.js";

/** The read half of the store, one SQL text for both engines. Used inside and outside transactions. */
export class SqlReader implements StoreReader {
  constructor(protected readonly db: Kysely<Database>) {}

  async findMailbox(query: { id: string } | { userPrincipalName: string }): Promise<Mailbox | undefined> {
    const q = this.db.selectFrom("mailboxes").selectAll();
    const row = await ("id" in query
      ? q.where("mailbox_id", "=", query.id)
      : q.where("upn_key", "=", upnKey(query.userPrincipalName))
    ).executeTakeFirst();
    return row && toMailbox(row);
  }

  async listMailboxes(query: { tenantId?: string } & Page): Promise<Mailbox[]> {
    let q = this.db.selectFrom("mailboxes").selectAll();
    if (query.tenantId !== undefined) q = q.where("tenant_id", "=", query.tenantId);
    const rows = await q.orderBy("upn_key").offset(query.offset).limit(query.limit).execute();
    return rows.map(toMailbox);
  }

  async getPasswordHash(query: { mailboxId: string }): Promise<string | null> {
    const row = await this.db.selectFrom("mailboxes").select("password_hash")
      .where("mailbox_id", "=", query.mailboxId).executeTakeFirst();
    return row?.password_hash ?? null;
  }

  async getCalendar(query: { mailboxId: string; calendarId: string }): Promise<Calendar | undefined> {
    const row = await this.db.selectFrom("calendars").select("data")
      .where("mailbox_id", "=", query.mailboxId).where("calendar_id", "=", query.calendarId)
      .executeTakeFirst();
    return row && toCalendar(row);
  }

  async getDefaultCalendar(query: { mailboxId: string }): Promise<Calendar | undefined> {
    const row = await this.db.selectFrom("calendars").select("data")
      .where("mailbox_id", "=", query.mailboxId).where("is_default", "=", 1)
      .executeTakeFirst();
    return row && toCalendar(row);
  }

  async findCalendarByName(query: { mailboxId: string; nameKey: string }): Promise<Calendar | undefined> {
    const row = await this.db.selectFrom("calendars").select("data")
      .where("mailbox_id", "=", query.mailboxId).where("name_key", "=", query.nameKey)
      .executeTakeFirst();
    return row && toCalendar(row);
  }

  async listCalendars(query: { mailboxId: string; groupId?: string } & Page): Promise<Calendar[]> {
    let q = this.db.selectFrom("calendars").select("data").where("mailbox_id", "=", query.mailboxId);
    if (query.groupId !== undefined) q = q.where("group_id", "=", query.groupId);
    const rows = await q.orderBy("created_seq").offset(query.offset).limit(query.limit).execute();
    return rows.map(toCalendar);
  }

  async countCalendars(query: { mailboxId: string; groupId?: string }): Promise<number> {
    let q = this.db.selectFrom("calendars").select((eb) => eb.fn.countAll().as("n"))
      .where("mailbox_id", "=", query.mailboxId);
    if (query.groupId !== undefined) q = q.where("group_id", "=", query.groupId);
    const row = await q.executeTakeFirstOrThrow();
    return Number(row.n);
  }

  async getCalendarGroup(query: { mailboxId: string; groupId: string }): Promise<CalendarGroup | undefined> {
    const row = await this.db.selectFrom("calendar_groups").select("data")
      .where("mailbox_id", "=", query.mailboxId).where("group_id", "=", query.groupId)
      .executeTakeFirst();
    return row && toCalendarGroup(row);
  }

  async getDefaultCalendarGroup(query: { mailboxId: string }): Promise<CalendarGroup | undefined> {
    const row = await this.db.selectFrom("calendar_groups").select("data")
      .where("mailbox_id", "=", query.mailboxId).where("is_default", "=", 1)
      .executeTakeFirst();
    return row && toCalendarGroup(row);
  }

  async findCalendarGroupByName(query: { mailboxId: string; nameKey: string }): Promise<CalendarGroup | undefined> {
    const row = await this.db.selectFrom("calendar_groups").select("data")
      .where("mailbox_id", "=", query.mailboxId).where("name_key", "=", query.nameKey)
      .executeTakeFirst();
    return row && toCalendarGroup(row);
  }

  async listCalendarGroups(query: { mailboxId: string } & Page): Promise<CalendarGroup[]> {
    const rows = await this.db.selectFrom("calendar_groups").select("data")
      .where("mailbox_id", "=", query.mailboxId)
      .orderBy("created_seq").offset(query.offset).limit(query.limit).execute();
    return rows.map(toCalendarGroup);
  }

  async getSyncState(query: { mailboxId: string }): Promise<MailboxSyncState | undefined> {
    const row = await this.db.selectFrom("mailboxes").select(["change_seq", "prune_seq", "reset_seq", "expiry_seq"])
      .where("mailbox_id", "=", query.mailboxId).executeTakeFirst();
    return row && {
      changeSeq: Number(row.change_seq),
      pruneSeq: Number(row.prune_seq),
      resetSeq: Number(row.reset_seq),
      expirySeq: Number(row.expiry_seq),
    };
  }

  async getChangeSeq(query: { mailboxId: string }): Promise<number | undefined> {
    const row = await this.db.selectFrom("mailboxes").select("change_seq")
      .where("mailbox_id", "=", query.mailboxId).executeTakeFirst();
    return row && Number(row.change_seq);
  }

  async listChanges(query: {
    mailboxId: string; since: number; upTo: number; after: number; limit: number;
  }): Promise<CalendarChange[]> {
    const { mailboxId, since, upTo, after, limit } = query;
    // The fast implementation of the domain's collapseChanges; the contract suite checks it.
    const rows = await this.db.selectFrom("calendar_changes as c").selectAll()
      .where("c.mailbox_id", "=", mailboxId)
      .where("c.seq", ">", Math.max(since, after))
      .where("c.seq", "<=", upTo)
      // A removal matters only if the client could have known the calendar (spec decision 27).
      .where((eb) => eb.or([eb("c.removed", "=", 0), eb("c.created_seq", "<=", since)]))
      // Collapse: keep only the calendar's latest entry within the round.
      .where(({ not, exists, selectFrom }) => not(exists(
        selectFrom("calendar_changes as d").select(sql`1`.as("one"))
          .whereRef("d.mailbox_id", "=", "c.mailbox_id")
          .whereRef("d.calendar_id", "=", "c.calendar_id")
          .whereRef("d.seq", ">", "c.seq")
          .where("d.seq", "<=", upTo),
      )))
      .orderBy("c.seq").limit(limit).execute();
    return rows.map(toChange);
  }

  async getEvent(query: { mailboxId: string; eventId: string }): Promise<Event | undefined> {
    const row = await this.db.selectFrom("events").select("data")
      .where("mailbox_id", "=", query.mailboxId).where("event_id", "=", query.eventId).executeTakeFirst();
    return row && toEvent(row);
  }

  async findEventByTransactionId(query: { mailboxId: string; transactionId: string }): Promise<Event | undefined> {
    const row = await this.db.selectFrom("events").select("data")
      .where("mailbox_id", "=", query.mailboxId).where("transaction_id", "=", query.transactionId).executeTakeFirst();
    return row && toEvent(row);
  }

  async listEvents(query: { mailboxId: string; calendarId?: string; filter: EventFilter; orderBy: readonly EventOrder[] } & Page): Promise<Event[]> {
    let q = this.listedEvents(query).select("data");
    for (const [column, direction] of orderTerms(query.orderBy)) q = q.orderBy(column, direction);
    const rows = await q.offset(query.offset).limit(query.limit).execute();
    return rows.map(toEvent);
  }

  async countEvents(query: { mailboxId: string; calendarId?: string; filter: EventFilter }): Promise<number> {
    const row = await this.listedEvents(query).select((eb) => eb.fn.countAll().as("n")).executeTakeFirstOrThrow();
    return Number(row.n);
  }

  /** Single instances and masters of the mailbox (or one calendar) that pass the filter. */
  private listedEvents(query: { mailboxId: string; calendarId?: string; filter: EventFilter }) {
    let q = this.db.selectFrom("events")
      .where("mailbox_id", "=", query.mailboxId)
      .where("row_kind", "in", [EVENT_ROW_KIND.singleInstance, EVENT_ROW_KIND.seriesMaster]);
    if (query.calendarId !== undefined) q = q.where("calendar_id", "=", query.calendarId);
    if (query.filter.length > 0) q = q.where((eb) => filterSql(eb, query.filter));
    return q;
  }

  async listEventsInWindow(query: { mailboxId: string; calendarId: string } & TimeSpan): Promise<{ items: Event[]; masters: Event[] }> {
    const { mailboxId, calendarId, startMs, endMs } = query;
    const longest = await this.db.selectFrom("mailboxes").select("max_event_ms")
      .where("mailbox_id", "=", mailboxId).executeTakeFirst();
    // Nothing that starts before window start minus the longest event can reach the window, so
    // the index range on extent_start_ms is bounded on both sides.
    const lowest = startMs - Number(longest?.max_event_ms ?? 0);
    const items = await this.db.selectFrom("events").select("data")
      .where("mailbox_id", "=", mailboxId).where("calendar_id", "=", calendarId)
      .where("row_kind", "in", [EVENT_ROW_KIND.singleInstance, EVENT_ROW_KIND.exception])
      .where("extent_start_ms", ">=", lowest).where("extent_start_ms", "<", endMs)
      .where((eb) => eb.or([eb("extent_end_ms", ">", startMs), eb("extent_start_ms", ">=", startMs)]))
      .execute();
    const masters = await this.db.selectFrom("events").select("data")
      .where("mailbox_id", "=", mailboxId).where("calendar_id", "=", calendarId)
      .where("row_kind", "=", EVENT_ROW_KIND.seriesMaster)
      .where("extent_start_ms", "<", endMs).where("extent_end_ms", ">", startMs)
      .execute();
    return { items: items.map(toEvent), masters: masters.map(toEvent) };
  }

  async listExceptions(query: { mailboxId: string; seriesMasterIds: readonly string[] }): Promise<Event[]> {
    if (query.seriesMasterIds.length === 0) return [];
    const rows = await this.db.selectFrom("events").select("data")
      .where("mailbox_id", "=", query.mailboxId).where("series_master_id", "in", [...query.seriesMasterIds])
      .orderBy("original_start_ms").execute();
    return rows.map(toEvent);
  }

  async listCalendarEvents(query: { mailboxId: string; calendarId: string }): Promise<Event[]> {
    const rows = await this.db.selectFrom("events").select("data")
      .where("mailbox_id", "=", query.mailboxId).where("calendar_id", "=", query.calendarId)
      .orderBy("created_seq").execute();
    return rows.map(toEvent);
  }

  async listEventChanges(query: { mailboxId: string; calendarId?: string; after: number; upTo?: number; limit?: number }): Promise<EventChange[]> {
    let q = this.db.selectFrom("event_changes").selectAll()
      .where("mailbox_id", "=", query.mailboxId)
      .where("seq", ">", query.after);
    // No calendar: the whole mailbox's log (beta /me/events/delta covers every calendar).
    if (query.calendarId !== undefined) q = q.where("calendar_id", "=", query.calendarId);
    if (query.upTo !== undefined) q = q.where("seq", "<=", query.upTo);
    if (query.limit !== undefined) q = q.limit(query.limit);
    const rows = await q.orderBy("seq").execute();
    return rows.map(toEventChange);
  }

  async listCalendarChanges(query: { mailboxId: string; after: number; limit: number }): Promise<CalendarChange[]> {
    const rows = await this.db.selectFrom("calendar_changes").selectAll()
      .where("mailbox_id", "=", query.mailboxId).where("seq", ">", query.after)
      .orderBy("seq").limit(query.limit).execute();
    return rows.map(toChange);
  }

  async listCalendarPermissions(query: { mailboxId: string; calendarId: string }): Promise<CalendarPermission[]> {
    const rows = await this.db.selectFrom("calendar_permissions").select("data")
      .where("mailbox_id", "=", query.mailboxId).where("calendar_id", "=", query.calendarId)
      .orderBy("permission_id").execute();
    return rows.map(toCalendarPermission);
  }

  async listGrantsTo(query: { mailboxId: string; granteeMailboxId: string }): Promise<CalendarPermission[]> {
    const rows = await this.db.selectFrom("calendar_permissions").select("data")
      .where("mailbox_id", "=", query.mailboxId).where("grantee_mailbox_id", "=", query.granteeMailboxId)
      .execute();
    return rows.map(toCalendarPermission);
  }

  async isDeltaTokenExpired(query: { mailboxId: string; tokenHash: string }): Promise<boolean> {
    const row = await this.db.selectFrom("expired_delta_tokens").select("token_hash")
      .where("mailbox_id", "=", query.mailboxId).where("token_hash", "=", query.tokenHash).executeTakeFirst();
    return row !== undefined;
  }

  async getSetting(key: string): Promise<string | undefined> {
    const row = await this.db.selectFrom("settings").select("value").where("key", "=", key).executeTakeFirst();
    return row?.value;
  }

  async getApp(clientId: string): Promise<AppRegistration | undefined> {
    const row = await this.db.selectFrom("apps").selectAll().where("client_id", "=", clientId).executeTakeFirst();
    return row && toApp(row);
  }

  async findTenantId(name: string): Promise<string | undefined> {
    const app = await this.db.selectFrom("apps").select("tenant_id").where("tenant_id", "=", name).executeTakeFirst();
    if (app) return app.tenant_id;
    const byId = await this.db.selectFrom("mailboxes").select("tenant_id").where("tenant_id", "=", name).limit(1).executeTakeFirst();
    if (byId) return byId.tenant_id;
    // A domain: LIKE patterns built from it, so its wildcards are refused rather than escaped.
    const domain = name.toLowerCase();
    if (domain === "" || /[%_\\]/.test(domain)) return undefined;
    const byDomain = await this.db.selectFrom("mailboxes").select("tenant_id")
      .where((eb) => eb.or([eb("upn_key", "like", `%@${domain}`), eb("upn_key", "like", `%@${domain}.%`)]))
      .limit(1).executeTakeFirst();
    return byDomain?.tenant_id;
  }
}
