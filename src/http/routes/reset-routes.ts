import type { FastifyInstance } from "fastify";
import type { MailboxAccess, MailboxService, ResetService } from "../../domain/index.js";
import { adminMailbox, authorizeAdmin } from "./admin-auth.js";
import { readControlBody } from "./admin-body.js";

// Resets (issue 11 §2). Delta tokens issued before either answer 410 afterwards
// (domain/controls/reset-service.ts says how, and why no cache outlives a reset).

export function registerResetRoutes(app: FastifyInstance, deps: {
  resets: ResetService; access: MailboxAccess; mailboxes: MailboxService;
}): void {
  /** The whole store: empty, then the startup state (the demo tenant if the server seeded it). */
  app.post("/_graphcal/reset", async (request, reply) => {
    await authorizeAdmin(request);
    readControlBody(request.body, []);
    const { startupState } = await deps.resets.resetAll();
    return reply.send({ reset: "store", startupState });
  });

  /** One mailbox back to its provisioned state: its default calendars only. */
  app.post<{ Params: { user: string } }>("/_graphcal/mailboxes/:user/reset", async (request, reply) => {
    const caller = await authorizeAdmin(request);
    readControlBody(request.body, []);
    const mailbox = await adminMailbox(caller, request.params.user, deps);
    await deps.resets.resetMailbox(mailbox);
    return reply.send({ reset: "mailbox", id: mailbox.id, userPrincipalName: mailbox.userPrincipalName });
  });
}
