import type { FastifyInstance, FastifyRequest } from "fastify";
import type { ChangeFeed, ChangeFeedEntry, MailboxAccess, MailboxService } from "../../domain/index.js";
import { adminMailbox, authorizeAdmin } from "./admin-auth.js";
import { integerParam } from "./tenant-routes.js";
import { openChangeStream, type ChangeStreams } from "./change-stream.js";

// A mailbox's change log as written (issue 13, the console's live feed), not a Graph surface:
//   GET /_graphcal/mailboxes/{id|upn}/changes?after=N&limit=M   entries above seq N, oldest first
//   GET /_graphcal/mailboxes/{id|upn}/changes/stream?after=N    the same as Server-Sent Events,
//       then each new entry as its write commits (`Last-Event-ID` resumes after a reconnect)
// The stream authenticates like every control, with the Authorization header: the console reads
// it with fetch, so the admin token never goes into a URL (where logs and history keep it).

const DEFAULT_LIMIT = 100;

export function registerChangeFeedRoutes(app: FastifyInstance, deps: {
  changeFeed: ChangeFeed; access: MailboxAccess; mailboxes: MailboxService;
}): void {
  const streams: ChangeStreams = new Set();
  // Open streams would hold the server's close open forever: end them first.
  app.addHook("preClose", (done) => {
    for (const stream of streams) stream.end();
    done();
  });

  app.get<{ Params: { user: string } }>("/_graphcal/mailboxes/:user/changes", async (request, reply) => {
    const caller = await authorizeAdmin(request);
    const mailbox = await adminMailbox(caller, request.params.user, deps);
    const query = queryOf(request);
    const page = await deps.changeFeed.list({
      mailboxId: mailbox.id,
      after: integerParam(query, "after", 0, 0, Number.MAX_SAFE_INTEGER),
      limit: integerParam(query, "limit", DEFAULT_LIMIT, 1, 1000),
    });
    return reply.header("content-type", "application/json; charset=utf-8")
      .send({ mailboxId: mailbox.id, value: page.entries.map(entryToJson), lastSeq: page.lastSeq });
  });

  app.get<{ Params: { user: string } }>("/_graphcal/mailboxes/:user/changes/stream", async (request, reply) => {
    const caller = await authorizeAdmin(request);
    const mailbox = await adminMailbox(caller, request.params.user, deps);
    const lastEventId = request.headers["last-event-id"];
    const query = queryOf(request);
    // A reconnecting EventSource-style reader says where it was; otherwise the query does.
    if (typeof lastEventId === "string" && !query.has("after")) query.set("after", lastEventId);
    const after = integerParam(query, "after", 0, 0, Number.MAX_SAFE_INTEGER);
    openChangeStream({ request, reply, streams, feed: deps.changeFeed, mailboxId: mailbox.id, after, toJson: entryToJson });
  });
}

function queryOf(request: FastifyRequest): URLSearchParams {
  return new URLSearchParams(request.url.split("?")[1] ?? "");
}

export function entryToJson(entry: ChangeFeedEntry): Record<string, unknown> {
  return { ...entry, changedAt: entry.changedAt.toISOString() };
}
