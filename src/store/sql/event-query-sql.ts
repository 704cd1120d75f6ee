import { sql, type ExpressionBuilder, type Expression, type SqlBool } from "kysely";
import type { EventCondition, EventFilter, EventOrder } from "../../domain/index.js";
import type { Database } from "./schema.js";
import { EVENT_ROW_KIND, searchKey } from "./rows.js";

// $filter and $orderby of an event list as SQL over the events table's columns. The domain's
// matchesEventFilter/compareEvents (domain/events/event-query.ts) is the specification; the
// store contract suite checks this against it.

type Eb = ExpressionBuilder<Database, "events">;

const TIME_COLUMN = {
  start: "start_ms", end: "end_ms", createdDateTime: "created_ms", lastModifiedDateTime: "modified_ms",
} as const;

const OPERATOR = { eq: "=", ne: "<>", gt: ">", ge: ">=", lt: "<", le: "<=" } as const;

/** LIKE with `\\` as the escape character, the same in SQLite and PostgreSQL. */
function likeEscaped(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

function subjectSql(eb: Eb, condition: Extract<EventCondition, { field: "subject" }>): Expression<SqlBool> {
  const value = searchKey(condition.value);
  switch (condition.op) {
    case "eq": return eb("subject_key", "=", value);
    case "ne": return eb("subject_key", "<>", value);
    case "startswith": return sql<SqlBool>`subject_key like ${`${likeEscaped(value)}%`} escape '\\'`;
    case "contains": return sql<SqlBool>`subject_key like ${`%${likeEscaped(value)}%`} escape '\\'`;
  }
}

function conditionSql(eb: Eb, condition: EventCondition): Expression<SqlBool> {
  switch (condition.field) {
    case "start":
    case "end":
    case "createdDateTime":
    case "lastModifiedDateTime":
      return eb(TIME_COLUMN[condition.field], OPERATOR[condition.op], condition.valueMs);
    case "subject": return subjectSql(eb, condition);
    case "type": {
      // Lists hold single instances and masters only: a type they cannot hold matches nothing.
      const kind = condition.value === "singleInstance" || condition.value === "seriesMaster" || condition.value === "exception"
        ? EVENT_ROW_KIND[condition.value] : -1;
      return eb("row_kind", condition.op === "eq" ? "=" : "<>", kind);
    }
    case "isAllDay":
    case "isCancelled":
      return eb(condition.field === "isAllDay" ? "is_all_day" : "is_cancelled", condition.op === "eq" ? "=" : "<>", condition.value ? 1 : 0);
    case "categories": {
      // The quoted value must open a JSON string of the list: right after `[` or `,`. Inside an
      // encoded string every `"` is escaped (`\"`), so a bare `"a"` could otherwise match the
      // tail of a category such as `q"a` (found by the store contract suite).
      const quoted = likeEscaped(JSON.stringify(searchKey(condition.value)));
      return eb.or([
        sql<SqlBool>`categories_key like ${`[${quoted}%`} escape '\\'`,
        sql<SqlBool>`categories_key like ${`%,${quoted}%`} escape '\\'`,
      ]);
    }
  }
}

export function filterSql(eb: Eb, filter: EventFilter): Expression<SqlBool> {
  return eb.and(filter.map((condition) => conditionSql(eb, condition)));
}

const ORDER_COLUMN = {
  start: "start_ms", end: "end_ms", subject: "subject_key", createdDateTime: "created_ms", lastModifiedDateTime: "modified_ms",
} as const;

/** The ORDER BY terms: the requested ones, then start and id (compareEvents' tie-breaks). */
export function orderTerms(orderBy: readonly EventOrder[]): [column: (typeof ORDER_COLUMN)[keyof typeof ORDER_COLUMN] | "event_id", direction: "asc" | "desc"][] {
  return [
    ...orderBy.map((o) => [ORDER_COLUMN[o.field], o.descending ? "desc" : "asc"] as const),
    ["start_ms", "asc"] as const,
    ["event_id", "asc"] as const,
  ].map(([c, d]) => [c, d]);
}
