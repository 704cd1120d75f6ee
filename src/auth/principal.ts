/** Who is calling, as established from a verified bearer token. */
export type Principal =
  | { kind: "delegated"; tenantId: string; userId: string; appId: string; scopes: ReadonlySet<string> }
  | { kind: "app"; tenantId: string; appId: string; roles: ReadonlySet<string> };

/** Graph's audiences: its URI and its application id; a deployment may add its own. */
export const GRAPH_AUDIENCES = ["https://graph.microsoft.com", "00000003-0000-0000-c000-000000000000"];
