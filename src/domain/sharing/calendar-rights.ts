import type { CalendarRole } from "../../graph/index.js";
import type { Calendar } from "../model.js";

// What a calendarPermission lets its grantee do with the one calendar it is set on (ADR 0011).
// see: https://learn.microsoft.com/graph/outlook-share-or-delegate-calendar
// see: https://learn.microsoft.com/graph/api/resources/calendarpermission#calendarroletype-values

/** How much of an event a grantee sees: free/busy only, plus title and location, or everything. */
export type EventDetail = "freeBusy" | "limited" | "full";

export interface CalendarRights {
  role: CalendarRole;
  /** What a non-private event shows. */
  details: EventDetail;
  /**
   * Private events (`sensitivity: private`) in full. Without it they show as free/busy only in
   * lists, views and delta, and cannot be read, changed or deleted by id (404, as Graph's note
   * on calendar-list-events says: "The specified object was not found in the store").
   */
  privateItems: boolean;
  /** Create, update and delete events (with Calendars.ReadWrite.Shared). */
  writeEvents: boolean;
}

/** The role → rights table (ADR 0011). `none` and `custom` grant nothing here. */
const RIGHTS: Partial<Record<CalendarRole, Omit<CalendarRights, "role">>> = {
  freeBusyRead: { details: "freeBusy", privateItems: false, writeEvents: false },
  limitedRead: { details: "limited", privateItems: false, writeEvents: false },
  read: { details: "full", privateItems: false, writeEvents: false },
  write: { details: "full", privateItems: false, writeEvents: true },
  delegateWithoutPrivateEventAccess: { details: "full", privateItems: false, writeEvents: true },
  delegateWithPrivateEventAccess: { details: "full", privateItems: true, writeEvents: true },
};

/** The rights a role gives on its calendar; undefined when it gives none. */
export function rightsOf(role: CalendarRole): CalendarRights | undefined {
  const rights = RIGHTS[role];
  return rights && { role, ...rights };
}

/** Calendars of one mailbox shared with one grantee: calendar id → rights. */
export type SharedCalendars = ReadonlyMap<string, CalendarRights>;

/**
 * A calendar as its grantee sees it: never theirs to share, editable with a writing role,
 * private items with delegateWithPrivateEventAccess; `isShared` speaks only to the owner and
 * `isSharedWithMe` only to the grantee.
 * see: https://learn.microsoft.com/graph/outlook-share-or-delegate-calendar#sharee-or-delegate-get-properties-of-shared-or-delegated-calendar
 */
export function calendarSeenBy(calendar: Calendar, rights: CalendarRights): Calendar {
  return {
    ...calendar, canShare: false, canEdit: rights.writeEvents, canViewPrivateItems: rights.privateItems,
    isShared: false, isSharedWithMe: true,
  };
}
