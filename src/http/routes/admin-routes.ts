import type { FastifyInstance } from "fastify";
import type { DeltaService, MailboxAccess, Principal } from "../../domain/index.js";

// Emulator administration under /_graphcal (not a Graph surface). Needs an app token carrying
// the Graphcal.Admin role (ADMIN_ROLE): `graphcal token --app --roles Graphcal.Admin`.

export function registerAdminRoutes(app: FastifyInstance, deps: {
  authenticate: (authorization: string | undefined) => Promise<Principal>;
  access: MailboxAccess;
  delta: DeltaService;
}): void {
  /** Invalidates every delta token of the mailbox: the next request answers 410 ResyncRequired. */
  app.post<{ Params: { user: string } }>("/_graphcal/mailboxes/:user/resetSync", async (request, reply) => {
    const principal = await deps.authenticate(request.headers.authorization);
    const mailbox = await deps.access.adminMailbox({ principal, user: { id: request.params.user } });
    await deps.delta.reset(mailbox.id);
    return reply.code(204).send();
  });
}
