import type { AppRegistration } from "../domain/index.js";
import { OAuthError } from "./auth-errors.js";

// Which scopes a token request is granted, as the Microsoft identity platform decides: only what
// the app registration is consented to, `.default` meaning all of it, nothing invented.
// see: https://learn.microsoft.com/entra/identity-platform/scopes-oidc#the-default-scope
// see: https://learn.microsoft.com/entra/identity-platform/reference-error-codes

/** OpenID Connect scopes ask for id and refresh tokens, which we do not issue; they grant nothing. */
const OIDC_SCOPES = new Set(["openid", "profile", "offline_access", "email"]);
const GRAPH_PREFIX = /^(?:https:\/\/graph\.microsoft\.com|00000003-0000-0000-c000-000000000000)\//i;

/**
 * Graph's delegated permissions this emulator knows by name (the calendar surface and its
 * neighbours), in Graph's spelling. A name outside the list is not a Graph permission at all
 * (`invalid_scope`); one in it that the app is not consented to is `AADSTS65001`.
 * see: https://learn.microsoft.com/graph/permissions-reference
 */
const GRAPH_DELEGATED_SCOPES = [
  "Calendars.ReadBasic", "Calendars.Read", "Calendars.ReadWrite", "Calendars.Read.Shared", "Calendars.ReadWrite.Shared",
  "User.Read", "User.ReadWrite", "User.ReadBasic.All", "User.Read.All", "User.ReadWrite.All",
  "Directory.Read.All", "Directory.ReadWrite.All", "Group.Read.All", "Group.ReadWrite.All",
  "Mail.Read", "Mail.ReadWrite", "Mail.Send", "MailboxSettings.Read", "MailboxSettings.ReadWrite",
  "Contacts.Read", "Contacts.ReadWrite", "People.Read", "Tasks.Read", "Tasks.ReadWrite",
  "Files.Read", "Files.ReadWrite", "OnlineMeetings.Read", "OnlineMeetings.ReadWrite", "Place.Read.All", "Presence.Read",
];
const BY_LOWER = new Map(GRAPH_DELEGATED_SCOPES.map((s) => [s.toLowerCase(), s]));

/** A scope as echoed in an error: long garbage is cut, so a refusal never grows with the request. */
function shown(scope: string): string {
  return scope.length > 100 ? `${scope.slice(0, 100)}…` : scope;
}

function invalidScope(scope: string): OAuthError {
  return new OAuthError({
    error: "invalid_scope", aadstsCode: 70011,
    description: `The provided request must include a 'scope' input parameter. The provided value for the input parameter 'scope' is not valid. The scope ${shown(scope)} is not valid.`,
  });
}

/** The request's scopes without the OIDC ones; Graph's resource prefix dropped, anyone else's kept. */
function requested(scope: string | undefined): { name: string; asSent: string }[] {
  return (scope ?? "").split(/\s+/).filter((s) => s !== "" && !OIDC_SCOPES.has(s.toLowerCase()))
    .map((asSent) => ({ name: asSent.replace(GRAPH_PREFIX, ""), asSent }));
}

/**
 * The delegated scopes a user's token from `app` gets for the `scope` parameter: `.default`
 * (or nothing but OIDC scopes) is everything the app is consented to; named scopes must each
 * be Graph permissions the app is consented to, and come back in Graph's spelling, once each.
 */
export function grantDelegatedScopes(app: AppRegistration, scope: string | undefined): string[] {
  const asked = requested(scope);
  const isDefault = (s: { name: string }) => s.name.toLowerCase() === ".default";
  if (asked.length === 0 || (asked.some(isDefault) && asked.length === 1)) return [...(app.delegatedScopes ?? [])];
  // `.default` cannot be combined with named scopes of the same resource.
  const combined = asked.find(isDefault);
  if (combined) throw invalidScope(combined.asSent);
  const consented = new Set((app.delegatedScopes ?? []).map((s) => s.toLowerCase()));
  const granted = new Set<string>();
  for (const s of asked) {
    const known = s.name.includes("/") ? undefined : BY_LOWER.get(s.name.toLowerCase());
    if (known === undefined) throw invalidScope(s.asSent);
    if (!consented.has(known.toLowerCase())) {
      throw new OAuthError({
        error: "invalid_grant", aadstsCode: 65001,
        description: `The user or administrator has not consented to use the application with ID '${app.clientId}' named '${app.displayName}'. Send an interactive authorization request for this user and resource.`,
      });
    }
    granted.add(known);
  }
  return [...granted];
}

/**
 * The client-credentials grant takes only `{resource}/.default` (or no scope at all): an
 * app-only token always carries every role the app is consented to, nothing chosen per request.
 */
export function checkClientCredentialsScope(scope: string | undefined): void {
  for (const s of requested(scope)) {
    if (s.name.toLowerCase() === ".default") continue;
    if (s.name.includes("/")) throw invalidScope(s.asSent);
    throw new OAuthError({
      error: "invalid_scope", aadstsCode: 1002012,
      description: `The provided value for scope ${shown(s.asSent)} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).`,
    });
  }
}
