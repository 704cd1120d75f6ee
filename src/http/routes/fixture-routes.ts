import type { FastifyInstance, FastifyRequest } from "fastify";
import { parse as parseYaml, YAMLParseError } from "yaml";
import { FIXTURE_MODES, ValidationError, type FixtureMode, type FixtureService } from "../../domain/index.js";
import { authorizeAdmin, type AdminCaller } from "./admin-auth.js";

// Fixtures (issue 11 §1): load a document of users, calendars, groups, shares and events in one
// transaction, or write the current state in the same format (schemas/fixture.schema.json).
//   POST /_graphcal/fixtures[?mode=merge|replace]   JSON or YAML body; → {"mode", "users": [{id, created, calendars, events}]}
//   GET  /_graphcal/fixtures[?mailbox=a&mailbox=b]  (or mailbox=a,b; none: every user) → the document

/** A fixture of thousands of events is larger than Graph's 1 MB request limit; this is admin input. */
const FIXTURE_BODY_LIMIT = 32 * 1024 * 1024;

/** YAML's media types (RFC 9512, and the ones tools still send). */
const YAML_TYPES = ["application/yaml", "application/x-yaml", "text/yaml", "text/x-yaml"];

export function registerFixtureRoutes(app: FastifyInstance, deps: { fixtures: FixtureService }): void {
  // In its own plugin scope: only the fixture routes read YAML (Graph's routes answer 415 to it).
  void app.register(async (scope) => {
    scope.addContentTypeParser(YAML_TYPES, { parseAs: "string", bodyLimit: FIXTURE_BODY_LIMIT }, (_request, text, done) => {
      try {
        done(null, parseYaml(text as string) as unknown);
      } catch (error) {
        const where = error instanceof YAMLParseError && error.linePos ? ` (line ${error.linePos[0].line}, column ${error.linePos[0].col})` : "";
        done(new ValidationError(`The body is not valid YAML${where}: ${(error as Error).message.split("\n")[0]}`, "badRequest"), undefined);
      }
    });
    registerRoutes(scope, deps);
  });
}

function registerRoutes(app: FastifyInstance, deps: { fixtures: FixtureService }): void {
  app.post("/_graphcal/fixtures", { bodyLimit: FIXTURE_BODY_LIMIT }, async (request, reply) => {
    const caller = await authorizeAdmin(request);
    const query = queryOf(request);
    for (const key of query.keys()) {
      if (key !== "mode") throw new ValidationError(`Unknown query option '${key}'; expected 'mode'.`, "badRequest");
    }
    const mode = query.get("mode") ?? "merge";
    if (!FIXTURE_MODES.includes(mode as FixtureMode)) {
      throw new ValidationError(`'mode' must be ${FIXTURE_MODES.map((m) => `'${m}'`).join(" or ")}, got '${mode}'.`, "badRequest");
    }
    if (request.body === undefined) throw new ValidationError("The request body must be a fixture document (JSON or YAML).", "badRequest");
    const result = await deps.fixtures.load({ fixture: request.body, mode: mode as FixtureMode, ...tenantOf(caller) });
    return reply.send(result);
  });

  app.get("/_graphcal/fixtures", async (request, reply) => {
    const caller = await authorizeAdmin(request);
    const query = queryOf(request);
    for (const key of query.keys()) {
      if (key !== "mailbox") throw new ValidationError(`Unknown query option '${key}'; expected 'mailbox'.`, "badRequest");
    }
    const mailboxes = query.getAll("mailbox").flatMap((m) => m.split(",")).map((m) => m.trim()).filter((m) => m !== "");
    return reply.send(await deps.fixtures.export({ mailboxes, ...tenantOf(caller) }));
  });
}

/** The app's router does not parse query strings (app.ts); control routes read their own. */
function queryOf(request: FastifyRequest): URLSearchParams {
  const q = request.url.indexOf("?");
  return new URLSearchParams(q < 0 ? "" : request.url.slice(q + 1));
}

/** An admin app works on its own tenant only; an open server on any. */
function tenantOf(caller: AdminCaller): { tenantId?: string } {
  return caller.open ? {} : { tenantId: caller.principal.tenantId };
}
