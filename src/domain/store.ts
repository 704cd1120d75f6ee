import type {
  AppRegistration, Calendar, CalendarChange, CalendarGroup, CalendarPermission, Mailbox, MailboxSyncState,
} from "./model.js";

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

  listCalendarPermissions(query: { mailboxId: string; calendarId: string }): Promise<CalendarPermission[]>;
  /** Every share the mailbox's owner gave to one grantee (one row per calendar). */
  listGrantsTo(query: { mailboxId: string; granteeMailboxId: string }): Promise<CalendarPermission[]>;

  getSetting(key: string): Promise<string | undefined>;
  getApp(clientId: string): Promise<AppRegistration | undefined>;
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
  /** Invalidates every token issued so far for the mailbox (admin reset). */
  setResetSeq(query: { mailboxId: string; resetSeq: number }): Promise<void>;

  /** Inserts the setting unless present; returns the value that is stored afterwards. */
  putSettingIfAbsent(key: string, value: string): Promise<string>;
  putApp(app: AppRegistration): Promise<void>;
}

export interface Store extends StoreReader {
  readonly engine: "sqlite" | "postgres";
  transaction<T>(fn: (tx: StoreTx) => Promise<T>): Promise<T>;
  /**
   * Drops change history older than `before`, keeping for each live calendar its latest entry
   * so initial rounds stay complete. Returns how many entries went.
   */
  pruneChanges(query: { before: Date }): Promise<{ pruned: number }>;
  close(): Promise<void>;
}
