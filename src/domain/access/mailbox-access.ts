import { AccessDeniedError, UserNotFoundError } from "../errors.js";
import type { Mailbox } from "../model.js";
import type { MailboxService } from "../mailboxes/mailbox-service.js";
import type { CalendarPermissionService } from "../sharing/calendar-permission-service.js";
import type { CalendarRights, SharedCalendars } from "../sharing/calendar-rights.js";
import type { CalendarTarget } from "../calendars/calendar-service.js";
import type { EventScope } from "../events/event-service.js";
import {
  authorize, authorizeAdmin, authorizeSubscription, authorizeUserList, meOf, type MailboxOperation,
} from "./permissions.js";
import type { Principal } from "./principal.js";

// Who may read or write which mailbox, and which of its calendars (spec §3.4, decisions 21 and
// 22, ADR 0011). The owner and apps reach the whole mailbox; a delegated caller reaches another
// user's mailbox only through calendars shared with them, one calendar at a time, with the
// rights of each share's role. Nothing here is cached: shares are read on every request, so a
// revoke takes effect at once.
// see: https://learn.microsoft.com/graph/permissions-overview
// see: https://learn.microsoft.com/graph/outlook-get-shared-events-calendars

/**
 * The user a request addresses: `/me`, or `/users/{id | userPrincipalName}` (`id` holds either,
 * as the path segment does).
 */
export type UserRef = { me: true } | { id: string };

export interface MailboxRequest {
  principal: Principal;
  user: UserRef;
  operation: MailboxOperation;
}

/** The calendars a caller reaches: `shared` absent means the whole mailbox (the owner, an app). */
export interface CalendarsReach {
  mailbox: Mailbox;
  shared?: SharedCalendars;
}

/** One calendar a caller reaches: `rights` absent means with the owner's rights. */
export interface CalendarReach {
  mailbox: Mailbox;
  rights?: CalendarRights;
}

/**
 * The events a caller reaches. For a delegate the scope is narrowed to one shared calendar: the
 * mailbox-wide forms (`/users/{id}/events`, `/calendarView`) mean the owner's default calendar.
 */
export interface EventsReach {
  mailbox: Mailbox;
  scope: EventScope;
  rights?: CalendarRights;
}

/**
 * Decides who may reach which mailbox, and answers with the mailbox. Every Graph request on a
 * mailbox, the directory reads and the admin controls ask here; routes hold no access rules.
 */
export class MailboxAccess {
  readonly #mailboxes: MailboxService;
  readonly #permissions: CalendarPermissionService;

  constructor(deps: { mailboxes: MailboxService; permissions: CalendarPermissionService }) {
    this.#mailboxes = deps.mailboxes;
    this.#permissions = deps.permissions;
  }

  /**
   * The mailbox a request addresses, for what only the whole mailbox allows: creating calendars,
   * calendar groups, calendars/delta, changing or deleting a calendar. Shares never open these
   * (a share is on one calendar's events). A user of another tenant does not exist as far as
   * the caller can tell (404, not 403).
   * see: https://learn.microsoft.com/graph/api/user-list-calendars#permissions
   */
  async mailbox(request: MailboxRequest): Promise<Mailbox> {
    const { principal, operation } = request;
    const mailbox = await this.#tenantMailbox(principal, request.user);
    authorize({ principal, operation, target: { userId: mailbox.id, tenantId: mailbox.tenantId } });
    return mailbox;
  }

  /**
   * The calendars a list reaches (`GET …/calendars`, also within a group): all of them, or for
   * a delegate those shared with them (403 when none is).
   */
  async calendars(request: MailboxRequest): Promise<CalendarsReach> {
    const { principal, operation } = request;
    const mailbox = await this.#tenantMailbox(principal, request.user);
    if (!isOtherUsers(principal, mailbox)) {
      authorize({ principal, operation, target: { userId: mailbox.id, tenantId: mailbox.tenantId } });
      return { mailbox };
    }
    const shared = await this.#permissions.sharedCalendars({ ownerMailboxId: mailbox.id, granteeMailboxId: principal.userId });
    authorize({ principal, operation, target: { userId: mailbox.id, tenantId: mailbox.tenantId }, shared: shared.size > 0 ? { read: true, write: false } : undefined });
    return { mailbox, shared };
  }

  /**
   * One calendar and its events: `calendars.read` reads it and its events, `calendars.write`
   * writes its events. A delegate needs a share of that very calendar whose role allows the
   * operation, and a `.Shared` scope; any other calendar of the mailbox is 403, whether it
   * exists or not.
   */
  async calendar(request: MailboxRequest & { calendar: CalendarTarget }): Promise<CalendarReach> {
    const { principal, operation } = request;
    const mailbox = await this.#tenantMailbox(principal, request.user);
    const target = { userId: mailbox.id, tenantId: mailbox.tenantId };
    if (!isOtherUsers(principal, mailbox)) {
      authorize({ principal, operation, target });
      return { mailbox };
    }
    const [shared, calendarId] = await Promise.all([
      this.#permissions.sharedCalendars({ ownerMailboxId: mailbox.id, granteeMailboxId: principal.userId }),
      this.#permissions.calendarIdOf({ mailboxId: mailbox.id, target: request.calendar }),
    ]);
    const rights = calendarId === undefined ? undefined : shared.get(calendarId);
    authorize({ principal, operation, target, shared: rights && { read: true, write: rights.writeEvents } });
    return { mailbox, rights: rights as CalendarRights };
  }

  /** The events of a scope; for a delegate, of the one shared calendar it names (the default one when none). */
  async events(request: MailboxRequest & { scope: EventScope }): Promise<EventsReach> {
    const calendar = request.scope.calendar ?? { defaultCalendar: true };
    const reach = await this.calendar({ ...request, calendar });
    // Owners and apps keep the scope as it is (no calendar: every calendar of the mailbox).
    if (!reach.rights) return { mailbox: reach.mailbox, scope: request.scope };
    return { mailbox: reach.mailbox, scope: { ...request.scope, calendar }, rights: reach.rights };
  }

  /**
   * The mailbox whose calendar shares the caller lists or changes. Shares are managed by the
   * mailbox's owner (or an app), never by a grantee, whatever was shared with them.
   * see: https://learn.microsoft.com/graph/api/calendar-list-calendarpermissions#permissions
   */
  async sharingMailbox(request: MailboxRequest): Promise<Mailbox> {
    const mailbox = await this.mailbox(request);
    const { principal } = request;
    if (principal.kind === "delegated" && principal.userId !== mailbox.id) throw new AccessDeniedError();
    return mailbox;
  }

  /**
   * The mailbox a change-notification subscription watches (spec §4.1): the caller's own
   * (delegated) or any of its tenant (application), with Calendars.Read or more; shares open
   * nothing here.
   * see: https://learn.microsoft.com/graph/api/subscription-post-subscriptions#permissions
   */
  async subscriptionMailbox(request: { principal: Principal; user: UserRef }): Promise<Mailbox> {
    const mailbox = await this.#tenantMailbox(request.principal, request.user);
    authorizeSubscription({ principal: request.principal, target: { userId: mailbox.id, tenantId: mailbox.tenantId } });
    return mailbox;
  }

  /** The mailbox an admin control (/_graphcal) acts on: an app token with the admin role, its own tenant only. */
  async adminMailbox(request: { principal: Principal; user: { id: string } }): Promise<Mailbox> {
    authorizeAdmin(request.principal);
    return this.#tenantMailbox(request.principal, request.user);
  }

  /**
   * A user's directory entry (`GET /me`, `GET /users/{id}`): oneself with User.Read, others with
   * a tenant-wide user permission. Other tenants' users do not exist for the caller.
   * see: https://learn.microsoft.com/graph/api/user-get#permissions
   */
  async directoryUser(request: { principal: Principal; user: UserRef }): Promise<Mailbox> {
    const { principal } = request;
    const id = "me" in request.user ? meOf(principal) : request.user.id;
    const user = await this.#mailboxes.getUser(id);
    if (user.tenantId !== principal.tenantId) throw new UserNotFoundError(id, "directory");
    authorize({ principal, operation: "user.read", target: { userId: user.id, tenantId: user.tenantId } });
    return user;
  }

  /**
   * The directory the caller may list (`GET /users`): its own tenant's, with a tenant-wide user
   * permission. see: https://learn.microsoft.com/graph/api/user-list#permissions
   */
  userDirectory(request: { principal: Principal }): { tenantId: string } {
    authorizeUserList(request.principal);
    return { tenantId: request.principal.tenantId };
  }

  /** Resolves `/me` or `/users/{…}` to a mailbox of the caller's tenant. */
  #tenantMailbox(principal: Principal, user: UserRef): Promise<Mailbox> {
    const id = "me" in user ? meOf(principal) : user.id;
    // A plain promise chain, not an async function: this runs on every request.
    return this.#mailboxes.getMailbox(id).then((mailbox) => {
      if (mailbox.tenantId !== principal.tenantId) throw new UserNotFoundError(id, "mailbox");
      return mailbox;
    });
  }
}

/** A delegated caller reaching another user's mailbox of its own tenant: shares decide. */
function isOtherUsers(principal: Principal, mailbox: Mailbox): principal is Principal & { kind: "delegated" } {
  return principal.kind === "delegated" && principal.userId !== mailbox.id && principal.tenantId === mailbox.tenantId;
}
