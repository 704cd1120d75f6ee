import type { FastifyInstance, FastifyRequest } from "fastify";
import { ValidationError } from "../../domain/index.js";
import type { FaultControl } from "../faults/fault-control.js";
import { UnknownFaultRuleError } from "../faults/fault-errors.js";
import { parseFaultRules } from "../faults/fault-rule.js";
import { authorizeAdmin } from "./admin-auth.js";

// Emulator controls under /_graphcal (not a Graph surface): fault rules and the requests log.
//   POST   /_graphcal/faults        add a rule (or a list): 201 with the rule(s) and their ids
//   GET    /_graphcal/faults        the rules with their counters (matched, hits)
//   DELETE /_graphcal/faults        remove every rule
//   DELETE /_graphcal/faults/{id}   remove one
//   GET    /_graphcal/requests      the recent requests (?limit=N), oldest first
//   DELETE /_graphcal/requests      empty the log
// JSON in and out; bad input is a Graph-format 400 naming the field.

export function registerFaultRoutes(app: FastifyInstance, deps: { faults: FaultControl }): void {
  const { faults } = deps;
  // Per route, not a global hook: Graph requests must not pay for the admin check.
  const admin = { onRequest: async (request: FastifyRequest) => void await authorizeAdmin(request) };

  app.post("/_graphcal/faults", admin, async (request, reply) => {
    if (request.body === undefined) throw new ValidationError("the body is a fault rule (a JSON object) or a list of them", "badRequest");
    const added = await faults.addRules(parseFaultRules(request.body));
    const body = Array.isArray(request.body) ? { value: added } : added[0];
    return reply.code(201).header("content-type", "application/json; charset=utf-8").send(body);
  });

  app.get("/_graphcal/faults", admin, async (_request, reply) => {
    return reply.header("content-type", "application/json; charset=utf-8").send({ value: faults.rules.list() });
  });

  app.delete("/_graphcal/faults", admin, async (_request, reply) => {
    faults.rules.clear();
    return reply.code(204).send();
  });

  app.delete<{ Params: { id: string } }>("/_graphcal/faults/:id", admin, async (request, reply) => {
    if (!faults.rules.delete(request.params.id)) throw new UnknownFaultRuleError(request.params.id);
    return reply.code(204).send();
  });

  app.get("/_graphcal/requests", admin, async (request, reply) => {
    const limit = limitOf(request.url);
    return reply.header("content-type", "application/json; charset=utf-8").send({ value: faults.log.recent(limit) });
  });

  app.delete("/_graphcal/requests", admin, async (_request, reply) => {
    faults.log.clear();
    return reply.code(204).send();
  });
}

function limitOf(url: string): number | undefined {
  const q = url.indexOf("?");
  const value = q < 0 ? null : new URLSearchParams(url.slice(q + 1)).get("limit");
  if (value === null) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new ValidationError(`limit: must be a positive integer, got '${value}'`, "badRequest");
  return n;
}
