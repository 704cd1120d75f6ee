import type { CalendarColor, EmailAddress, OnlineMeetingProviderType } from "../graph/index.js";
import type { NewEventValues } from "./events/event-defaults.js";

/** A user with (usually) a mailbox. The id is the directory object id (a GUID). */
export interface Mailbox {
  id: string;
  tenantId: string;
  userPrincipalName: string;
  displayName: string;
  givenName: string | null;
  surname: string | null;
  mail: string | null;
  hasMailbox: boolean;
}

/**
 * A calendar with every property of both API versions; serialisers pick the version's set.
 * `groupId` is where the calendar lives; `calendarGroupId` is what Graph reports (null unless
 * the calendar was explicitly placed in a group).
 */
export interface Calendar {
  id: string;
  name: string;
  color: CalendarColor;
  hexColor: string;
  isDefaultCalendar: boolean;
  changeKey: string;
  canShare: boolean;
  canViewPrivateItems: boolean;
  canEdit: boolean;
  isRemovable: boolean;
  isTallyingResponses: boolean;
  allowedOnlineMeetingProviders: OnlineMeetingProviderType[];
  defaultOnlineMeetingProvider: OnlineMeetingProviderType;
  owner: EmailAddress;
  calendarGroupId: string | null;
  isShared: boolean;
  isSharedWithMe: boolean;
  groupClassId: string;
  groupId: string;
  /** Change sequence of the calendar's creation and of its latest change (spec §7.8). */
  createdSeq: number;
  changeSeq: number;
}

/**
 * An event with every property of both API versions, as stored: what a fresh POST gives
 * (`NewEventValues`, start/end as an instant and the zone they were given in) plus the service's
 * bookkeeping. Times are epoch milliseconds; the serialiser renders them (UTC or Prefer zone).
 * see: https://learn.microsoft.com/graph/api/resources/event
 */
export interface Event extends Omit<NewEventValues, "seriesMasterId"> {
  id: string;
  changeKey: string;
  /** Unique across calendars; different for each occurrence of a series (spec §1.2). */
  iCalUId: string;
  /** Beta's `uid`: one value for a series master and all its occurrences and exceptions. */
  uid: string;
  webLink: string;
  createdDateTime: number;
  lastModifiedDateTime: number;
  /** The calendar the event lives in. */
  calendarId: string;
  /** The series master of an occurrence or exception; null otherwise. */
  seriesMasterId: string | null;
  /** Where the occurrence would start by the pattern (epoch ms); null unless occurrence/exception. */
  originalStart: number | null;
  /** Change sequence of the event's creation and of its latest change (as Calendar has). */
  createdSeq: number;
  changeSeq: number;
  /** A series master's cancelled (deleted) occurrences, by original start (epoch ms); else []. */
  cancelledOccurrences: number[];
}

/** A half-open time span [startMs, endMs) in epoch milliseconds. */
export interface TimeSpan {
  startMs: number;
  endMs: number;
}

/**
 * One entry of a mailbox's event change log, written in the same transaction as the change.
 * `eventId` is a single instance, a series master, an exception, or an occurrence (a cancelled
 * one, or one that became an exception). `before`/`after` are the item as stored before and after
 * (null: it was not a stored item — created, an occurrence — or it is gone), and the spans are
 * where it was and is in time (a master's span is the whole series' extent), so a windowed delta
 * can tell "moved out of the window" from "never in it" (issue 10).
 */
export interface EventChange {
  seq: number;
  eventId: string;
  calendarId: string;
  seriesMasterId: string | null;
  createdSeq: number;
  removed: boolean;
  before: Event | null;
  after: Event | null;
  spanBefore: TimeSpan | null;
  spanAfter: TimeSpan | null;
  changedAt: Date;
}

export interface CalendarGroup {
  id: string;
  name: string;
  classId: string;
  changeKey: string;
  isDefault: boolean;
  createdSeq: number;
}

/**
 * One entry of a mailbox's calendar change log: the calendar as it was right after change
 * `seq`, or its removal. Entries are written in the same transaction as the change itself.
 */
export interface CalendarChange {
  seq: number;
  calendarId: string;
  createdSeq: number;
  removed: boolean;
  calendar: Calendar | null;
  changedAt: Date;
}

/**
 * An app registration with its admin-consented grants: the application roles an app-only token
 * of it carries, and the delegated scopes a user's token from it may carry (`.default` asks for
 * all of them). The token endpoint grants nothing beyond these.
 */
export interface AppRegistration {
  clientId: string;
  tenantId: string;
  displayName: string;
  secretHash: string;
  roles: string[];
  /** Absent when registering: none (the store always reads it back as a list). */
  delegatedScopes?: string[];
}

export interface MailboxSyncState {
  /** The latest change sequence number of the mailbox. */
  changeSeq: number;
  /** Change history at or below this sequence has been pruned. */
  pruneSeq: number;
  /** Tokens issued at or below this sequence were invalidated by an admin reset. */
  resetSeq: number;
  /**
   * The sequence of the mailbox's latest single-link expiry (admin): a token issued below it
   * may be one of the expired links and is looked up; 0 when none was ever expired.
   */
  expirySeq: number;
}

/**
 * A share of one calendar with a user of the same tenant (Graph's calendarPermission).
 * see: https://learn.microsoft.com/graph/api/resources/calendarpermission
 */
export interface CalendarPermission {
  id: string;
  calendarId: string;
  emailAddress: { name: string; address: string };
  role: import("../graph/index.js").CalendarRole;
  allowedRoles: import("../graph/index.js").CalendarRole[];
  isRemovable: boolean;
  isInsideOrganization: boolean;
  granteeMailboxId: string;
}
