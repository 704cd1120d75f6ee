import type { FastifyInstance } from "fastify";
import {
  BadSyncTokenError, ValidationError, type DeltaService, type DeltaTokenExpiry, type IssuedCursor, type MailboxAccess, type MailboxService,
} from "../../domain/index.js";
import type { DeltaTokenCodec } from "../odata/delta-token.js";
import { adminMailbox, authorizeAdmin } from "./admin-auth.js";
import { exactlyOne, optionalString, readControlBody } from "./admin-body.js";
import { describeToken } from "./delta-token-view.js";

// Token lifecycle (issue 11 §7): make links answer 410 SyncStateNotFound on their next use.
//   {"deltaLink": "<an @odata.deltaLink or @odata.nextLink>"}   exactly that link
//   {"mailbox": "<id or UPN>"}                                   every link of the mailbox
// And what a link carries (issue 13, the console's delta explorer):
//   POST /_graphcal/delta-tokens/decode {"deltaLink": "<link>"} or {"token": "<$skiptoken or $deltatoken value>"}

export function registerDeltaTokenRoutes(app: FastifyInstance, deps: {
  tokenExpiry: DeltaTokenExpiry; codec: DeltaTokenCodec; access: MailboxAccess; mailboxes: MailboxService; delta: DeltaService;
}): void {
  app.post("/_graphcal/delta-tokens/decode", async (request, reply) => {
    const caller = await authorizeAdmin(request);
    const body = readControlBody(request.body, ["deltaLink", "token"]);
    const given = exactlyOne(body, ["deltaLink", "token"]);
    const token = given === "token" ? optionalString(body, "token") as string : tokenOfLink(optionalString(body, "deltaLink") as string);
    let inspected: ReturnType<DeltaTokenCodec["inspect"]>;
    try {
      inspected = deps.codec.inspect(token);
    } catch (error) {
      if (error instanceof BadSyncTokenError) throw new ValidationError(`'${given}' does not carry a token this server issued.`, "badRequest");
      throw error;
    }
    // The admin's tenant must own the mailbox the token syncs (and the mailbox must still exist).
    const mailbox = await adminMailbox(caller, inspected.cursor.mailboxId, deps);
    return reply.header("content-type", "application/json; charset=utf-8")
      .send(await describeToken({ ...inspected, mailbox, delta: deps.delta }));
  });

  app.post("/_graphcal/delta-tokens/expire", async (request, reply) => {
    const caller = await authorizeAdmin(request);
    const body = readControlBody(request.body, ["deltaLink", "mailbox"]);
    const given = exactlyOne(body, ["deltaLink", "mailbox"]);
    if (given === "mailbox") {
      const mailbox = await adminMailbox(caller, optionalString(body, "mailbox") as string, deps);
      await deps.tokenExpiry.expireMailbox(mailbox.id);
      return reply.send({ expired: "mailbox", mailboxId: mailbox.id });
    }
    const cursor = cursorOfLink(optionalString(body, "deltaLink") as string, deps.codec);
    // The admin's tenant must own the mailbox the link syncs (and the mailbox must still exist).
    const mailbox = await adminMailbox(caller, cursor.mailboxId, deps);
    await deps.tokenExpiry.expireLink(cursor);
    return reply.send({ expired: "link", mailboxId: mailbox.id });
  });
}

/** The `$deltatoken` or `$skiptoken` of a link; a link with neither is a 400. */
function tokenOfLink(link: string): string {
  let url: URL;
  try {
    url = new URL(link, "http://graphcal.invalid");
  } catch {
    throw new ValidationError("'deltaLink' must be an @odata.deltaLink or @odata.nextLink URL.", "badRequest");
  }
  const token = url.searchParams.get("$deltatoken") ?? url.searchParams.get("$skiptoken");
  if (token === null) throw new ValidationError("'deltaLink' has neither a $deltatoken nor a $skiptoken.", "badRequest");
  return token;
}

/** The cursor a delta or next link carries; a link that is not one of ours is a 400. */
function cursorOfLink(link: string, codec: DeltaTokenCodec): IssuedCursor {
  let url: URL;
  try {
    url = new URL(link, "http://graphcal.invalid");
  } catch {
    throw new ValidationError("'deltaLink' must be an @odata.deltaLink or @odata.nextLink URL.", "badRequest");
  }
  const delta = url.searchParams.get("$deltatoken");
  const skip = url.searchParams.get("$skiptoken");
  if (delta === null && skip === null) {
    throw new ValidationError("'deltaLink' has neither a $deltatoken nor a $skiptoken.", "badRequest");
  }
  try {
    return delta !== null ? codec.decode(delta, "delta") : codec.decode(skip as string, "skip");
  } catch (error) {
    if (error instanceof BadSyncTokenError) throw new ValidationError("'deltaLink' does not carry a token this server issued.", "badRequest");
    throw error;
  }
}
