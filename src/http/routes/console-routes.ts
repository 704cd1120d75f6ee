import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { MailboxAccess, MailboxService } from "../../domain/index.js";
import type { AccessTokenIssuer } from "../../auth/index.js";
import { UnknownSegmentError } from "../edge-errors.js";
import { adminMailbox, authorizeAdmin } from "./admin-auth.js";
import { CONSOLE_PATH, consoleAssets, type ConsoleAsset } from "./console-assets.js";

// The web console (issue 13): one page and its modules, served by the server itself.
//   GET  /                                    a browser asking for HTML is pointed at the console
//   GET  /_graphcal/console                   the page (public: it holds no data and no secret)
//   GET  /_graphcal/console/assets/{file}     our modules and stylesheet (console/)
//   GET  /_graphcal/console/vendor/{file}     preact, preact/hooks, htm from node_modules
//   GET  /_graphcal/console/config            how to sign in here: open admin, the demo admin's ids
//   POST /_graphcal/mailboxes/{id|upn}/token  admin: a short-lived delegated token (Calendars.Read)
//        for that user, with which the console reads the mailbox through Graph itself
// Everything the console shows comes through HTTP: these, the other controls, and Graph.

/** What the sign-in form may suggest; the secret is never sent, the README has it. */
export interface ConsoleOptions {
  demoAdmin?: { tenantId: string; clientId: string };
}

const CONSOLE_CLIENT_ID = "graphcal-console";
/** Long enough for a session of looking; the console mints another on a 401. */
const MAILBOX_TOKEN_SECONDS = 900;

export function registerConsoleRoutes(app: FastifyInstance, deps: {
  options: ConsoleOptions; devOpenAdmin: boolean; issuer: AccessTokenIssuer; access: MailboxAccess; mailboxes: MailboxService;
  originOf: (request: FastifyRequest) => string;
}): void {
  app.get("/", async (request, reply) => {
    if (!/\btext\/html\b/.test(request.headers.accept ?? "")) throw new UnknownSegmentError("");
    return reply.header("content-type", "text/html; charset=utf-8").send(
      `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>graphcal</title></head>`
      + `<body><p>graphcal speaks Microsoft Graph's calendar API under <code>/v1.0</code> and <code>/beta</code>.</p>`
      + `<p><a href="${CONSOLE_PATH}">Open the web console</a></p></body></html>`,
    );
  });

  app.get(CONSOLE_PATH, async (_request, reply) => {
    const assets = consoleAssets();
    return reply.headers({
      "content-type": "text/html; charset=utf-8",
      "cache-control": "no-cache",
      "content-security-policy": [
        "default-src 'self'", `script-src 'self' '${assets.scriptHash}'`, "style-src 'self'", "img-src 'self' data:",
        "connect-src 'self'", "frame-ancestors 'none'", "base-uri 'none'", "form-action 'none'", "object-src 'none'",
      ].join("; "),
      "x-content-type-options": "nosniff",
    }).send(assets.page);
  });

  app.get<{ Params: { file: string } }>(`${CONSOLE_PATH}/assets/:file`, async (request, reply) => {
    return sendAsset(reply, consoleAssets().own.get(request.params.file), request.params.file);
  });

  app.get<{ Params: { file: string } }>(`${CONSOLE_PATH}/vendor/:file`, async (request, reply) => {
    return sendAsset(reply, consoleAssets().vendor.get(request.params.file), request.params.file);
  });

  app.get(`${CONSOLE_PATH}/config`, async (_request, reply) => {
    return reply.header("content-type", "application/json; charset=utf-8")
      .send({ openAdmin: deps.devOpenAdmin, demoAdmin: deps.options.demoAdmin ?? null });
  });

  app.post<{ Params: { user: string } }>("/_graphcal/mailboxes/:user/token", async (request, reply) => {
    const caller = await authorizeAdmin(request);
    const mailbox = await adminMailbox(caller, request.params.user, deps);
    const scopes = ["Calendars.Read", "User.Read"];
    const { token, expiresIn } = await deps.issuer.mintDelegated({
      mailbox, scopes, clientId: CONSOLE_CLIENT_ID, lifetimeSeconds: MAILBOX_TOKEN_SECONDS, issuerOrigin: deps.originOf(request),
    });
    return reply.headers({ "content-type": "application/json; charset=utf-8", "cache-control": "no-store" })
      .send({ token_type: "Bearer", scope: scopes.join(" "), expires_in: expiresIn, access_token: token, mailboxId: mailbox.id });
  });
}

function sendAsset(reply: FastifyReply, asset: ConsoleAsset | undefined, name: string) {
  if (!asset) throw new UnknownSegmentError(name);
  return reply.headers({ "content-type": asset.contentType, "cache-control": "no-cache", "x-content-type-options": "nosniff" }).send(asset.body);
}
