import type { GraphRoute } from "../graph-path.js";
import { eventsFor, type GraphContext, type GraphResponse } from "../graph-context.js";
import { buildLink, metadataUrl } from "../odata/links.js";
import { JsonText } from "../odata/serialize.js";
import { parseEventFilter, parseEventOrderBy } from "../odata/event-filter.js";
import { parseIfMatch } from "../odata/if-match.js";
import { pageSizePreference } from "../odata/prefer.js";
import { listPaging, nextLinkQuery } from "./list-paging.js";
import { eventRendering, scopeContext, subjectScopePath } from "./event-response.js";

// Events of a mailbox or one of its calendars (spec §1.1): list, create, get, update, delete.
// see: https://learn.microsoft.com/graph/api/resources/event

type EventsRoute = Extract<GraphRoute, { kind: "events" }>;
type EventRoute = Extract<GraphRoute, { kind: "event" }>;

function entityContext(ctx: GraphContext, route: EventsRoute | EventRoute, select?: string[]): string {
  const projection = select ? `(${select.join(",")})` : "";
  return metadataUrl(ctx.origin, ctx.apiVersion, `${scopeContext(route.subject, route.scope, "events")}${projection}/$entity`);
}

/** GET …/events: single instances and series masters, with $filter, $orderby, $top/$skip, $count. */
export async function listEvents(ctx: GraphContext, route: EventsRoute): Promise<GraphResponse> {
  const { mailbox, scope, rights } = await eventsFor(ctx, route.subject, route.scope, "calendars.read");
  const rendering = eventRendering(ctx, { rights });
  const filter = parseEventFilter(ctx.query.filter);
  const orderBy = parseEventOrderBy(ctx.query.orderby);
  const preferred = pageSizePreference(ctx.headers.prefer);
  const paging = listPaging(ctx.query, "events", {
    allow: ["filter", "orderby"], ...(preferred.applied && { defaultTop: preferred.size }),
  });
  const { events, hasMore } = await ctx.services.events.list({
    mailbox, scope, filter, orderBy, offset: paging.skip, limit: paging.top, rights,
  });
  const count = paging.count ? await ctx.services.events.count({ mailbox, scope, filter, rights }) : undefined;
  const select = rendering.select;
  const fragment = `${scopeContext(route.subject, route.scope, "events")}${select ? `(${select.join(",")})` : ""}`;
  const members: [string, string][] = [["@odata.context", JSON.stringify(metadataUrl(ctx.origin, ctx.apiVersion, fragment))]];
  if (count !== undefined) members.push(["@odata.count", JSON.stringify(count)]);
  members.push(["value", JSON.stringify(events.map(rendering.toWire))]);
  if (hasMore) {
    const link = buildLink(ctx.origin, ctx.apiVersion, subjectScopePath(route.subject, route.scope, "events"), nextLinkQuery(ctx.query, paging));
    members.push(["@odata.nextLink", JSON.stringify(link)]);
  }
  return { status: 200, headers: rendering.headers, body: JsonText.object(members) };
}

export async function getEvent(ctx: GraphContext, route: EventRoute): Promise<GraphResponse> {
  const { mailbox, scope, rights } = await eventsFor(ctx, route.subject, route.scope, "calendars.read");
  const rendering = eventRendering(ctx, { rights });
  const event = await ctx.services.events.get({ mailbox, eventId: route.eventId, scope, rights });
  return {
    status: 200, headers: rendering.headers,
    body: { "@odata.context": entityContext(ctx, route, rendering.select), ...rendering.toWire(event) },
  };
}

/** POST …/events: 201 with the event and its Location; a replayed transactionId returns the first one. */
export async function createEvent(ctx: GraphContext, route: EventsRoute): Promise<GraphResponse> {
  const { mailbox, scope, rights } = await eventsFor(ctx, route.subject, route.scope, "calendars.write");
  const rendering = eventRendering(ctx, { select: false, rights });
  const event = await ctx.services.events.create({ mailbox, scope, body: ctx.body, apiVersion: ctx.apiVersion });
  return {
    status: 201,
    headers: { ...rendering.headers, location: `${ctx.origin}/${ctx.apiVersion}/users/${mailbox.id}/events/${event.id}` },
    body: { "@odata.context": entityContext(ctx, route), ...rendering.toWire(event) },
  };
}

export async function updateEvent(ctx: GraphContext, route: EventRoute): Promise<GraphResponse> {
  const { mailbox, scope, rights } = await eventsFor(ctx, route.subject, route.scope, "calendars.write");
  const rendering = eventRendering(ctx, { select: false, rights });
  const ifMatch = parseIfMatch(ctx.headers["if-match"]);
  const event = await ctx.services.events.update({
    mailbox, eventId: route.eventId, scope, rights, body: ctx.body, apiVersion: ctx.apiVersion, ...(ifMatch && { ifMatch }),
  });
  return {
    status: 200, headers: rendering.headers,
    body: { "@odata.context": entityContext(ctx, route), ...rendering.toWire(event) },
  };
}

export async function deleteEvent(ctx: GraphContext, route: EventRoute): Promise<GraphResponse> {
  const { mailbox, scope, rights } = await eventsFor(ctx, route.subject, route.scope, "calendars.write");
  const ifMatch = parseIfMatch(ctx.headers["if-match"]);
  await ctx.services.events.delete({ mailbox, eventId: route.eventId, scope, rights, ...(ifMatch && { ifMatch }) });
  return { status: 204 };
}
