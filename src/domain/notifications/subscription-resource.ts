import { SubscriptionError } from "../errors.js";
import type { UserRef } from "../access/mailbox-access.js";

// The `resource` of a subscription (spec §4.1): a path relative to the API version, without the
// base URL. Outlook documents `me/events` and `users/{id}/events`; graphcal also takes the event
// collections of one calendar (`me/calendar/events`, `me/calendars/{id}/events`), and, with Graph
// extensions on, `me/calendars` (the calendar list, from the calendar change log). Segments match
// case-insensitively, as Graph's paths do; `me/…` may also be written `users/{id | upn}/…`.
// see: https://learn.microsoft.com/graph/api/subscription-post-subscriptions

export type ResourceScope =
  | { kind: "events"; calendar: "all" | "default" | { calendarId: string } }
  | { kind: "calendars" };

export interface ParsedResource {
  user: UserRef;
  scope: ResourceScope;
}

const unsupported = (resource: string): SubscriptionError =>
  new SubscriptionError(`The resource '${resource}' is not supported for change notifications.`, "invalidRequest");

export function parseSubscriptionResource(resource: string, options: { graphExtensions: boolean }): ParsedResource {
  const text = resource.trim();
  if (/^https?:\/\//i.test(text)) {
    throw new SubscriptionError("The resource must be relative to the API version (e.g. 'me/events'), without the base URL.", "invalidRequest");
  }
  // $filter and $select refine an Outlook subscription (spec §4.1); graphcal notifies whole collections only.
  if (text.includes("?")) {
    throw new SubscriptionError(`Query options on the resource are not supported by graphcal: '${resource}'.`, "invalidRequest");
  }
  const segments = text.replace(/^\/+/, "").replace(/\/+$/, "").split("/").map(decodeSegment);
  const lower = segments.map((s) => s.toLowerCase());
  let user: UserRef;
  let i: number;
  if (lower[0] === "me") {
    user = { me: true };
    i = 1;
  } else if (lower[0] === "users" && segments.length > 1 && segments[1] !== "") {
    user = { id: segments[1] as string };
    i = 2;
  } else {
    throw unsupported(resource);
  }
  const rest = lower.slice(i);
  if (rest.length === 1 && rest[0] === "events") return { user, scope: { kind: "events", calendar: "all" } };
  if (rest.length === 2 && rest[0] === "calendar" && rest[1] === "events") return { user, scope: { kind: "events", calendar: "default" } };
  if (rest.length === 3 && rest[0] === "calendars" && rest[2] === "events" && segments[i + 1] !== "") {
    return { user, scope: { kind: "events", calendar: { calendarId: segments[i + 1] as string } } };
  }
  if (rest.length === 1 && rest[0] === "calendars" && options.graphExtensions) return { user, scope: { kind: "calendars" } };
  throw unsupported(resource);
}

/** A segment as the client meant it; a bad %-escape stays as written (and then matches nothing). */
function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
