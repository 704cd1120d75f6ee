import type { FastifyInstance } from "fastify";
import { ValidationError, type TenantSummaryReader } from "../../domain/index.js";
import { authorizeAdmin } from "./admin-auth.js";

// The tenant at a glance (issue 13, the console's first panel), not a Graph surface:
//   GET /_graphcal/tenant?offset=0&limit=100   users, their mailboxes' groups, calendars (colours,
//                                              event counts, shares) and change seqs, with totals
// An admin app sees its own tenant; a server with open admin shows every tenant's users.

const DEFAULT_LIMIT = 100;
const MAX_LIMIT = 500;

export function registerTenantRoutes(app: FastifyInstance, deps: { tenant: TenantSummaryReader }): void {
  app.get("/_graphcal/tenant", async (request, reply) => {
    const caller = await authorizeAdmin(request);
    const query = new URLSearchParams(request.url.split("?")[1] ?? "");
    const summary = await deps.tenant.summarize({
      tenantId: caller.open ? undefined : caller.principal.tenantId,
      offset: integerParam(query, "offset", 0, 0, Number.MAX_SAFE_INTEGER),
      limit: integerParam(query, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT),
    });
    return reply.header("content-type", "application/json; charset=utf-8").send(summary);
  });
}

/** A query parameter that must be an integer in [min, max]; absent, the fallback. */
export function integerParam(query: URLSearchParams, name: string, fallback: number, min: number, max: number): number {
  const value = query.get(name);
  if (value === null) return fallback;
  const n = Number(value);
  if (value.trim() === "" || !Number.isInteger(n) || n < min || n > max) {
    throw new ValidationError(`'${name}' must be an integer from ${min} to ${max}, got '${value}'.`, "badRequest");
  }
  return n;
}
