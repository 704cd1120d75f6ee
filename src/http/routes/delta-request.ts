import { BadSyncTokenError, InvalidQueryError, type DeltaCursor, type Principal } from "../../domain/index.js";
import type { QueryOptions } from "../odata/query-options.js";
import type { DeltaTokenCodec } from "../odata/delta-token.js";

// What every delta function reads the same way (calendars/delta, calendarView/delta, beta
// events/delta): the query options change tracking refuses, and the cursor its tokens carry.

const REFUSED = ["filter", "orderby", "expand", "search", "count", "skip"] as const;

/**
 * Refuses the options change tracking over `resource` ("Calendars", "Events") does not take —
 * `$top` with Graph's pointer to the Prefer header, `$select` too unless `select` allows it —
 * and decodes `$skiptoken` / `$deltatoken` (neither: an initial request).
 */
export function readDeltaRequest(q: QueryOptions, codec: DeltaTokenCodec, options: { resource: string; select: boolean }): DeltaCursor {
  const { resource } = options;
  if (q.top !== undefined) {
    throw new InvalidQueryError(`The '$top' parameter is not supported with change tracking over the '${resource}' resource as page size cannot be guaranteed. Express page size preferences using the Prefer: odata.maxpagesize= header instead.`);
  }
  for (const name of [...REFUSED, ...(options.select ? [] : ["select"] as const)]) {
    if (q[name] !== undefined) throw new InvalidQueryError(`The '$${name}' parameter is not supported with change tracking over the '${resource}' resource.`);
  }
  if (q.skiptoken !== undefined && q.deltatoken !== undefined) throw new BadSyncTokenError("both tokens");
  if (q.skiptoken !== undefined) return codec.decode(q.skiptoken, "skip");
  if (q.deltatoken !== undefined) return codec.decode(q.deltatoken, "delta");
  return { kind: "initial" };
}

/** Who a token is issued to: `u:{userId}` or `a:{appId}`. */
export function callerOf(principal: Principal): string {
  return principal.kind === "delegated" ? `u:${principal.userId}` : `a:${principal.appId}`;
}
