import type { FastifyInstance, FastifyRequest } from "fastify";
import { ValidationError, type MailboxAccess, type MailboxService } from "../../domain/index.js";
import type { QuirkControl } from "../quirks/quirk-control.js";
import { parseQuirkNames } from "../quirks/quirk-names.js";
import { adminMailbox, authorizeAdmin } from "./admin-auth.js";
import { optionalString, readControlBody } from "./admin-body.js";

// Graph quirk modes (issue 11 §6), not a Graph surface:
//   POST   /_graphcal/quirks            {"mailbox": "id|upn", "quirks": [...]} sets a mailbox's
//                                       quirks (they replace the global set for it); without
//                                       "mailbox", the global set
//   GET    /_graphcal/quirks            {"global": [...], "value": [{mailbox, userPrincipalName, quirks}]}
//   DELETE /_graphcal/quirks            strict mode everywhere again
//   DELETE /_graphcal/quirks/{mailbox}  that mailbox follows the global set again
// JSON in and out; bad input is a Graph-format 400 naming the field.

const JSON_TYPE = "application/json; charset=utf-8";

export function registerQuirkRoutes(app: FastifyInstance, deps: {
  quirks: QuirkControl; access: MailboxAccess; mailboxes: MailboxService;
}): void {
  const { quirks } = deps;
  // Per route, not a global hook: Graph requests must not pay for the admin check.
  const admin = { onRequest: async (request: FastifyRequest) => void await authorizeAdmin(request) };

  app.post("/_graphcal/quirks", async (request, reply) => {
    const caller = await authorizeAdmin(request);
    const body = readControlBody(request.body, ["mailbox", "quirks"]);
    if (body.quirks === undefined) throw new ValidationError("'quirks' is required: a list of quirk names ([] for strict mode).", "badRequest");
    const names = parseQuirkNames(body.quirks);
    const user = optionalString(body, "mailbox");
    if (user === undefined) {
      quirks.setGlobal(names);
      return reply.header("content-type", JSON_TYPE).send({ global: [...quirks.global] });
    }
    const mailbox = await adminMailbox(caller, user, deps);
    return reply.header("content-type", JSON_TYPE).send(quirks.setMailbox(mailbox, names));
  });

  app.get("/_graphcal/quirks", admin, async (_request, reply) => {
    return reply.header("content-type", JSON_TYPE).send(quirks.list());
  });

  app.delete("/_graphcal/quirks", admin, async (_request, reply) => {
    quirks.clear();
    return reply.code(204).send();
  });

  app.delete<{ Params: { mailbox: string } }>("/_graphcal/quirks/:mailbox", async (request, reply) => {
    const caller = await authorizeAdmin(request);
    const mailbox = await adminMailbox(caller, request.params.mailbox, deps);
    quirks.clearMailbox(mailbox.id);
    return reply.code(204).send();
  });
}
