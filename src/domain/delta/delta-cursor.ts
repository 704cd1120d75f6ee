import type { ApiVersion } from "../../graph/index.js";

/**
 * Where a client stands in a mailbox's calendar change history (Stalwart's tagged union):
 * - initial: no token yet; the round will be a full sync;
 * - page:    mid-round; serve changes in (since, upTo] after `after` (a skip token);
 * - round:   round complete at watermark `since`; the next round starts there (a delta token).
 * Every cursor is bound to the mailbox, API version, $select and the caller that got it.
 */
export type DeltaCursor =
  | { kind: "initial" }
  | ({ kind: "page"; since: number; upTo: number; after: number } & CursorBinding)
  | ({ kind: "round"; since: number } & CursorBinding);

export interface CursorBinding {
  mailboxId: string;
  apiVersion: ApiVersion;
  /** Projected properties, or null for all. */
  select: string[] | null;
  /** `u:{userId}` or `a:{appId}`: the principal the token was issued to. */
  caller: string;
  /** Seconds since the epoch. */
  issuedAt: number;
  /** calendarView/delta and events/delta: what the chain is bound to (absent for calendars/delta). */
  scope?: DeltaScope;
}

/** What an event delta chain covers, fixed by its initial request (spec §3.2). */
export type DeltaScope = CalendarViewScope | EventsScope;

/** calendarView/delta: one calendar and its window. */
export interface CalendarViewScope {
  resource: "calendarView";
  calendarId: string;
  /**
   * The chain was started on the default-calendar form (`/me/calendarView/delta`,
   * `/me/calendar/calendarView/delta`), not by the calendar's id: a poll of an unchanged mailbox
   * can then be answered without reading which calendar is the default (EventDeltaService).
   */
  viaDefault: boolean;
  window: { startMs: number; endMs: number };
}

/** beta events/delta: one calendar (null: every calendar of the mailbox) and the optional startDateTime bound. */
export interface EventsScope {
  resource: "events";
  calendarId: string | null;
  startMs: number | null;
}

export type IssuedCursor = Exclude<DeltaCursor, { kind: "initial" }>;
/** Mid-round: more pages follow (carried by a `$skiptoken`). */
export type PageCursor = Extract<DeltaCursor, { kind: "page" }>;
/** Round complete (carried by a `$deltatoken`). */
export type RoundCursor = Extract<DeltaCursor, { kind: "round" }>;
