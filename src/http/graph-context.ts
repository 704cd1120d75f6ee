import type { ApiVersion } from "../graph/index.js";
import type {
  CalendarPermissionService, CalendarGroupService, CalendarReach, CalendarsReach, CalendarService, CalendarTarget, EventScope, EventService,
  EventsReach, Mailbox, MailboxAccess, MailboxOperation, MailboxService, Principal, SubscriptionService, UserRef,
} from "../domain/index.js";
import type { GraphRoute } from "./graph-path.js";
import type { QueryOptions } from "./odata/query-options.js";
import type { Subject } from "./odata/links.js";
import type { ErrorContext } from "./errors.js";
import type { DeltaService, EventDeltaService, EventsDeltaService } from "../domain/index.js";

export interface GraphServices {
  access: MailboxAccess;
  permissions: CalendarPermissionService;
  mailboxes: MailboxService;
  calendars: CalendarService;
  events: EventService;
  groups: CalendarGroupService;
  delta: DeltaService;
  eventDelta: EventDeltaService;
  /** beta events/delta. */
  eventsDelta: EventsDeltaService;
  /** Change-notification subscriptions (`/subscriptions`, issue 12). */
  subscriptions: SubscriptionService;
}

/** Everything a Graph handler needs about one request, already parsed at the edge. */
export interface GraphContext {
  apiVersion: ApiVersion;
  route: GraphRoute;
  method: string;
  query: QueryOptions;
  origin: string;
  principal: Principal;
  body: unknown;
  headers: Record<string, string | string[] | undefined>;
  services: GraphServices;
  /** Facts an error row may need, noted by the handler before it calls its service (ADR 0004). */
  errorContext: ErrorContext;
}

/** A handler's answer; the edge adds headers common to every response and serialises. */
export interface GraphResponse {
  status: number;
  /** Serialised with JSON.stringify, or sent as is when it is a `JsonText`. */
  body?: unknown;
  headers?: Record<string, string>;
  /**
   * Set on a delta poll answered with the client's own deltaLink and nothing new: while this
   * returns true, the same request gets the same bytes, and the edge may send them again
   * without running the pipeline (poll-replay.ts).
   */
  replayWhile?: () => boolean;
  /**
   * A delta page's nextLink as a request target (path and query), set when the next page's
   * answer may be assembled before it is asked for and kept for the edge to send (app.ts,
   * `prefetchNext`): the caller is one whose kept answers may be replayed (delta-request.ts).
   */
  next?: string;
}

/** The user a path addresses, in the domain's terms. */
export function userOf(subject: Subject): UserRef {
  return "me" in subject ? subject : { id: subject.user };
}

/**
 * The mailbox a request addresses, once MailboxAccess lets the caller do `operation` on the
 * whole mailbox (what no share opens: calendar and group writes, groups, calendars/delta).
 */
export function mailboxFor(ctx: GraphContext, subject: Subject, operation: MailboxOperation): Promise<Mailbox> {
  return ctx.services.access.mailbox({ principal: ctx.principal, user: userOf(subject), operation });
}

/** The calendars a list may show: all, or for a delegate the ones shared with them (ADR 0011). */
export function calendarsFor(ctx: GraphContext, subject: Subject): Promise<CalendarsReach> {
  return ctx.services.access.calendars({ principal: ctx.principal, user: userOf(subject), operation: "calendars.read" });
}

/** One calendar, with the caller's rights on it when they come from a share. */
export function calendarFor(ctx: GraphContext, subject: Subject, calendar: CalendarTarget): Promise<CalendarReach> {
  return ctx.services.access.calendar({ principal: ctx.principal, user: userOf(subject), operation: "calendars.read", calendar });
}

/** The events of a scope the caller may read or write; a delegate's scope is its one shared calendar. */
export function eventsFor(ctx: GraphContext, subject: Subject, scope: EventScope, operation: MailboxOperation): Promise<EventsReach> {
  return ctx.services.access.events({ principal: ctx.principal, user: userOf(subject), operation, scope });
}
