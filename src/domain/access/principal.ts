/**
 * Who is calling: a user through an app (delegated) or an app on its own. auth/ builds one from
 * a verified bearer token; the access rules in this folder decide what it may do.
 */
export type Principal =
  | { kind: "delegated"; tenantId: string; userId: string; appId: string; scopes: ReadonlySet<string> }
  | { kind: "app"; tenantId: string; appId: string; roles: ReadonlySet<string> };
