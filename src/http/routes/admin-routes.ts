import type { FastifyInstance } from "fastify";
import type { DeltaService, MailboxAccess, MailboxService } from "../../domain/index.js";
import { adminMailbox, authorizeAdmin } from "./admin-auth.js";

// Emulator administration under /_graphcal (not a Graph surface). Needs an app token carrying
// the Graphcal.Admin role (ADMIN_ROLE): `graphcal token --app --roles Graphcal.Admin`, or a
// server started with --dev-open-admin (admin-auth.ts).

export function registerAdminRoutes(app: FastifyInstance, deps: {
  access: MailboxAccess;
  mailboxes: MailboxService;
  delta: DeltaService;
}): void {
  /** Invalidates every delta token of the mailbox: the next request answers 410 ResyncRequired. */
  app.post<{ Params: { user: string } }>("/_graphcal/mailboxes/:user/resetSync", async (request, reply) => {
    const caller = await authorizeAdmin(request);
    const mailbox = await adminMailbox(caller, request.params.user, deps);
    await deps.delta.reset(mailbox.id);
    return reply.code(204).send();
  });
}
