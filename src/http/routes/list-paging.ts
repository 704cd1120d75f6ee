import { parseCountOption, parseIntegerOption, rejectUnsupported, type QueryOptions } from "../odata/query-options.js";

export const DEFAULT_PAGE_SIZE = 10;
export const MAX_PAGE_SIZE = 1000;

export interface ListPaging {
  top: number;
  skip: number;
  count: boolean;
}

/** Outlook-style list paging: `$top` 1..1000 (clamped above, default 10) and `$skip` (spec §6). */
export function listPaging(query: QueryOptions, resource: string): ListPaging {
  rejectUnsupported(query, ["filter", "orderby", "expand", "search", "skiptoken", "deltatoken"], resource);
  const top = parseIntegerOption("top", query.top, 1) ?? DEFAULT_PAGE_SIZE;
  return {
    top: Math.min(top, MAX_PAGE_SIZE),
    skip: parseIntegerOption("skip", query.skip, 0) ?? 0,
    count: parseCountOption(query.count),
  };
}

/** The next page repeats the caller's options with `$skip` moved on. */
export function nextLinkQuery(query: QueryOptions, paging: ListPaging): [string, string][] {
  const out: [string, string][] = [];
  if (query.select !== undefined) out.push(["$select", query.select]);
  if (paging.count) out.push(["$count", "true"]);
  out.push(["$top", String(paging.top)], ["$skip", String(paging.skip + paging.top)]);
  return out;
}
