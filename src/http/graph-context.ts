import type { ApiVersion } from "../graph/index.js";
import type {
  CalendarPermissionService, CalendarGroupService, CalendarService, EventService, Mailbox, MailboxAccess, MailboxOperation, MailboxService,
  Principal, SubscriptionService, UserRef,
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
}

/** The user a path addresses, in the domain's terms. */
export function userOf(subject: Subject): UserRef {
  return "me" in subject ? subject : { id: subject.user };
}

/** The mailbox a request addresses, once MailboxAccess lets the caller do `operation` on it. */
export function mailboxFor(ctx: GraphContext, subject: Subject, operation: MailboxOperation): Promise<Mailbox> {
  return ctx.services.access.mailbox({ principal: ctx.principal, user: userOf(subject), operation });
}
