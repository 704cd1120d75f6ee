import type { Mailbox } from "../model.js";
import type { StoreReader } from "../store.js";

// What a tenant holds, in one answer for the web console's first panel (issue 13): its users and
// their mailboxes, each mailbox's calendar groups, calendars (with colours, event counts and the
// shares each gives) and change sequence. Reads only; a page of users at a time, because a bench
// store holds thousands of mailboxes and the console shows the first ones.

export interface TenantCalendar {
  id: string;
  name: string;
  color: string;
  hexColor: string;
  isDefaultCalendar: boolean;
  groupId: string;
  /** Stored events: single instances, series masters and exceptions (occurrences are computed). */
  events: number;
  shares: { id: string; grantee: string; role: string }[];
}

export interface TenantUser {
  id: string;
  tenantId: string;
  userPrincipalName: string;
  displayName: string;
  hasMailbox: boolean;
  /** The mailbox's latest change sequence: what its next delta round reads up to. */
  changeSeq: number;
  groups: { id: string; name: string; isDefault: boolean }[];
  calendars: TenantCalendar[];
}

export interface TenantSummary {
  users: TenantUser[];
  /** More users than `limit` exist after `offset`. */
  hasMore: boolean;
  /** Totals over the users in this answer. */
  counts: { users: number; groups: number; calendars: number; events: number; shares: number };
}

/** The console shows a tenant's folders; a mailbox with more than this many is cut (rare). */
const FOLDERS_PER_MAILBOX = 500;

export class TenantSummaryReader {
  readonly #store: StoreReader;

  constructor(deps: { store: StoreReader }) {
    this.#store = deps.store;
  }

  /** The users of `tenantId` (every tenant's when undefined), with their mailboxes' contents. */
  async summarize(query: { tenantId: string | undefined; offset: number; limit: number }): Promise<TenantSummary> {
    const rows = await this.#store.listMailboxes({
      ...(query.tenantId !== undefined && { tenantId: query.tenantId }), offset: query.offset, limit: query.limit + 1,
    });
    const users = await Promise.all(rows.slice(0, query.limit).map((mailbox) => this.#user(mailbox)));
    const calendars = users.flatMap((u) => u.calendars);
    return {
      users,
      hasMore: rows.length > query.limit,
      counts: {
        users: users.length,
        groups: users.reduce((n, u) => n + u.groups.length, 0),
        calendars: calendars.length,
        events: calendars.reduce((n, c) => n + c.events, 0),
        shares: calendars.reduce((n, c) => n + c.shares.length, 0),
      },
    };
  }

  async #user(mailbox: Mailbox): Promise<TenantUser> {
    const base = {
      id: mailbox.id, tenantId: mailbox.tenantId, userPrincipalName: mailbox.userPrincipalName,
      displayName: mailbox.displayName, hasMailbox: mailbox.hasMailbox,
    };
    if (!mailbox.hasMailbox) return { ...base, changeSeq: 0, groups: [], calendars: [] };
    const mailboxId = mailbox.id;
    const page = { offset: 0, limit: FOLDERS_PER_MAILBOX };
    const [changeSeq, groups, calendars] = await Promise.all([
      this.#store.getChangeSeq({ mailboxId }),
      this.#store.listCalendarGroups({ mailboxId, ...page }),
      this.#store.listCalendars({ mailboxId, ...page }),
    ]);
    return {
      ...base,
      changeSeq: changeSeq ?? 0,
      groups: groups.map((g) => ({ id: g.id, name: g.name, isDefault: g.isDefault })),
      calendars: await Promise.all(calendars.map(async (c): Promise<TenantCalendar> => {
        const [events, shares] = await Promise.all([
          this.#store.countEvents({ mailboxId, calendarId: c.id, filter: [] }),
          this.#store.listCalendarPermissions({ mailboxId, calendarId: c.id }),
        ]);
        return {
          id: c.id, name: c.name, color: c.color, hexColor: c.hexColor, isDefaultCalendar: c.isDefaultCalendar, groupId: c.groupId,
          events,
          shares: shares.map((p) => ({ id: p.id, grantee: p.emailAddress.address, role: p.role })),
        };
      })),
    };
  }
}
