import { EVENT_ODATA_TYPE } from "../../graph/index.js";
import { ValidationError, formatDateTimeTimeZone, type EventDeltaItem, type ResolvedTimeZone } from "../../domain/index.js";
import type { GraphRoute } from "../graph-path.js";
import { eventsFor, type GraphContext, type GraphResponse } from "../graph-context.js";
import { ChangeTrackingUnsupportedError } from "../edge-errors.js";
import { buildLink, metadataUrl } from "../odata/links.js";
import { pageSizePreference, preferenceAppliedHeader, timeZonePreference } from "../odata/prefer.js";
import { callerOf, readDeltaRequest, replayWhile } from "./delta-request.js";
import type { DeltaTokenCodec } from "../odata/delta-token.js";
import { subjectScopePath, windowInstant } from "./event-response.js";

// GET …/events/delta (issue 10, spec §3.1–3.2): beta only. Each round lists the single instances
// and series masters that changed, each as a skeleton (`id`, `type`, `start`, `end`); the client
// reads the rest with GET /events/{id}. v1.0 answers as the real service does (§6 X5).
// see: https://learn.microsoft.com/graph/api/event-delta?view=graph-rest-beta

type EventsDeltaRoute = Extract<GraphRoute, { kind: "eventsDelta" }>;

// As calendarView/delta: no query options but the tokens. $select too is refused here: the
// beta page says events/delta does not support it (spec §3.2), and the items have a fixed shape.
const END_NOT_SUPPORTED = "The parameter 'EndDateTime' is not supported with change tracking over the 'Events' resource.";

/**
 * An item on the wire: only what the beta page lists. start/end are camelCase, as everywhere
 * else in Graph: the docs' PascalCase example (`DateTime`, `TimeZone`) is an artefact (spec §3.1).
 */
function itemToWire(item: EventDeltaItem, zone: ResolvedTimeZone): Record<string, unknown> {
  if (item.kind === "removed") return { "@odata.type": EVENT_ODATA_TYPE, id: item.id, "@removed": { reason: "deleted" } };
  const { event } = item;
  return {
    "@odata.type": EVENT_ODATA_TYPE, id: event.id, type: event.type,
    start: formatDateTimeTimeZone({ epochMs: event.start.epochMs, zone }),
    end: formatDateTimeTimeZone({ epochMs: event.end.epochMs, zone }),
  };
}

export async function eventsDelta(ctx: GraphContext, route: EventsDeltaRoute, codec: DeltaTokenCodec): Promise<GraphResponse> {
  // The function is beta-only; v1.0 refuses it whatever the mailbox or token.
  if (ctx.apiVersion === "v1.0") throw new ChangeTrackingUnsupportedError("microsoft.graph.event");
  // Authorization is checked on every page: a token grants nothing by itself.
  const { mailbox, scope } = await eventsFor(ctx, route.subject, route.scope, "calendars.read");
  const q = ctx.query;
  // Beta: "endDateTime is not supported" (spec §3.2). Refused on any call, not only the initial
  // one: it never means anything here, and silently ignoring it would suggest a window.
  if (q.enddatetime !== undefined) throw new ValidationError(END_NOT_SUPPORTED, "invalidParameter");
  // No $select: the items have a fixed shape (spec §3.2).
  const cursor = readDeltaRequest(q, codec, { resource: "Events", select: false });
  // startDateTime belongs to the initial request; the token carries it after that (as calendarView/delta).
  const startMs = cursor.kind === "initial" && q.startdatetime !== undefined ? windowInstant(q.startdatetime, "StartDateTime") : undefined;

  const path = subjectScopePath(route.subject, route.scope, "events") + "/delta";
  ctx.errorContext.deltaRestartLink = () => {
    const bound = cursor.kind === "initial" ? startMs : cursor.scope?.resource === "events" ? cursor.scope.startMs : undefined;
    return buildLink(ctx.origin, ctx.apiVersion, path, bound === undefined || bound === null ? [] : [["startDateTime", new Date(bound).toISOString()]]);
  };
  const pageSize = pageSizePreference(ctx.headers.prefer);
  const zone = timeZonePreference(ctx.headers.prefer);
  const page = await ctx.services.eventsDelta.page({
    mailbox, ...(scope.calendar && { calendar: scope.calendar }), ...(scope.group && { group: scope.group }),
    cursor, ...(startMs !== undefined && { startMs }), pageSize: pageSize.size, apiVersion: ctx.apiVersion, caller: callerOf(ctx.principal),
  });
  const link = page.kind === "more"
    ? { "@odata.nextLink": buildLink(ctx.origin, ctx.apiVersion, path, [["$skiptoken", codec.encode(page.next)]]) }
    : { "@odata.deltaLink": buildLink(ctx.origin, ctx.apiVersion, path, [["$deltatoken", codec.encode(page.round)]]) };
  const applied = ["odata.track-changes", ...(pageSize.applied ? [`odata.maxpagesize=${pageSize.size}`] : [])];
  const zoneApplied = preferenceAppliedHeader([zone]);
  if (zoneApplied) applied.push(zoneApplied);
  return {
    status: 200,
    replayWhile: replayWhile({ delta: ctx.services.delta, principal: ctx.principal, cursor, page, viaGroup: route.scope.group !== undefined }),
    headers: { "preference-applied": applied.join(", ") },
    body: {
      "@odata.context": metadataUrl(ctx.origin, ctx.apiVersion, "Collection(event)"),
      value: page.items.map((item) => itemToWire(item, zone.timeZone)),
      ...link,
    },
  };
}
