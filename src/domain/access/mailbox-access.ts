import { AccessDeniedError, UserNotFoundError } from "../errors.js";
import type { Mailbox } from "../model.js";
import type { MailboxService } from "../mailboxes/mailbox-service.js";
import { sharedAccess, type CalendarPermissionService } from "../sharing/calendar-permission-service.js";
import {
  authorize, authorizeAdmin, authorizeSubscription, authorizeUserList, meOf, type MailboxOperation, type SharedAccess,
} from "./permissions.js";
import type { Principal } from "./principal.js";

// Who may read or write which mailbox (spec §3.4, decisions 21 and 22).
// see: https://learn.microsoft.com/graph/permissions-overview

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
   * The mailbox a request addresses, once the caller may do `operation` on it. A user of another
   * tenant does not exist as far as the caller can tell (404, not 403).
   * see: https://learn.microsoft.com/graph/api/user-list-calendars#permissions
   */
  async mailbox(request: MailboxRequest): Promise<Mailbox> {
    const { principal, operation } = request;
    const mailbox = await this.#tenantMailbox(principal, request.user);
    // Every Graph request passes here: only another user's mailbox costs a share lookup.
    const shared = isOtherUsers(principal, mailbox) ? await this.#sharedAccess(principal, mailbox) : undefined;
    authorize({ principal, operation, target: { userId: mailbox.id, tenantId: mailbox.tenantId }, shared });
    return mailbox;
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

  /**
   * What `mailbox`'s owner shared with a delegated caller from the same tenant. Today one share
   * of the owner's default calendar opens all of the owner's calendars (too broad: Graph shares
   * one calendar at a time). Per-calendar shares will add the addressed calendar to
   * MailboxRequest and pass it here.
   * see: https://learn.microsoft.com/graph/api/resources/calendarpermission
   */
  async #sharedAccess(principal: Principal & { kind: "delegated" }, mailbox: Mailbox): Promise<SharedAccess> {
    return sharedAccess(await this.#permissions.sharedRole({ ownerMailboxId: mailbox.id, granteeMailboxId: principal.userId }));
  }
}

/** A delegated caller reaching another user's mailbox of its own tenant: shares decide. */
function isOtherUsers(principal: Principal, mailbox: Mailbox): principal is Principal & { kind: "delegated" } {
  return principal.kind === "delegated" && principal.userId !== mailbox.id && principal.tenantId === mailbox.tenantId;
}
