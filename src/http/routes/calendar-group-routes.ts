import { CALENDAR_GROUP_PROPERTIES } from "../../graph/index.js";
import type { GraphRoute } from "../graph-path.js";
import { mailboxFor, type GraphContext, type GraphResponse } from "../graph-context.js";
import { calendarGroupToWire } from "../odata/serialize.js";
import { resolveSelect } from "../odata/select.js";
import { buildLink, metadataUrl, subjectContext, subjectPath } from "../odata/links.js";
import { listPaging, nextLinkQuery } from "./list-paging.js";

// Calendar groups (spec §4.3). see: https://learn.microsoft.com/graph/api/resources/calendargroup

type GroupsRoute = Extract<GraphRoute, { kind: "calendarGroups" }>;
type GroupRoute = Extract<GraphRoute, { kind: "calendarGroup" }>;

function entityContext(ctx: GraphContext, route: GroupsRoute | GroupRoute, select?: string[]): string {
  return metadataUrl(ctx.origin, ctx.apiVersion,
    `${subjectContext(route.subject)}/calendarGroups${select ? `(${select.join(",")})` : ""}/$entity`);
}

export async function listCalendarGroups(ctx: GraphContext, route: GroupsRoute): Promise<GraphResponse> {
  const mailbox = await mailboxFor(ctx, route.subject, "calendars.read");
  const select = resolveSelect(ctx.query.select, CALENDAR_GROUP_PROPERTIES, "calendarGroup");
  const paging = listPaging(ctx.query, "calendarGroups");
  const { groups, hasMore } = await ctx.services.groups.list({ mailbox, offset: paging.skip, limit: paging.top });
  const fragment = `${subjectContext(route.subject)}/calendarGroups${select ? `(${select.join(",")})` : ""}`;
  return {
    status: 200,
    body: {
      "@odata.context": metadataUrl(ctx.origin, ctx.apiVersion, fragment),
      value: groups.map((g) => calendarGroupToWire(g, select)),
      ...(hasMore && {
        "@odata.nextLink": buildLink(ctx.origin, ctx.apiVersion, `${subjectPath(route.subject)}/calendarGroups`, nextLinkQuery(ctx.query, paging)),
      }),
    },
  };
}

export async function getCalendarGroup(ctx: GraphContext, route: GroupRoute): Promise<GraphResponse> {
  const mailbox = await mailboxFor(ctx, route.subject, "calendars.read");
  const select = resolveSelect(ctx.query.select, CALENDAR_GROUP_PROPERTIES, "calendarGroup");
  const group = await ctx.services.groups.get({ mailbox, group: route.group });
  return { status: 200, body: { "@odata.context": entityContext(ctx, route, select), ...calendarGroupToWire(group, select) } };
}

export async function createCalendarGroup(ctx: GraphContext, route: GroupsRoute): Promise<GraphResponse> {
  const mailbox = await mailboxFor(ctx, route.subject, "calendars.write");
  const group = await ctx.services.groups.create({ mailbox, body: ctx.body });
  return {
    status: 201,
    headers: { location: `${ctx.origin}/${ctx.apiVersion}/users/${mailbox.id}/calendarGroups/${group.id}` },
    body: { "@odata.context": entityContext(ctx, route), ...calendarGroupToWire(group) },
  };
}

export async function updateCalendarGroup(ctx: GraphContext, route: GroupRoute): Promise<GraphResponse> {
  const mailbox = await mailboxFor(ctx, route.subject, "calendars.write");
  const group = await ctx.services.groups.update({ mailbox, group: route.group, body: ctx.body });
  return { status: 200, body: { "@odata.context": entityContext(ctx, route), ...calendarGroupToWire(group) } };
}

export async function deleteCalendarGroup(ctx: GraphContext, route: GroupRoute): Promise<GraphResponse> {
  const mailbox = await mailboxFor(ctx, route.subject, "calendars.write");
  await ctx.services.groups.delete({ mailbox, group: route.group });
  return { status: 204 };
}
