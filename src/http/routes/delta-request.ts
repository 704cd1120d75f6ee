import {
  BadSyncTokenError, InvalidQueryError, type DeltaCursor, type DeltaService, type PageCheck, type PageCursor, type Principal, type RoundCursor,
} from "../../domain/index.js";
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

/**
 * When an answer may be replayed (GraphResponse.replayWhile), for a caller whose access to the
 * mailbox cannot change under a kept answer — the owner or an app, whose rights come from the
 * bearer alone (a delegate's come from shares, which can be revoked). The calendar-group form
 * is left out, as the event delta fast path leaves it out: a group's membership is not in the
 * token. Two answers qualify:
 * - a completed round answered with the client's own cursor and nothing new (a no-change poll),
 *   while the mailbox is unchanged (DeltaService.repeatsUnchanged);
 * - a later page of a round (a nextLink followed), while its token's check holds
 *   (DeltaService.repeatsPage): the page is cut from frozen history, so writes do not change it.
 */
/**
 * The next page's request target (the nextLink without its origin) when its answer may be made
 * ahead and kept for the edge (GraphResponse.next): a page with a next one, for the callers
 * `replayWhile` admits (the owner or an app, not the calendar-group form). A syncing client asks
 * for each page once, so a later page is otherwise never asked for again and never replayed;
 * made while the client reads the page before it, its first request is answered at the edge.
 */
export function nextTarget(args: { principal: Principal; mailboxId: string; viaGroup: boolean; origin: string; link: readonly [string, string] }): string | undefined {
  const { principal, link } = args;
  if (link[0] !== "@odata.nextLink" || args.viaGroup || !link[1].startsWith(args.origin)) return undefined;
  if (principal.kind === "delegated" && principal.userId !== args.mailboxId) return undefined;
  return link[1].slice(args.origin.length);
}

export function replayWhile(args: {
  delta: DeltaService; principal: Principal; cursor: DeltaCursor; viaGroup: boolean;
  page: { kind: "more"; next: PageCursor; items: readonly unknown[]; checked?: PageCheck }
    | { kind: "complete"; round: RoundCursor; items: readonly unknown[]; checked?: PageCheck };
}): (() => boolean) | undefined {
  const { cursor, page, principal, delta } = args;
  if (cursor.kind === "initial" || args.viaGroup) return undefined;
  if (principal.kind === "delegated" && principal.userId !== cursor.mailboxId) return undefined;
  if (cursor.kind === "page") {
    const checked = page.checked;
    if (!checked) return undefined;
    const issuedAt = page.kind === "more" ? page.next.issuedAt : page.round.issuedAt;
    return () => delta.repeatsPage(cursor, checked, issuedAt);
  }
  if (page.kind !== "complete" || page.round !== cursor || page.items.length !== 0) return undefined;
  return () => delta.repeatsUnchanged(cursor);
}
