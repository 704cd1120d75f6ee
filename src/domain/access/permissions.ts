import { AccessDeniedError, DelegatedOnlyError } from "../errors.js";
import type { Principal } from "./principal.js";

// Graph's permission scopes for the calendar surface (spec §3.2–3.4).
// see: https://learn.microsoft.com/graph/permissions-reference

/** What a request does to a mailbox's calendars. */
export type MailboxOperation = "calendars.read" | "calendars.write";
export type Operation = MailboxOperation | "user.read";

/** The app role for the emulator's own admin controls under /_graphcal (not a Graph permission). */
export const ADMIN_ROLE = "Graphcal.Admin";

const DELEGATED_OWN: Record<Operation, readonly string[]> = {
  "calendars.read": [
    "Calendars.ReadBasic", "Calendars.Read", "Calendars.ReadWrite",
    "Calendars.Read.Shared", "Calendars.ReadWrite.Shared",
  ],
  "calendars.write": ["Calendars.ReadWrite", "Calendars.ReadWrite.Shared"],
  "user.read": [
    "User.Read", "User.ReadWrite", "User.ReadBasic.All", "User.Read.All", "User.ReadWrite.All",
    "Directory.Read.All", "Directory.ReadWrite.All",
  ],
};

/** Reading another user's directory entry needs a tenant-wide user scope. */
const DELEGATED_OTHER_USER: readonly string[] = [
  "User.ReadBasic.All", "User.Read.All", "User.ReadWrite.All", "Directory.Read.All", "Directory.ReadWrite.All",
];

const APPLICATION: Record<Operation, readonly string[]> = {
  "calendars.read": ["Calendars.ReadBasic", "Calendars.ReadBasic.All", "Calendars.Read", "Calendars.ReadWrite"],
  "calendars.write": ["Calendars.ReadWrite"],
  "user.read": ["User.ReadBasic.All", "User.Read.All", "User.ReadWrite.All", "Directory.Read.All", "Directory.ReadWrite.All"],
};

const DELEGATED_SHARED: Record<MailboxOperation, readonly string[]> = {
  "calendars.read": ["Calendars.Read.Shared", "Calendars.ReadWrite.Shared"],
  "calendars.write": ["Calendars.ReadWrite.Shared"],
};

function hasAny(granted: ReadonlySet<string>, needed: readonly string[]): boolean {
  return needed.some((p) => granted.has(p));
}

/** The mailbox `/me` stands for; an app-only token has none. */
export function meOf(principal: Principal): string {
  if (principal.kind !== "delegated") throw new DelegatedOnlyError();
  return principal.userId;
}

/** What the target mailbox's owner shared with the caller (their default calendar's share). */
export interface SharedAccess {
  read: boolean;
  write: boolean;
}

/**
 * May `principal` perform `operation` on the mailbox/user `target` (a user id in `tenantId`)?
 * Delegated callers reach their own mailbox with any sufficient scope, and another user's
 * calendars only with a `.Shared` scope and a share from that user (decision 21). App tokens
 * reach every mailbox of their tenant.
 */
export function authorize(args: {
  principal: Principal;
  operation: Operation;
  target: { userId: string; tenantId: string };
  shared?: SharedAccess | undefined;
}): void {
  const { principal, operation, target, shared } = args;
  if (principal.tenantId !== target.tenantId) throw new AccessDeniedError();
  if (principal.kind === "app") {
    if (!hasAny(principal.roles, APPLICATION[operation])) throw new AccessDeniedError();
    return;
  }
  const own = principal.userId === target.userId;
  if (operation === "user.read" && !own) {
    if (!hasAny(principal.scopes, DELEGATED_OTHER_USER)) throw new AccessDeniedError();
    return;
  }
  if (!own) {
    if (operation === "user.read") throw new AccessDeniedError();
    const allowed = operation === "calendars.read" ? shared?.read : shared?.write;
    if (!allowed || !hasAny(principal.scopes, DELEGATED_SHARED[operation])) throw new AccessDeniedError();
    return;
  }
  if (!hasAny(principal.scopes, DELEGATED_OWN[operation])) throw new AccessDeniedError();
}

/** Listing users needs a tenant-wide directory permission, delegated or application. */
export function authorizeUserList(principal: Principal): void {
  const granted = principal.kind === "app" ? principal.roles : principal.scopes;
  if (!hasAny(granted, principal.kind === "app" ? APPLICATION["user.read"] : DELEGATED_OTHER_USER)) {
    throw new AccessDeniedError();
  }
}

// Change notifications on calendars need Calendars.Read or more, delegated or application; the
// `.Shared` scopes and ReadBasic do not subscribe (spec §4.1).
// see: https://learn.microsoft.com/graph/api/subscription-post-subscriptions#permissions
const SUBSCRIBE = ["Calendars.Read", "Calendars.ReadWrite"];

/**
 * May `principal` subscribe to changes of the mailbox `target`? Delegated callers only to their
 * own mailbox, whatever was shared with them; apps to every mailbox of their tenant.
 */
export function authorizeSubscription(args: { principal: Principal; target: { userId: string; tenantId: string } }): void {
  const { principal, target } = args;
  if (principal.tenantId !== target.tenantId) throw new AccessDeniedError();
  if (principal.kind === "delegated" && principal.userId !== target.userId) throw new AccessDeniedError();
  if (!hasAny(principal.kind === "app" ? principal.roles : principal.scopes, SUBSCRIBE)) throw new AccessDeniedError();
}

/** The /_graphcal admin controls take an app token carrying ADMIN_ROLE; users never reach them. */
export function authorizeAdmin(principal: Principal): void {
  if (principal.kind !== "app" || !principal.roles.has(ADMIN_ROLE)) throw new AccessDeniedError();
}

// Calendars.ReadBasic reads events without their body, attendees and location (spec §1, issue 9).
// see: https://learn.microsoft.com/graph/permissions-reference#calendarsreadbasic
const EVENT_DETAILS_DELEGATED = ["Calendars.Read", "Calendars.ReadWrite", "Calendars.Read.Shared", "Calendars.ReadWrite.Shared"];
const EVENT_DETAILS_APPLICATION = ["Calendars.Read", "Calendars.ReadWrite"];

/** Whether the caller sees events in full, or (Calendars.ReadBasic alone) without their details. */
export function readsEventDetails(principal: Principal): boolean {
  return principal.kind === "app"
    ? hasAny(principal.roles, EVENT_DETAILS_APPLICATION)
    : hasAny(principal.scopes, EVENT_DETAILS_DELEGATED);
}

/** The event properties Calendars.ReadBasic does not show. */
export const EVENT_DETAIL_PROPERTIES: readonly string[] = ["body", "bodyPreview", "attendees", "location", "locations", "onlineMeeting"];
