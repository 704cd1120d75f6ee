// The permission matrix of spec §3.3–3.4, written once for every suite that checks it: the
// domain's unit tests (src/domain/access/) and the API tests (test/api/auth.test.ts).
// see: https://learn.microsoft.com/graph/permissions-reference

/** What a grant allows on a mailbox's calendars. */
export interface Allows {
  read: boolean;
  write: boolean;
}

export interface DelegatedScopeCase {
  scope: string;
  /** On the caller's own mailbox (`/me`, or `/users/{own id | upn}`). */
  own: Allows;
  /**
   * On another user's calendar that its owner shared with the caller in a role that allows the
   * operation (`read` for reads, `write` for event writes; see SHARE_ROLES). A share opens that
   * calendar and its events only (ADR 0011); without one, another user's mailbox is never
   * reachable with any scope.
   */
  shared: Allows;
}

/** Delegated scopes (`scp`), least privileged first, plus scopes that grant nothing here. */
export const DELEGATED_SCOPES: readonly DelegatedScopeCase[] = [
  { scope: "Calendars.ReadBasic", own: { read: true, write: false }, shared: { read: false, write: false } },
  { scope: "Calendars.Read", own: { read: true, write: false }, shared: { read: false, write: false } },
  { scope: "Calendars.Read.Shared", own: { read: true, write: false }, shared: { read: true, write: false } },
  { scope: "Calendars.ReadWrite", own: { read: true, write: true }, shared: { read: false, write: false } },
  { scope: "Calendars.ReadWrite.Shared", own: { read: true, write: true }, shared: { read: true, write: true } },
  { scope: "User.Read", own: { read: false, write: false }, shared: { read: false, write: false } },
  { scope: "Mail.ReadWrite", own: { read: false, write: false }, shared: { read: false, write: false } },
];

export interface AppRoleCase {
  role: string;
  /** On every mailbox of the app's tenant; other tenants' mailboxes do not exist for it. */
  any: Allows;
}

/** Application roles (`roles`); Calendars.ReadBasic.All is Calendars.ReadBasic's older name (spec §3.2). */
export const APP_ROLES: readonly AppRoleCase[] = [
  { role: "Calendars.ReadBasic", any: { read: true, write: false } },
  { role: "Calendars.ReadBasic.All", any: { read: true, write: false } },
  { role: "Calendars.Read", any: { read: true, write: false } },
  { role: "Calendars.ReadWrite", any: { read: true, write: true } },
  { role: "User.Read.All", any: { read: false, write: false } },
];

/**
 * What a share lets a grantee (holding a `.Shared` scope) do with the shared calendar: read it
 * and its events (free/busy and limited reads see events reduced), and write its events
 * (ADR 0011). No role opens anything else of the mailbox.
 * see: https://learn.microsoft.com/graph/api/resources/calendarpermission
 */
export const SHARE_ROLES: readonly { role: string; allows: Allows }[] = [
  { role: "freeBusyRead", allows: { read: true, write: false } },
  { role: "limitedRead", allows: { read: true, write: false } },
  { role: "read", allows: { read: true, write: false } },
  { role: "write", allows: { read: true, write: true } },
  { role: "delegateWithoutPrivateEventAccess", allows: { read: true, write: true } },
  { role: "delegateWithPrivateEventAccess", allows: { read: true, write: true } },
];

/** The role a test shares with to allow `write ? writes : reads`. */
export function shareRoleFor(write: boolean): "read" | "write" {
  return write ? "write" : "read";
}
