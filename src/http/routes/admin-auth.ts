import type { FastifyInstance, FastifyRequest } from "fastify";
import { ADMIN_ROLE, AccessDeniedError, type Mailbox, type MailboxAccess, type MailboxService, type Principal } from "../../domain/index.js";
import { AuthenticationError } from "../../auth/index.js";

// Who may use the emulator's controls under /_graphcal (issue 11): an app token carrying the
// Graphcal.Admin role (`graphcal token --app --roles Graphcal.Admin`), or anyone when the server
// was started with the explicit --dev-open-admin flag (DEV_OPEN_ADMIN=true), never by default.
// The one decision every control route makes, fault routes included: `authorizeAdmin(request)`.

/** Who passed: an admin app, or nobody in particular on a server with open admin. */
export type AdminCaller = { open: true } | { open: false; principal: Principal };

export interface AdminAuthOptions {
  verify: (authorization: string | undefined, nowMs?: number) => Promise<Principal>;
  /**
   * The wall clock, in ms. An admin token is also accepted while it is valid by the wall clock:
   * a test that moved the virtual clock a month ahead must still be able to move it back, with
   * the token it minted (or that `graphcal token` minted) before the move.
   */
  wallNow: () => number;
  devOpenAdmin: boolean;
}

declare module "fastify" {
  interface FastifyInstance {
    /** Installed by installAdminAuth; read through authorizeAdmin. */
    graphcalAdminAuth: AdminAuthOptions;
  }
}

/** Makes `authorizeAdmin` work for every route of `app` (and of plugins registered in it). */
export function installAdminAuth(app: FastifyInstance, options: AdminAuthOptions): void {
  app.decorate("graphcalAdminAuth", options);
}

/**
 * Throws a 401 (no or bad token) or 403 (a token without the admin role) unless the request may
 * use the controls. see: README "Emulator controls".
 */
export async function authorizeAdmin(request: FastifyRequest): Promise<AdminCaller> {
  const options = request.server.graphcalAdminAuth;
  if (options.devOpenAdmin) return { open: true };
  const principal = await verifyEitherClock(options, request.headers.authorization);
  if (principal.kind !== "app" || !principal.roles.has(ADMIN_ROLE)) throw new AccessDeniedError();
  return { open: false, principal };
}

async function verifyEitherClock(options: AdminAuthOptions, authorization: string | undefined): Promise<Principal> {
  try {
    return await options.verify(authorization);
  } catch (error) {
    if (!(error instanceof AuthenticationError) || authorization === undefined) throw error;
    return options.verify(authorization, options.wallNow());
  }
}

/**
 * The mailbox an admin control names by id or UPN: for an admin app, one of its own tenant
 * (MailboxAccess.adminMailbox); on an open server, any.
 */
export async function adminMailbox(
  caller: AdminCaller, user: string, deps: { access: MailboxAccess; mailboxes: MailboxService },
): Promise<Mailbox> {
  if (caller.open) return deps.mailboxes.getMailbox(user);
  return deps.access.adminMailbox({ principal: caller.principal, user: { id: user } });
}
