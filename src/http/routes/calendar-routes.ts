import { CALENDAR_PROPERTIES } from "../../graph/index.js";
import { ValidationError } from "../../domain/index.js";
import type { GraphRoute } from "../graph-path.js";
import { calendarFor, calendarsFor, mailboxFor, type GraphContext, type GraphResponse } from "../graph-context.js";
import { calendarJson, calendarToWire, JsonText } from "../odata/serialize.js";
import { resolveSelect } from "../odata/select.js";
import { buildLink, metadataUrl, subjectContext, subjectPath } from "../odata/links.js";
import { listPaging, nextLinkQuery } from "./list-paging.js";

// Calendars of a mailbox: spec §4.2 (L1/L2 list, G1/G2 get, C1/C2 create, U1 update, D1 delete,
// P1 permanentDelete). see: https://learn.microsoft.com/graph/api/resources/calendar

type CalendarsRoute = Extract<GraphRoute, { kind: "calendars" }>;
type CalendarRoute = Extract<GraphRoute, { kind: "calendar" | "permanentDelete" }>;

function collectionPath(route: CalendarsRoute | CalendarRoute): string {
  const group = route.group === undefined ? "" : "defaultGroup" in route.group ? "calendarGroup/" : `calendarGroups/${route.group.groupId}/`;
  return `${group}calendars`;
}

/** The same collection as @odata.context names it: key syntax for the group, as Graph's examples show. */
function collectionContext(route: CalendarsRoute | CalendarRoute): string {
  if (route.group === undefined || "defaultGroup" in route.group) return collectionPath(route);
  return `calendarGroups('${encodeURIComponent(route.group.groupId)}')/calendars`;
}

export async function listCalendars(ctx: GraphContext, route: CalendarsRoute): Promise<GraphResponse> {
  const { mailbox, shared } = await calendarsFor(ctx, route.subject);
  const select = resolveSelect(ctx.query.select, CALENDAR_PROPERTIES[ctx.apiVersion], "calendar");
  const paging = listPaging(ctx.query, "calendars");
  const { calendars, hasMore } = await ctx.services.calendars.list({
    mailbox, offset: paging.skip, limit: paging.top, ...(route.group && { group: route.group }), ...(shared && { shared }),
  });
  const path = `${subjectPath(route.subject)}/${collectionPath(route)}`;
  const fragment = `${subjectContext(route.subject)}/${collectionContext(route)}${select ? `(${select.join(",")})` : ""}`;
  const count = paging.count
    ? await ctx.services.calendars.count({ mailbox, ...(route.group && { group: route.group }), ...(shared && { shared }) })
    : undefined;
  // Assembled from each calendar's memoised JSON: pages come from the list cache, frozen.
  const members: [string, string][] = [["@odata.context", JSON.stringify(metadataUrl(ctx.origin, ctx.apiVersion, fragment))]];
  if (count !== undefined) members.push(["@odata.count", JSON.stringify(count)]);
  members.push(["value", `[${calendars.map((c) => calendarJson(c, ctx.apiVersion, select)).join(",")}]`]);
  if (hasMore) members.push(["@odata.nextLink", JSON.stringify(buildLink(ctx.origin, ctx.apiVersion, path, nextLinkQuery(ctx.query, paging)))]);
  return { status: 200, body: JsonText.object(members) };
}

function entityContext(ctx: GraphContext, route: CalendarRoute | CalendarsRoute, select?: string[]): string {
  const base = "target" in route && "defaultCalendar" in route.target ? "calendar" : collectionContext(route);
  const suffix = select ? `(${select.join(",")})/$entity` : "/$entity";
  return metadataUrl(ctx.origin, ctx.apiVersion, `${subjectContext(route.subject)}/${base}${suffix}`);
}

export async function getCalendar(ctx: GraphContext, route: Extract<GraphRoute, { kind: "calendar" }>): Promise<GraphResponse> {
  const { mailbox, rights } = await calendarFor(ctx, route.subject, route.target);
  const select = resolveSelect(ctx.query.select, CALENDAR_PROPERTIES[ctx.apiVersion], "calendar");
  const calendar = await ctx.services.calendars.get({
    mailbox, target: route.target, ...(route.group && { group: route.group }), ...(rights && { rights }),
  });
  return {
    status: 200,
    body: { "@odata.context": entityContext(ctx, route, select), ...calendarToWire(calendar, ctx.apiVersion, select) },
  };
}

export async function createCalendar(ctx: GraphContext, route: CalendarsRoute): Promise<GraphResponse> {
  const mailbox = await mailboxFor(ctx, route.subject, "calendars.write");
  const calendar = await ctx.services.calendars.create({
    mailbox, body: ctx.body, apiVersion: ctx.apiVersion, ...(route.group && { group: route.group }),
  });
  return {
    status: 201,
    headers: { location: `${ctx.origin}/${ctx.apiVersion}/users/${mailbox.id}/calendars/${calendar.id}` },
    body: { "@odata.context": entityContext(ctx, route), ...calendarToWire(calendar, ctx.apiVersion) },
  };
}

export async function updateCalendar(ctx: GraphContext, route: Extract<GraphRoute, { kind: "calendar" }>): Promise<GraphResponse> {
  const mailbox = await mailboxFor(ctx, route.subject, "calendars.write");
  const calendar = await ctx.services.calendars.update({
    mailbox, target: route.target, body: ctx.body, apiVersion: ctx.apiVersion, ...(route.group && { group: route.group }),
  });
  return {
    status: 200,
    body: { "@odata.context": entityContext(ctx, route), ...calendarToWire(calendar, ctx.apiVersion) },
  };
}

/** DELETE and POST …/permanentDelete both remove the calendar and leave the same tombstone (decision 17). */
export async function deleteCalendar(ctx: GraphContext, route: CalendarRoute): Promise<GraphResponse> {
  if (route.kind === "permanentDelete" && ctx.body !== undefined && ctx.body !== null && Object.keys(ctx.body as object).length > 0) {
    throw new ValidationError("permanentDelete takes no request body.", "badRequest");
  }
  const mailbox = await mailboxFor(ctx, route.subject, "calendars.write");
  await ctx.services.calendars.delete({ mailbox, target: route.target, ...(route.group && { group: route.group }) });
  return { status: 204 };
}
