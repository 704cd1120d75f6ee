/** Graph's audiences: its URI and its application id; a deployment may add its own. */
export const GRAPH_AUDIENCES = ["https://graph.microsoft.com", "00000003-0000-0000-c000-000000000000"];
