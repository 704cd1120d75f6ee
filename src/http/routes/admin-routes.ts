import type { FastifyInstance } from "fastify";
import { UserNotFoundError, type DeltaService, type MailboxService } from "../../domain/index.js";
import { AccessDeniedError, type Principal } from "../../auth/index.js";

// Emulator administration under /_graphcal (not a Graph surface). Needs an app token carrying
// the Graphcal.Admin role: `graphcal token --app --roles Graphcal.Admin`.

export const ADMIN_ROLE = "Graphcal.Admin";

export function registerAdminRoutes(app: FastifyInstance, deps: {
  authenticate: (authorization: string | undefined) => Promise<Principal>;
  mailboxes: MailboxService;
  delta: DeltaService;
}): void {
  const admin = async (authorization: string | undefined): Promise<Principal> => {
    const principal = await deps.authenticate(authorization);
    if (principal.kind !== "app" || !principal.roles.has(ADMIN_ROLE)) throw new AccessDeniedError();
    return principal;
  };

  /** Invalidates every delta token of the mailbox: the next request answers 410 ResyncRequired. */
  app.post<{ Params: { user: string } }>("/_graphcal/mailboxes/:user/resetSync", async (request, reply) => {
    const principal = await admin(request.headers.authorization);
    const mailbox = await deps.mailboxes.getMailbox(request.params.user);
    if (mailbox.tenantId !== principal.tenantId) throw new UserNotFoundError(request.params.user, "mailbox");
    await deps.delta.reset(mailbox.id);
    return reply.code(204).send();
  });
}
