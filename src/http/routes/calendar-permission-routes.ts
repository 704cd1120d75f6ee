import type { CalendarPermission, Mailbox } from "../../domain/index.js";
import type { GraphRoute } from "../graph-path.js";
import { userOf, type GraphContext, type GraphResponse } from "../graph-context.js";
import { metadataUrl, subjectContext, subjectPath } from "../odata/links.js";

// Sharing a calendar: /{u}/calendar/calendarPermissions and /{u}/calendars/{id}/calendarPermissions.
// Only the owner manages shares. see: https://learn.microsoft.com/graph/api/resources/calendarpermission

type ListRoute = Extract<GraphRoute, { kind: "calendarPermissions" }>;
type ItemRoute = Extract<GraphRoute, { kind: "calendarPermission" }>;

function toWire(p: CalendarPermission): Record<string, unknown> {
  return {
    id: p.id, emailAddress: p.emailAddress, isRemovable: p.isRemovable,
    isInsideOrganization: p.isInsideOrganization, role: p.role, allowedRoles: p.allowedRoles,
  };
}

function calendarPath(route: ListRoute | ItemRoute): string {
  return "defaultCalendar" in route.target ? "calendar" : `calendars('${route.target.calendarId}')`;
}

function context(ctx: GraphContext, route: ListRoute | ItemRoute, entity: boolean): string {
  return metadataUrl(ctx.origin, ctx.apiVersion, `${subjectContext(route.subject)}/${calendarPath(route)}/calendarPermissions${entity ? "/$entity" : ""}`);
}

/** Shares are managed by the mailbox's owner (or an app), never by a grantee. */
function ownerMailbox(ctx: GraphContext, route: ListRoute | ItemRoute, operation: "calendars.read" | "calendars.write"): Promise<Mailbox> {
  return ctx.services.access.sharingMailbox({ principal: ctx.principal, user: userOf(route.subject), operation });
}

export async function listCalendarPermissions(ctx: GraphContext, route: ListRoute): Promise<GraphResponse> {
  const mailbox = await ownerMailbox(ctx, route, "calendars.read");
  const permissions = await ctx.services.permissions.list({ mailbox, target: route.target });
  return { status: 200, body: { "@odata.context": context(ctx, route, false), value: permissions.map(toWire) } };
}

export async function createCalendarPermission(ctx: GraphContext, route: ListRoute): Promise<GraphResponse> {
  const mailbox = await ownerMailbox(ctx, route, "calendars.write");
  const permission = await ctx.services.permissions.create({ mailbox, target: route.target, body: ctx.body });
  const location = `${ctx.origin}/${ctx.apiVersion}/${subjectPath(route.subject)}/${"defaultCalendar" in route.target ? "calendar" : `calendars/${route.target.calendarId}`}/calendarPermissions/${permission.id}`;
  return { status: 201, headers: { location }, body: { "@odata.context": context(ctx, route, true), ...toWire(permission) } };
}

export async function getCalendarPermission(ctx: GraphContext, route: ItemRoute): Promise<GraphResponse> {
  const mailbox = await ownerMailbox(ctx, route, "calendars.read");
  const permission = await ctx.services.permissions.get({ mailbox, target: route.target, permissionId: route.permissionId });
  return { status: 200, body: { "@odata.context": context(ctx, route, true), ...toWire(permission) } };
}

export async function updateCalendarPermission(ctx: GraphContext, route: ItemRoute): Promise<GraphResponse> {
  const mailbox = await ownerMailbox(ctx, route, "calendars.write");
  const permission = await ctx.services.permissions.update({ mailbox, target: route.target, permissionId: route.permissionId, body: ctx.body });
  return { status: 200, body: { "@odata.context": context(ctx, route, true), ...toWire(permission) } };
}

export async function deleteCalendarPermission(ctx: GraphContext, route: ItemRoute): Promise<GraphResponse> {
  const mailbox = await ownerMailbox(ctx, route, "calendars.write");
  await ctx.services.permissions.delete({ mailbox, target: route.target, permissionId: route.permissionId });
  return { status: 204 };
}
