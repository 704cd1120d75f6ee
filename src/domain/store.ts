import type {
  AppRegistration, Calendar, CalendarChange, CalendarGroup, CalendarPermission, Event, EventChange, Mailbox, MailboxSyncState,
  TimeSpan,
} from "./model.js";
import type { EventFilter, EventOrder } from "./events/event-query.js";
import type { NotificationStore } from "./notifications/notification-store.js";

// The storage port. Stores are dumb: primitives only, no business rules (those live in the
// services). Every call that touches mailbox data is scoped by mailboxId, so a store can be
// sharded by mailbox. One implementation per engine in src/store/.

export interface Page {
  offset: number;
  limit: number;
}

export interface StoreReader {
  findMailbox(query: { id: string } | { userPrincipalName: string }): Promise<Mailbox | undefined>;
  listMailboxes(query: { tenantId?: string } & Page): Promise<Mailbox[]>;
  getPasswordHash(query: { mailboxId: string }): Promise<string | null>;

  getCalendar(query: { mailboxId: string; calendarId: string }): Promise<Calendar | undefined>;
  getDefaultCalendar(query: { mailboxId: string }): Promise<Calendar | undefined>;
  findCalendarByName(query: { mailboxId: string; nameKey: string }): Promise<Calendar | undefined>;
  /** Calendars in creation order, optionally of one group. */
  listCalendars(query: { mailboxId: string; groupId?: string } & Page): Promise<Calendar[]>;
  countCalendars(query: { mailboxId: string; groupId?: string }): Promise<number>;

  getCalendarGroup(query: { mailboxId: string; groupId: string }): Promise<CalendarGroup | undefined>;
  getDefaultCalendarGroup(query: { mailboxId: string }): Promise<CalendarGroup | undefined>;
  findCalendarGroupByName(query: { mailboxId: string; nameKey: string }): Promise<CalendarGroup | undefined>;
  listCalendarGroups(query: { mailboxId: string } & Page): Promise<CalendarGroup[]>;

  getSyncState(query: { mailboxId: string }): Promise<MailboxSyncState | undefined>;
  /**
   * The mailbox's latest committed change seq (undefined: no such mailbox). Anything that
   * changes what the mailbox's calendars look like takes a seq, so caches validate with it on
   * every request; engines should answer it as cheaply as they can.
   */
  getChangeSeq(query: { mailboxId: string }): Promise<number | undefined>;
  /**
   * The collapsed change log of a round: for each calendar changed in (since, upTo], its
   * latest entry at or below upTo, ordered by seq, starting after `after`. Removals of
   * calendars created after `since` are left out (they never existed for the client).
   * `collapseChanges` (domain/delta/collapse-changes.ts) is the exact specification.
   */
  listChanges(query: {
    mailboxId: string; since: number; upTo: number; after: number; limit: number;
  }): Promise<CalendarChange[]>;

  /** A stored event: single instance, series master or exception (occurrences are not stored). */
  getEvent(query: { mailboxId: string; eventId: string }): Promise<Event | undefined>;
  findEventByTransactionId(query: { mailboxId: string; transactionId: string }): Promise<Event | undefined>;
  /**
   * Single instances and series masters (what an event list shows), of one calendar or of all,
   * matching every condition of `filter`, sorted by `orderBy` then start and id.
   */
  listEvents(query: { mailboxId: string; calendarId?: string; filter: EventFilter; orderBy: readonly EventOrder[] } & Page): Promise<Event[]>;
  countEvents(query: { mailboxId: string; calendarId?: string; filter: EventFilter }): Promise<number>;
  /**
   * What a time window of one calendar needs: single instances and exceptions that overlap it
   * (start < window end, and end > window start or a zero-length event at its very start), and
   * series masters whose series extent overlaps it, to be expanded by the caller.
   */
  listEventsInWindow(query: { mailboxId: string; calendarId: string } & TimeSpan): Promise<{ items: Event[]; masters: Event[] }>;
  /** The exceptions of the given series masters. */
  listExceptions(query: { mailboxId: string; seriesMasterIds: readonly string[] }): Promise<Event[]>;
  /** Every stored event of a calendar (any kind), for removing it with the calendar. */
  listCalendarEvents(query: { mailboxId: string; calendarId: string }): Promise<Event[]>;
  /**
   * The event change log of one calendar (without calendarId: of the whole mailbox) in
   * (after, upTo], in seq order: what a delta round reads (issue 10), and what rebuilds the
   * calendar as it was at an earlier seq.
   */
  listEventChanges(query: { mailboxId: string; calendarId?: string; after: number; upTo?: number; limit?: number }): Promise<EventChange[]>;
  /**
   * The calendar change log as written, every entry after `after` in seq order, uncollapsed
   * (the console's change feed shows each write; delta rounds read `listChanges`).
   */
  listCalendarChanges(query: { mailboxId: string; after: number; limit: number }): Promise<CalendarChange[]>;

  listCalendarPermissions(query: { mailboxId: string; calendarId: string }): Promise<CalendarPermission[]>;
  /** Every share the mailbox's owner gave to one grantee (one row per calendar). */
  listGrantsTo(query: { mailboxId: string; granteeMailboxId: string }): Promise<CalendarPermission[]>;

  /** Whether an administrator expired the delta link whose cursor hashes to `tokenHash`. */
  isDeltaTokenExpired(query: { mailboxId: string; tokenHash: string }): Promise<boolean>;

  getSetting(key: string): Promise<string | undefined>;
  getApp(clientId: string): Promise<AppRegistration | undefined>;
  /**
   * The id of the tenant `name` stands for, as the token endpoint's `{tenant}` segment names it:
   * a tenant id an app registration or a mailbox carries; or a domain of a user's UPN
   * (`contoso.com`, any case), or that domain's first label (`contoso`). Undefined when none.
   */
  findTenantId(name: string): Promise<string | undefined>;
}

export interface StoreTx extends StoreReader {
  /**
   * Takes the next change sequence number of the mailbox. It locks the mailbox's counter row
   * until the transaction ends, so writers to one mailbox serialise on it and commit order
   * equals sequence order. Only ChangeLogWriter calls it (it tells listeners after commit).
   */
  nextChangeSeq(query: { mailboxId: string }): Promise<number>;

  insertMailbox(mailbox: Mailbox, passwordHash: string | null): Promise<void>;
  insertCalendar(query: { mailboxId: string; calendar: Calendar }): Promise<void>;
  updateCalendar(query: { mailboxId: string; calendar: Calendar }): Promise<void>;
  deleteCalendar(query: { mailboxId: string; calendarId: string }): Promise<void>;
  insertCalendarGroup(query: { mailboxId: string; group: CalendarGroup }): Promise<void>;
  updateCalendarGroup(query: { mailboxId: string; group: CalendarGroup }): Promise<void>;
  deleteCalendarGroup(query: { mailboxId: string; groupId: string }): Promise<void>;
  insertCalendarPermission(query: { mailboxId: string; permission: CalendarPermission }): Promise<void>;
  updateCalendarPermission(query: { mailboxId: string; permission: CalendarPermission }): Promise<void>;
  deleteCalendarPermission(query: { mailboxId: string; permissionId: string }): Promise<void>;
  appendChange(query: { mailboxId: string; change: CalendarChange }): Promise<void>;
  /**
   * Stores an event row. `extent` is where the row lies in time for window queries: the event's
   * span, or for a series master the whole series' extent.
   */
  insertEvent(query: { mailboxId: string; event: Event; extent: TimeSpan }): Promise<void>;
  updateEvent(query: { mailboxId: string; event: Event; extent: TimeSpan }): Promise<void>;
  deleteEvent(query: { mailboxId: string; eventId: string }): Promise<void>;
  appendEventChange(query: { mailboxId: string; change: EventChange }): Promise<void>;
  /**
   * Takes `count` consecutive change sequence numbers of the mailbox at once and returns the
   * first: a bulk load (fixtures) numbers its items itself instead of one UPDATE per item. It
   * locks the counter row as nextChangeSeq does. Only ChangeLogWriter calls it.
   */
  reserveChangeSeqs(query: { mailboxId: string; count: number }): Promise<number>;
  /** Rewrites a user's directory properties (id, tenant and UPN stay; fixtures). */
  updateMailbox(mailbox: Mailbox): Promise<void>;
  /**
   * Inserts many new rows of one mailbox in a few multi-row statements (fixtures, issue 11):
   * what the single inserts above do, row for row, for a bulk load.
   */
  insertBatch(query: {
    mailboxId: string; groups: readonly CalendarGroup[]; calendars: readonly Calendar[];
    permissions: readonly CalendarPermission[]; events: readonly { event: Event; extent: TimeSpan }[];
  }): Promise<void>;
  /** appendChange and appendEventChange for many entries, in a few statements. */
  appendChangeBatch(query: { mailboxId: string; changes: readonly CalendarChange[]; eventChanges: readonly EventChange[] }): Promise<void>;
  /** Invalidates every token issued so far for the mailbox (admin reset). */
  setResetSeq(query: { mailboxId: string; resetSeq: number }): Promise<void>;

  /** Raises the mailbox's prune watermark: history at or below it counts as gone (admin expiry). */
  raisePruneSeq(query: { mailboxId: string; pruneSeq: number }): Promise<void>;
  /** Records an expired delta link (by its cursor's hash) and the seq it was expired at. */
  insertExpiredDeltaToken(query: { mailboxId: string; tokenHash: string; expiredAt: Date; expirySeq: number }): Promise<void>;
  /**
   * Removes everything the mailbox holds — calendar groups, calendars, events, the shares it
   * gave, both change logs, expired-link records — keeping the mailbox row and its counters,
   * so sequence numbers go on rising (admin reset; the caller then provisions the defaults).
   */
  clearMailbox(query: { mailboxId: string }): Promise<void>;

  /** Inserts the setting unless present; returns the value that is stored afterwards. */
  putSettingIfAbsent(key: string, value: string): Promise<string>;
  putApp(app: AppRegistration): Promise<void>;
}

/** The rows of a store at one moment, opaque outside the store that took it (Store.snapshotAll). */
export interface StoreSnapshot {
  /** How many rows it holds. */
  readonly rows: number;
}

export interface Store extends StoreReader {
  readonly engine: "sqlite" | "postgres";
  /** Change-notification subscriptions, their delivery state and the lifecycle outbox (issue 12). */
  readonly notifications: NotificationStore;
  /**
   * A number that changes whenever a commit made through another connection to the same
   * database becomes visible (SQLite's `PRAGMA data_version`), read without waiting, cheaply
   * enough for every request. Absent for an engine that cannot tell without a round trip
   * (PostgreSQL). The delta watermark cache trusts an entry for as long as the mark it was read
   * under holds (docs/decisions/0002-delta-watermark-cache.md).
   */
  foreignCommitMark?(): number;
  transaction<T>(fn: (tx: StoreTx) => Promise<T>): Promise<T>;
  /**
   * Empties the store but for its settings (keys, marks): every mailbox and all it holds, and
   * the app registrations, in one transaction. Mailboxes inserted afterwards start their change
   * sequence above every sequence the store had, so a delta token issued before cannot match
   * a mailbox recreated with the same id (admin reset, issue 11).
   */
  resetAll(): Promise<void>;
  /**
   * Everything `resetAll` removes, kept in memory (undefined when the store holds too much to
   * keep): what `restoreAll` puts back in place of seeding the startup state again.
   */
  snapshotAll(): Promise<StoreSnapshot | undefined>;
  /**
   * `resetAll`, then the snapshot's rows back in one transaction. Restored mailboxes continue
   * their change sequences above every one the store had, and tokens issued before answer 410
   * ResyncRequired, exactly as after `resetAll` and a new seed.
   */
  restoreAll(snapshot: StoreSnapshot): Promise<void>;
  /** Deletes settings by key (a reset forgets the demo seed's marks so it seeds again). */
  deleteSettings(keys: readonly string[]): Promise<void>;
  /**
   * Drops change history older than `before`, keeping for each live calendar its latest entry
   * so initial rounds stay complete. Returns how many entries went.
   */
  pruneChanges(query: { before: Date }): Promise<{ pruned: number }>;
  close(): Promise<void>;
}
