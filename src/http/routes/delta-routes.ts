import { CALENDAR_ODATA_TYPE, CALENDAR_PROPERTIES } from "../../graph/index.js";
import type { DeltaItem } from "../../domain/index.js";
import type { GraphRoute } from "../graph-path.js";
import { mailboxFor, type GraphContext, type GraphResponse } from "../graph-context.js";
import { calendarJson, JsonText } from "../odata/serialize.js";
import { keptPageJson } from "../odata/page-json-memo.js";
import { resolveSelect } from "../odata/select.js";
import { buildLink, metadataUrl, subjectPath } from "../odata/links.js";
import { pageSizePreference } from "../odata/prefer.js";
import { callerOf, nextTarget, readDeltaRequest, replayWhile } from "./delta-request.js";
import type { DeltaTokenCodec } from "../odata/delta-token.js";

// GET /{me | users/{id}}/calendars/delta — the seed's function (spec §7).
// see: https://learn.microsoft.com/graph/api/calendar-delta?view=graph-rest-beta

/**
 * An item's JSON text. A calendar's JSON is memoised while it is frozen (a kept round's changes
 * are, ChangeRoundCache), so every page and every client of a kept round reuses it.
 */
function itemJson(item: DeltaItem, ctx: GraphContext, select: string[] | undefined): string {
  if (item.removed) return JSON.stringify({ "@odata.type": CALENDAR_ODATA_TYPE, id: item.id, "@removed": { reason: "deleted" } });
  return calendarJson(item.calendar, ctx.apiVersion, select, { typed: true });
}

export async function calendarDelta(ctx: GraphContext, route: Extract<GraphRoute, { kind: "delta" }>, codec: DeltaTokenCodec): Promise<GraphResponse> {
  // Authorization is checked on every page: a token grants nothing by itself.
  const mailbox = await mailboxFor(ctx, route.subject, "calendars.read");
  const q = ctx.query;
  const cursor = readDeltaRequest(q, codec, { resource: "Calendars", select: true });
  // Options other than the tokens belong to the initial request; links carry them after that.
  const select = cursor.kind === "initial"
    ? resolveSelect(q.select, CALENDAR_PROPERTIES[ctx.apiVersion], "calendar") ?? null
    : cursor.select;

  const path = `${subjectPath(route.subject)}/calendars/delta`;
  const pageSize = pageSizePreference(ctx.headers.prefer);
  // After a reset (410 ResyncRequired) the client starts over at the initial delta URL, keeping
  // the round's $select, which it chose on its initial request; http/errors.ts writes the Location.
  ctx.errorContext.deltaRestartLink = () => buildLink(ctx.origin, ctx.apiVersion, path, select ? [["$select", select.join(",")]] : []);
  const page = await ctx.services.delta.page({
    mailbox, cursor, pageSize: pageSize.size, apiVersion: ctx.apiVersion, select, caller: callerOf(ctx.principal),
  });

  const link: [string, string] = page.kind === "more"
    ? ["@odata.nextLink", buildLink(ctx.origin, ctx.apiVersion, path, [["$skiptoken", codec.encode(page.next)]])]
    : ["@odata.deltaLink", buildLink(ctx.origin, ctx.apiVersion, path, [["$deltatoken", codec.encode(page.round)]])];
  return {
    status: 200,
    replayWhile: replayWhile({ delta: ctx.services.delta, principal: ctx.principal, cursor, page, viaGroup: false }),
    next: nextTarget({ principal: ctx.principal, mailboxId: mailbox.id, viaGroup: false, origin: ctx.origin, link }),
    headers: { "preference-applied": pageSize.applied ? `odata.track-changes, odata.maxpagesize=${pageSize.size}` : "odata.track-changes" },
    body: JsonText.objectBytes([
      ["@odata.context", JSON.stringify(metadataUrl(ctx.origin, ctx.apiVersion, "Collection(calendar)"))],
      ["value", keptPageJson.value(page.kept, page.items.length, `${ctx.apiVersion}:${select?.join(",") ?? "*"}`,
        () => `[${page.items.map((item) => itemJson(item, ctx, select ?? undefined)).join(",")}]`)],
      [link[0], JSON.stringify(link[1])],
    ]),
  };
}
