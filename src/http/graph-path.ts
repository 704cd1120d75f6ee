import type { CalendarTarget, EventScope, GroupTarget } from "../domain/index.js";
import type { Subject } from "./odata/links.js";
import { UnknownSegmentError } from "./edge-errors.js";

// Resolves the path after /{version}/ into one of the resources we serve. Graph matches
// segments case-insensitively and answers 400 naming the first segment it could not resolve.

export type GraphRoute =
  | { kind: "users" }
  | { kind: "user"; subject: Subject }
  | { kind: "calendars"; subject: Subject; group?: GroupTarget }
  | { kind: "calendar"; subject: Subject; target: CalendarTarget; group?: GroupTarget }
  | { kind: "permanentDelete"; subject: Subject; target: CalendarTarget; group?: GroupTarget }
  | { kind: "delta"; subject: Subject }
  | { kind: "calendarPermissions"; subject: Subject; target: CalendarTarget }
  | { kind: "calendarPermission"; subject: Subject; target: CalendarTarget; permissionId: string }
  | { kind: "calendarGroups"; subject: Subject }
  | { kind: "calendarGroup"; subject: Subject; group: GroupTarget }
  | { kind: "events"; subject: Subject; scope: EventScope }
  | { kind: "event"; subject: Subject; scope: EventScope; eventId: string }
  | { kind: "instances"; subject: Subject; scope: EventScope; eventId: string }
  | { kind: "calendarView"; subject: Subject; scope: EventScope }
  | { kind: "calendarViewDelta"; subject: Subject; scope: EventScope }
  | { kind: "eventsDelta"; subject: Subject; scope: EventScope }
  | { kind: "subscriptions" }
  | { kind: "subscription"; subscriptionId: string }
  | { kind: "subscriptionReauthorize"; subscriptionId: string };

export const ALLOWED_METHODS: Record<GraphRoute["kind"], readonly string[]> = {
  users: ["GET"],
  user: ["GET"],
  calendars: ["GET", "POST"],
  calendar: ["GET", "PATCH", "DELETE"],
  permanentDelete: ["POST"],
  delta: ["GET"],
  calendarPermissions: ["GET", "POST"],
  calendarPermission: ["GET", "PATCH", "DELETE"],
  calendarGroups: ["GET", "POST"],
  calendarGroup: ["GET", "PATCH", "DELETE"],
  events: ["GET", "POST"],
  event: ["GET", "PATCH", "DELETE"],
  instances: ["GET"],
  calendarView: ["GET"],
  calendarViewDelta: ["GET"],
  eventsDelta: ["GET"],
  subscriptions: ["GET", "POST"],
  subscription: ["GET", "PATCH", "DELETE"],
  subscriptionReauthorize: ["POST"],
};

const DELTA = new Set(["delta", "microsoft.graph.delta"]);
const PERMANENT_DELETE = new Set(["permanentdelete", "microsoft.graph.permanentdelete"]);
const REAUTHORIZE = new Set(["reauthorize", "microsoft.graph.reauthorize"]);

/** Splits OData key syntax (`calendars('id')`) and function calls (`delta()`) into plain segments. */
function normalize(segments: string[]): string[] {
  const out: string[] = [];
  for (const segment of segments) {
    const m = /^([A-Za-z][A-Za-z.]*)\((.*)\)$/.exec(segment);
    if (!m) {
      out.push(segment);
      continue;
    }
    out.push(m[1] as string);
    const key = (m[2] as string).replace(/^'(.*)'$/, "$1");
    if (key !== "") out.push(key);
  }
  return out;
}

export function resolveGraphPath(rawSegments: string[]): GraphRoute {
  const segs = normalize(rawSegments);
  const at = (i: number) => segs[i] ?? "";
  const lower = (i: number) => at(i).toLowerCase();
  const fail = (i: number): never => {
    throw new UnknownSegmentError(at(i));
  };

  // /subscriptions, /subscriptions/{id}, /subscriptions/{id}/reauthorize (change notifications).
  if (lower(0) === "subscriptions") {
    if (segs.length === 1) return { kind: "subscriptions" };
    if (at(1) === "") return fail(1);
    if (segs.length === 2) return { kind: "subscription", subscriptionId: at(1) };
    if (segs.length === 3 && REAUTHORIZE.has(lower(2))) return { kind: "subscriptionReauthorize", subscriptionId: at(1) };
    return fail(2);
  }

  let subject: Subject;
  let i: number;
  if (lower(0) === "me") {
    subject = { me: true };
    i = 1;
  } else if (lower(0) === "users") {
    if (segs.length === 1) return { kind: "users" };
    if (at(1) === "") fail(1);
    // Kiota emits /users/TokenToReplace/… for /me and relies on a middleware to rewrite it.
    subject = lower(1) === "tokentoreplace" ? { me: true } : { user: at(1) };
    i = 2;
  } else {
    return fail(0);
  }

  const rest = segs.length - i;
  if (rest === 0) return { kind: "user", subject };
  const head = lower(i);

  // …/events and …/calendarView of the mailbox: every calendar (POST and calendarView: the default one).
  if (EVENT_HEADS.has(head)) return eventsTail(subject, segs, i, {}, fail);

  // …/calendar/{permanentDelete}
  if (head === "calendar") {
    if (rest === 1) return { kind: "calendar", subject, target: { defaultCalendar: true } };
    if (rest === 2 && PERMANENT_DELETE.has(lower(i + 1))) return { kind: "permanentDelete", subject, target: { defaultCalendar: true } };
    if (EVENT_HEADS.has(lower(i + 1))) return eventsTail(subject, segs, i + 1, { calendar: { defaultCalendar: true } }, fail);
    return permissionsTail(subject, segs, i + 1, { defaultCalendar: true }, fail);
  }

  if (head === "calendars") {
    return calendarsTail(subject, segs, i + 1, undefined, fail);
  }

  if (head === "calendargroup") {
    if (lower(i + 1) !== "calendars") return fail(i + 1);
    return calendarsTail(subject, segs, i + 2, { defaultGroup: true }, fail);
  }

  if (head === "calendargroups") {
    if (rest === 1) return { kind: "calendarGroups", subject };
    if (at(i + 1) === "") return fail(i + 1);
    const group: GroupTarget = { groupId: at(i + 1) };
    if (rest === 2) return { kind: "calendarGroup", subject, group };
    if (lower(i + 2) !== "calendars") return fail(i + 2);
    return calendarsTail(subject, segs, i + 3, group, fail);
  }
  return fail(i);
}

/** What may follow a `calendars` segment: nothing, `delta`, or an id with an optional action. */
function calendarsTail(subject: Subject, segs: string[], i: number, group: GroupTarget | undefined, fail: (i: number) => never): GraphRoute {
  const rest = segs.length - i;
  const withGroup = group ? { group } : {};
  if (rest === 0) return { kind: "calendars", subject, ...withGroup };
  const next = segs[i] as string;
  if (next === "") return fail(i);
  if (DELTA.has(next.toLowerCase())) {
    // calendarGroups/{id}/calendars is not change-tracked in Graph (spec §4.3).
    if (group || rest > 1) return fail(group ? i : i + 1);
    return { kind: "delta", subject };
  }
  const target: CalendarTarget = { calendarId: next };
  if (rest === 1) return { kind: "calendar", subject, target, ...withGroup };
  if (rest === 2 && PERMANENT_DELETE.has((segs[i + 1] as string).toLowerCase())) {
    return { kind: "permanentDelete", subject, target, ...withGroup };
  }
  if (EVENT_HEADS.has((segs[i + 1] as string).toLowerCase())) return eventsTail(subject, segs, i + 1, { calendar: target, ...withGroup }, fail);
  if (group) return fail(i + 1);
  return permissionsTail(subject, segs, i + 1, target, fail);
}

const EVENT_HEADS = new Set(["events", "calendarview"]);

/** `events`, `events/delta`, `events/{id}`, `events/{id}/instances` or `calendarView(/delta)`, at segment i. */
function eventsTail(subject: Subject, segs: string[], i: number, scope: EventScope, fail: (i: number) => never): GraphRoute {
  const rest = segs.length - i;
  if ((segs[i] as string).toLowerCase() === "calendarview") {
    if (rest === 1) return { kind: "calendarView", subject, scope };
    if (rest === 2 && DELTA.has((segs[i + 1] as string).toLowerCase())) return { kind: "calendarViewDelta", subject, scope };
    return fail(i + 1);
  }
  if (rest === 1) return { kind: "events", subject, scope };
  // events/delta (beta; v1.0 refuses it in the handler, as Graph does). An event whose id is
  // literally "delta" cannot exist: ids are generated.
  if (rest === 2 && DELTA.has((segs[i + 1] as string).toLowerCase())) return { kind: "eventsDelta", subject, scope };
  const eventId = segs[i + 1] as string;
  if (eventId === "") return fail(i + 1);
  if (rest === 2) return { kind: "event", subject, scope, eventId };
  if (rest === 3 && (segs[i + 2] as string).toLowerCase() === "instances") return { kind: "instances", subject, scope, eventId };
  return fail(i + 2);
}

/** `calendarPermissions` and `calendarPermissions/{id}` after a calendar. */
function permissionsTail(subject: Subject, segs: string[], i: number, target: CalendarTarget, fail: (i: number) => never): GraphRoute {
  if ((segs[i] ?? "").toLowerCase() !== "calendarpermissions") return fail(i);
  const rest = segs.length - i;
  if (rest === 1) return { kind: "calendarPermissions", subject, target };
  if (rest === 2 && segs[i + 1] !== "") return { kind: "calendarPermission", subject, target, permissionId: segs[i + 1] as string };
  return fail(i + 1);
}
