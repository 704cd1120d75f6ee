import type { ApiVersion } from "../graph/index.js";
import {
  authorize, meOf, sharedAccess, UserNotFoundError, type CalendarPermissionService, type CalendarGroupService, type CalendarService,
  type Mailbox, type MailboxService, type Operation, type Principal,
} from "../domain/index.js";
import type { GraphRoute } from "./graph-path.js";
import type { QueryOptions } from "./odata/query-options.js";
import type { Subject } from "./odata/links.js";
import type { DeltaService } from "../domain/index.js";

export interface GraphServices {
  permissions: CalendarPermissionService;
  mailboxes: MailboxService;
  calendars: CalendarService;
  groups: CalendarGroupService;
  delta: DeltaService;
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
}

/** A handler's answer; the edge adds headers common to every response and serialises. */
export interface GraphResponse {
  status: number;
  /** Serialised with JSON.stringify, or sent as is when it is a `JsonText`. */
  body?: unknown;
  headers?: Record<string, string>;
}

/**
 * The mailbox a request addresses, after checking the caller may do `operation` on it.
 * Users of another tenant do not exist as far as the caller can tell.
 */
export async function mailboxFor(ctx: GraphContext, subject: Subject, operation: Operation): Promise<Mailbox> {
  const id = "me" in subject ? meOf(ctx.principal) : subject.user;
  const mailbox = await ctx.services.mailboxes.getMailbox(id);
  if (mailbox.tenantId !== ctx.principal.tenantId) throw new UserNotFoundError(id, "mailbox");
  const p = ctx.principal;
  // Another user's mailbox: what did its owner share with the caller?
  const shared = p.kind === "delegated" && p.userId !== mailbox.id && p.tenantId === mailbox.tenantId
    ? sharedAccess(await ctx.services.permissions.sharedRole({ ownerMailboxId: mailbox.id, granteeMailboxId: p.userId }))
    : undefined;
  authorize({ principal: p, operation, target: { userId: mailbox.id, tenantId: mailbox.tenantId }, shared });
  return mailbox;
}
