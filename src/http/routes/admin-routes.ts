import type { FastifyInstance } from "fastify";
import {
  authorizeAdmin, UserNotFoundError, type DeltaService, type MailboxService, type Principal,
} from "../../domain/index.js";

// Emulator administration under /_graphcal (not a Graph surface). Needs an app token carrying
// the Graphcal.Admin role (ADMIN_ROLE): `graphcal token --app --roles Graphcal.Admin`.

export function registerAdminRoutes(app: FastifyInstance, deps: {
  authenticate: (authorization: string | undefined) => Promise<Principal>;
  mailboxes: MailboxService;
  delta: DeltaService;
}): void {
  const admin = async (authorization: string | undefined): Promise<Principal> => {
    const principal = await deps.authenticate(authorization);
    authorizeAdmin(principal);
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
