import type { GraphRoute } from "./graph-path.js";
import type { GraphContext, GraphResponse } from "./graph-context.js";
import type { DeltaTokenCodec } from "./odata/delta-token.js";
import { createCalendar, deleteCalendar, getCalendar, listCalendars, updateCalendar } from "./routes/calendar-routes.js";
import {
  createCalendarGroup, deleteCalendarGroup, getCalendarGroup, listCalendarGroups, updateCalendarGroup,
} from "./routes/calendar-group-routes.js";
import { getUser, listUsers } from "./routes/user-routes.js";
import { createEvent, deleteEvent, getEvent, listEvents, updateEvent } from "./routes/event-routes.js";
import { calendarView, listInstances } from "./routes/calendar-view-routes.js";
import { calendarViewDelta } from "./routes/event-delta-routes.js";
import { eventsDelta } from "./routes/events-delta-routes.js";
import { calendarDelta } from "./routes/delta-routes.js";
import {
  createCalendarPermission, deleteCalendarPermission, getCalendarPermission, listCalendarPermissions, updateCalendarPermission,
} from "./routes/calendar-permission-routes.js";
import {
  createSubscription, deleteSubscription, getSubscription, listSubscriptions, reauthorizeSubscription, updateSubscription,
} from "./routes/subscription-routes.js";

/** Route kind × method → handler. Methods are pre-checked against ALLOWED_METHODS. */
export function dispatch(ctx: GraphContext, route: GraphRoute, codec: DeltaTokenCodec): Promise<GraphResponse> {
  const m = ctx.method;
  switch (route.kind) {
    case "users": return listUsers(ctx);
    case "user": return getUser(ctx, route);
    case "calendars": return m === "POST" ? createCalendar(ctx, route) : listCalendars(ctx, route);
    case "calendar":
      return m === "PATCH" ? updateCalendar(ctx, route) : m === "DELETE" ? deleteCalendar(ctx, route) : getCalendar(ctx, route);
    case "permanentDelete": return deleteCalendar(ctx, route);
    case "delta": return calendarDelta(ctx, route, codec);
    case "calendarPermissions": return m === "POST" ? createCalendarPermission(ctx, route) : listCalendarPermissions(ctx, route);
    case "calendarPermission":
      return m === "PATCH" ? updateCalendarPermission(ctx, route) : m === "DELETE" ? deleteCalendarPermission(ctx, route) : getCalendarPermission(ctx, route);
    case "calendarGroups": return m === "POST" ? createCalendarGroup(ctx, route) : listCalendarGroups(ctx, route);
    case "calendarGroup":
      return m === "PATCH" ? updateCalendarGroup(ctx, route) : m === "DELETE" ? deleteCalendarGroup(ctx, route) : getCalendarGroup(ctx, route);
    case "events": return m === "POST" ? createEvent(ctx, route) : listEvents(ctx, route);
    case "event": return m === "PATCH" ? updateEvent(ctx, route) : m === "DELETE" ? deleteEvent(ctx, route) : getEvent(ctx, route);
    case "instances": return listInstances(ctx, route);
    case "calendarView": return calendarView(ctx, route);
    case "calendarViewDelta": return calendarViewDelta(ctx, route, codec);
    case "eventsDelta": return eventsDelta(ctx, route, codec);
    case "subscriptions": return m === "POST" ? createSubscription(ctx) : listSubscriptions(ctx);
    case "subscription":
      return m === "PATCH" ? updateSubscription(ctx, route) : m === "DELETE" ? deleteSubscription(ctx, route) : getSubscription(ctx, route);
    case "subscriptionReauthorize": return reauthorizeSubscription(ctx, route);
  }
}
