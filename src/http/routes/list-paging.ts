import { parseCountOption, parseIntegerOption, rejectUnsupported, type QueryOptions } from "../odata/query-options.js";

export const DEFAULT_PAGE_SIZE = 10;
export const MAX_PAGE_SIZE = 1000;

export interface ListPaging {
  top: number;
  skip: number;
  count: boolean;
}

const UNSUPPORTED: (keyof QueryOptions)[] = ["filter", "orderby", "expand", "search", "skiptoken", "deltatoken"];

/**
 * Outlook-style list paging: `$top` 1..1000 (clamped above, default 10, or `defaultTop` — the
 * page size a Prefer header asked for) and `$skip` (spec §6). Options the resource does not
 * implement are refused, except those it names in `allow`.
 */
export function listPaging(
  query: QueryOptions, resource: string, options: { allow?: readonly (keyof QueryOptions)[]; defaultTop?: number } = {},
): ListPaging {
  rejectUnsupported(query, UNSUPPORTED.filter((name) => !options.allow?.includes(name)), resource);
  const top = parseIntegerOption("top", query.top, 1) ?? options.defaultTop ?? DEFAULT_PAGE_SIZE;
  return {
    top: Math.min(top, MAX_PAGE_SIZE),
    skip: parseIntegerOption("skip", query.skip, 0) ?? 0,
    count: parseCountOption(query.count),
  };
}

/** The next page repeats the caller's options with `$skip` moved on. */
export function nextLinkQuery(query: QueryOptions, paging: ListPaging): [string, string][] {
  const out: [string, string][] = [];
  if (query.startdatetime !== undefined) out.push(["startDateTime", query.startdatetime]);
  if (query.enddatetime !== undefined) out.push(["endDateTime", query.enddatetime]);
  if (query.select !== undefined) out.push(["$select", query.select]);
  if (query.filter !== undefined) out.push(["$filter", query.filter]);
  if (query.orderby !== undefined) out.push(["$orderby", query.orderby]);
  if (paging.count) out.push(["$count", "true"]);
  out.push(["$top", String(paging.top)], ["$skip", String(paging.skip + paging.top)]);
  return out;
}
