import {
  CALENDAR_GROUP_PROPERTIES, CALENDAR_PROPERTIES, USER_PROPERTIES, type ApiVersion,
} from "../../graph/index.js";
import type { Calendar, CalendarGroup, Mailbox } from "../../domain/index.js";

// Domain objects to Graph JSON: the version's property set in Graph's order, or a $select of it.

function project(source: Record<string, unknown>, properties: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const p of properties) out[p] = source[p];
  return out;
}

export function calendarToWire(calendar: Calendar, apiVersion: ApiVersion, select?: readonly string[]): Record<string, unknown> {
  return project(calendar as unknown as Record<string, unknown>, select ?? CALENDAR_PROPERTIES[apiVersion]);
}

export function calendarGroupToWire(group: CalendarGroup, select?: readonly string[]): Record<string, unknown> {
  return project(group as unknown as Record<string, unknown>, select ?? CALENDAR_GROUP_PROPERTIES);
}

export function userToWire(user: Mailbox, select?: readonly string[]): Record<string, unknown> {
  return project(user as unknown as Record<string, unknown>, select ?? USER_PROPERTIES);
}
