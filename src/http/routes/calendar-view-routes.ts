import { compareEvents, matchesEventFilter, type CalendarRights, type Event } from "../../domain/index.js";
import type { GraphRoute } from "../graph-path.js";
import { eventsFor, type GraphContext, type GraphResponse } from "../graph-context.js";
import { buildLink, metadataUrl, subjectPath } from "../odata/links.js";
import { JsonText } from "../odata/serialize.js";
import { parseEventFilter, parseEventOrderBy } from "../odata/event-filter.js";
import { pageSizePreference } from "../odata/prefer.js";
import { listPaging, nextLinkQuery } from "./list-paging.js";
import { eventRendering, parseWindow, queryView, scopeContext, scopePath, subjectScopePath } from "./event-response.js";

// calendarView (spec §2) and a series' instances (spec §1.1): a time window's single instances,
// occurrences and exceptions, expanded by the service and then filtered, ordered and paged here
// in memory (a window holds what one screen shows, not the mailbox).
// see: https://learn.microsoft.com/graph/api/user-list-calendarview
// see: https://learn.microsoft.com/graph/api/event-list-instances

type CalendarViewRoute = Extract<GraphRoute, { kind: "calendarView" }>;
type InstancesRoute = Extract<GraphRoute, { kind: "instances" }>;

export async function calendarView(ctx: GraphContext, route: CalendarViewRoute): Promise<GraphResponse> {
  const { mailbox, scope, rights } = await eventsFor(ctx, route.subject, route.scope, "calendars.read");
  const window = parseWindow(ctx);
  const events = await ctx.services.events.calendarView({ mailbox, scope, window });
  return windowPage(ctx, events, rights, {
    path: subjectScopePath(route.subject, route.scope, "calendarView"),
    context: scopeContext(route.subject, route.scope, "calendarView"),
    resource: "calendarView",
  });
}

export async function listInstances(ctx: GraphContext, route: InstancesRoute): Promise<GraphResponse> {
  const { mailbox, scope, rights } = await eventsFor(ctx, route.subject, route.scope, "calendars.read");
  const window = parseWindow(ctx);
  const events = await ctx.services.events.instances({ mailbox, eventId: route.eventId, scope, rights, window });
  const id = encodeURIComponent(route.eventId);
  return windowPage(ctx, events, rights, {
    path: `${subjectPath(route.subject)}/${scopePath(route.scope, "events")}/${id}/instances`,
    context: `${scopeContext(route.subject, route.scope, "events")}('${id}')/instances`,
    resource: "instances",
  });
}

/** $filter, $orderby (default: start, then id), $select, and $top/$skip or Prefer: odata.maxpagesize paging. */
function windowPage(
  ctx: GraphContext, events: readonly Event[], rights: CalendarRights | undefined, where: { path: string; context: string; resource: string },
): GraphResponse {
  const rendering = eventRendering(ctx, { rights });
  const filter = parseEventFilter(ctx.query.filter);
  const orderBy = parseEventOrderBy(ctx.query.orderby);
  const preferred = pageSizePreference(ctx.headers.prefer);
  const paging = listPaging(ctx.query, where.resource, {
    allow: ["filter", "orderby"], ...(preferred.applied && { defaultTop: preferred.size }),
  });
  // The service answers in the default order (start, then id): without $filter and $orderby a
  // page is a slice, and only its events are rendered.
  let chosen = events;
  if (filter.length > 0 || orderBy.length > 0) {
    const order = compareEvents(orderBy);
    chosen = events
      .map((event) => ({ event, view: queryView(event, rights) }))
      .filter(({ view }) => matchesEventFilter(view, filter))
      .sort((a, b) => order(a.view, b.view))
      .map(({ event }) => event);
  }
  const page = chosen.slice(paging.skip, paging.skip + paging.top);
  const select = rendering.select;
  const fragment = `${where.context}${select ? `(${select.join(",")})` : ""}`;
  const members: [string, string][] = [["@odata.context", JSON.stringify(metadataUrl(ctx.origin, ctx.apiVersion, fragment))]];
  if (paging.count) members.push(["@odata.count", JSON.stringify(chosen.length)]);
  members.push(["value", `[${page.map((event) => rendering.toJson(event)).join(",")}]`]);
  if (paging.skip + paging.top < chosen.length) {
    members.push(["@odata.nextLink", JSON.stringify(buildLink(ctx.origin, ctx.apiVersion, where.path, nextLinkQuery(ctx.query, paging)))]);
  }
  const headers = { ...rendering.headers };
  if (preferred.applied) {
    headers["preference-applied"] = [headers["preference-applied"], `odata.maxpagesize=${preferred.size}`].filter(Boolean).join(", ");
  }
  return { status: 200, headers, body: JsonText.object(members) };
}
