import { EVENT_ODATA_TYPE } from "../../graph/index.js";
import type { EventDeltaItem } from "../../domain/index.js";
import type { GraphRoute } from "../graph-path.js";
import { eventsFor, type GraphContext, type GraphResponse } from "../graph-context.js";
import { buildLink, metadataUrl } from "../odata/links.js";
import { pageSizePreference } from "../odata/prefer.js";
import { callerOf, nextTarget, readDeltaRequest, replayWhile } from "./delta-request.js";
import type { DeltaTokenCodec } from "../odata/delta-token.js";
import { keptPageJson } from "../odata/page-json-memo.js";
import { JsonText } from "../odata/serialize.js";
import { occurrenceSkeletonJson, typedEventJson } from "../odata/event-wire.js";
import { eventRendering, parseWindow, subjectScopePath, type EventRendering } from "./event-response.js";

// GET …/calendarView/delta (issue 10, spec §3): the window's events round by round.
// see: https://learn.microsoft.com/graph/api/event-delta

type CalendarViewDeltaRoute = Extract<GraphRoute, { kind: "calendarViewDelta" }>;

/** One item of a page as JSON text; a full event's text is memoised while the event is shared (EventRendering.toJson). */
function itemJson(item: EventDeltaItem, rendering: EventRendering): string {
  switch (item.kind) {
    case "removed": return JSON.stringify({ "@odata.type": EVENT_ODATA_TYPE, id: item.id, "@removed": { reason: "deleted" } });
    case "occurrence": return occurrenceSkeletonJson(item.event, rendering.timeZone);
    case "event": return typedEventJson(rendering.toJson(item.event));
  }
}

export async function calendarViewDelta(ctx: GraphContext, route: CalendarViewDeltaRoute, codec: DeltaTokenCodec): Promise<GraphResponse> {
  // Authorization is checked on every page: a token grants nothing by itself.
  const { mailbox, scope, rights } = await eventsFor(ctx, route.subject, route.scope, "calendars.read");
  const q = ctx.query;
  // Spec §3.2: $select is accepted (the real service takes it: X1) and kept in the token.
  const cursor = readDeltaRequest(q, codec, { resource: "Events", select: true });
  // The window and $select belong to the initial request; the links carry them after that.
  const window = cursor.kind === "initial" ? parseWindow(ctx) : undefined;
  const wire = cursor.kind === "initial"
    ? eventRendering(ctx, { rights })
    : eventRendering(ctx, cursor.select ? { fixedSelect: cursor.select, rights } : { select: false, rights });
  const select = cursor.kind === "initial" ? wire.select ?? null : cursor.select;

  const path = subjectScopePath(route.subject, route.scope, "calendarView") + "/delta";
  const initialQuery = (): [string, string][] => {
    const scope = cursor.kind === "initial" ? window : cursor.scope?.resource === "calendarView" ? cursor.scope.window : undefined;
    const out: [string, string][] = [];
    if (scope) out.push(["startDateTime", new Date(scope.startMs).toISOString()], ["endDateTime", new Date(scope.endMs).toISOString()]);
    if (select) out.push(["$select", select.join(",")]);
    return out;
  };
  ctx.errorContext.deltaRestartLink = () => buildLink(ctx.origin, ctx.apiVersion, path, initialQuery());
  const pageSize = pageSizePreference(ctx.headers.prefer);
  const page = await ctx.services.eventDelta.page({
    mailbox, calendar: scope.calendar ?? { defaultCalendar: true }, ...(scope.group && { group: scope.group }),
    cursor, ...(window && { window }), pageSize: pageSize.size, apiVersion: ctx.apiVersion, select, caller: callerOf(ctx.principal),
  });
  const link: [string, string] = page.kind === "more"
    ? ["@odata.nextLink", buildLink(ctx.origin, ctx.apiVersion, path, [["$skiptoken", codec.encode(page.next)]])]
    : ["@odata.deltaLink", buildLink(ctx.origin, ctx.apiVersion, path, [["$deltatoken", codec.encode(page.round)]])];
  const applied = ["odata.track-changes", ...(pageSize.applied ? [`odata.maxpagesize=${pageSize.size}`] : [])];
  if (wire.headers["preference-applied"]) applied.push(wire.headers["preference-applied"]);
  return {
    status: 200,
    replayWhile: replayWhile({ delta: ctx.services.delta, principal: ctx.principal, cursor, page, viaGroup: route.scope.group !== undefined }),
    next: nextTarget({ principal: ctx.principal, mailboxId: mailbox.id, viaGroup: route.scope.group !== undefined, origin: ctx.origin, link }),
    headers: { "preference-applied": applied.join(", ") },
    // A page cut from a kept round is rendered once per shape and its bytes reused (catalogue entry 14).
    body: JsonText.objectBytes([
      ["@odata.context", JSON.stringify(metadataUrl(ctx.origin, ctx.apiVersion, "Collection(event)"))],
      ["value", keptPageJson.value(page.kept, page.items.length, `event|${wire.shape}`,
        () => `[${page.items.map((item) => itemJson(item, wire)).join(",")}]`)],
      [link[0], JSON.stringify(link[1])],
    ]),
  };
}
