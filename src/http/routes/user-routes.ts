import { USER_PROPERTIES } from "../../graph/index.js";
import type { GraphRoute } from "../graph-path.js";
import { userOf, type GraphContext, type GraphResponse } from "../graph-context.js";
import { userToWire } from "../odata/serialize.js";
import { resolveSelect } from "../odata/select.js";
import { buildLink, metadataUrl } from "../odata/links.js";
import { listPaging, nextLinkQuery } from "./list-paging.js";

// The directory subset graphcal needs to host mailboxes (spec §4.1).
// see: https://learn.microsoft.com/graph/api/user-get

export async function getUser(ctx: GraphContext, route: Extract<GraphRoute, { kind: "user" }>): Promise<GraphResponse> {
  const user = await ctx.services.access.directoryUser({ principal: ctx.principal, user: userOf(route.subject) });
  const select = resolveSelect(ctx.query.select, USER_PROPERTIES, "user");
  return {
    status: 200,
    body: { "@odata.context": metadataUrl(ctx.origin, ctx.apiVersion, `users${select ? `(${select.join(",")})` : ""}/$entity`), ...userToWire(user, select) },
  };
}

export async function listUsers(ctx: GraphContext): Promise<GraphResponse> {
  const { tenantId } = ctx.services.access.userDirectory({ principal: ctx.principal });
  const select = resolveSelect(ctx.query.select, USER_PROPERTIES, "user");
  const paging = listPaging(ctx.query, "users");
  const { users, hasMore } = await ctx.services.mailboxes.listUsers({ tenantId, offset: paging.skip, limit: paging.top });
  return {
    status: 200,
    body: {
      "@odata.context": metadataUrl(ctx.origin, ctx.apiVersion, `users${select ? `(${select.join(",")})` : ""}`),
      value: users.map((u) => userToWire(u, select)),
      ...(hasMore && { "@odata.nextLink": buildLink(ctx.origin, ctx.apiVersion, "users", nextLinkQuery(ctx.query, paging)) }),
    },
  };
}
