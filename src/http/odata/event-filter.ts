// `$filter` and `$orderby` for event lists and calendarView, parsed into the domain's shapes
// (domain/events/event-query.ts evaluates them). Only the subset Outlook documents and clients
// use is accepted: conditions joined by `and`, on a few properties. Anything else is refused
// rather than half-evaluated, so a client never gets a silently wrong list.
// see: https://learn.microsoft.com/graph/api/user-list-events
// see: https://learn.microsoft.com/graph/query-parameters#filter-parameter

import { EVENT_PROPERTIES, EVENT_TYPES, type EventType } from "../../graph/index.js";
import { InvalidQueryError } from "../../domain/index.js";
import type {
  ComparisonOp, EventCondition, EventFilter, EventOrder, EventOrderField, EventTimeField,
} from "../../domain/index.js";

// Outlook answers a filter it cannot evaluate with the bare message "Invalid filter clause"
// (code BadRequest); we append what was wrong, to help whoever reads the emulator's answer.
// see: https://github.com/microsoftgraph/microsoft-graph-docs/issues/11353 (recurrence/range/endDate)
// see: https://github.com/microsoftgraph/microsoft-graph-docs/issues/292 (responseStatus/response)
function invalidClause(detail: string): InvalidQueryError {
  return new InvalidQueryError(`Invalid filter clause: ${detail}`, "badRequest");
}

// OData's parser names an unknown property this way before Outlook sees the query (as in select.ts).
function unknownProperty(name: string): InvalidQueryError {
  return new InvalidQueryError(`Could not find a property named '${name}' on type 'microsoft.graph.event'.`);
}

const KNOWN_PROPERTIES = new Set(EVENT_PROPERTIES.beta.map((p) => p.toLowerCase()));

type Token =
  | { kind: "word"; text: string }
  | { kind: "string"; text: string }
  | { kind: "dateTime"; text: string }
  | { kind: "punct"; text: "(" | ")" | "," | ":" };

// An unquoted DateTimeOffset (`2026-12-01T00:00:00Z`) is one token; checked by parseDateTime.
const DATE_TIME_TOKEN = /^\d{4}-\d{2}-\d{2}(?:T[0-9:.]+(?:Z|[+-]\d{2}:\d{2})?)?/i;
const WORD_TOKEN = /^[A-Za-z_][A-Za-z0-9_/.]*/;

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let at = 0;
  while (at < text.length) {
    const ch = text[at] as string;
    if (/\s/.test(ch)) { at++; continue; }
    if (ch === "(" || ch === ")" || ch === "," || ch === ":") { tokens.push({ kind: "punct", text: ch }); at++; continue; }
    if (ch === "'") {
      // OData string literal: a doubled quote stands for one quote.
      let value = "";
      at++;
      for (;;) {
        if (at >= text.length) throw invalidClause("unterminated string literal.");
        if (text[at] === "'") {
          if (text[at + 1] !== "'") break;
          value += "'";
          at += 2;
        } else {
          value += text[at];
          at++;
        }
      }
      at++;
      tokens.push({ kind: "string", text: value });
      continue;
    }
    const rest = text.slice(at);
    const match = DATE_TIME_TOKEN.exec(rest) ?? WORD_TOKEN.exec(rest);
    if (!match) throw invalidClause(`unexpected '${ch}' at position ${at}.`);
    tokens.push({ kind: DATE_TIME_TOKEN.test(rest) ? "dateTime" : "word", text: match[0] });
    at += match[0].length;
  }
  return tokens;
}

const ISO_DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,7}))?)?)?(Z|[+-]\d{2}:\d{2})?$/i;

/**
 * ISO 8601 to epoch ms. No offset means UTC (start/dateTime is stored in UTC). Fractions beyond
 * milliseconds are truncated: stored times carry no finer precision.
 */
function parseFilterDateTime(text: string): number | undefined {
  const m = ISO_DATE_TIME.exec(text);
  if (!m) return undefined;
  const [year, month, day, hour, minute, second] = [m[1], m[2], m[3], m[4], m[5], m[6]].map((part) => Number(part ?? 0)) as
    [number, number, number, number, number, number];
  const ms = Number((m[7] ?? "").padEnd(3, "0").slice(0, 3));
  if (month < 1 || month > 12 || hour > 23 || minute > 59 || second > 59) return undefined;
  const wall = Date.UTC(year, month - 1, day, hour, minute, second, ms);
  if (new Date(wall).getUTCDate() !== day) return undefined; // Date.UTC rolls 31 Feb into March
  const zone = m[8]?.toUpperCase() ?? "Z";
  if (zone === "Z") return wall;
  const offsetHours = Number(zone.slice(1, 3));
  const offsetMinutes = Number(zone.slice(4, 6));
  if (offsetHours > 14 || offsetMinutes > 59) return undefined;
  const sign = zone.startsWith("-") ? -1 : 1;
  return wall - sign * (offsetHours * 60 + offsetMinutes) * 60_000;
}

const COMPARISON_OPS: readonly ComparisonOp[] = ["eq", "ne", "gt", "ge", "lt", "le"];

/** Property paths accepted on the left of a comparison, lower-cased, with their field. */
const TIME_PATHS: ReadonlyMap<string, { field: EventTimeField; quotedOnly: boolean }> = new Map([
  // start/end are dateTimeTimeZone: dateTime is a string, so its literal must be quoted.
  ["start/datetime", { field: "start", quotedOnly: true }],
  ["end/datetime", { field: "end", quotedOnly: true }],
  ["createddatetime", { field: "createdDateTime", quotedOnly: false }],
  ["lastmodifieddatetime", { field: "lastModifiedDateTime", quotedOnly: false }],
]);

class FilterParser {
  readonly #tokens: Token[];
  #at = 0;

  constructor(tokens: Token[]) {
    this.#tokens = tokens;
  }

  parse(): EventFilter {
    const filter = this.#conjunction();
    const extra = this.#peek();
    if (extra) throw invalidClause(`unexpected '${extra.text}'.`);
    return filter;
  }

  // conjunction := term ('and' term)* ; term := '(' conjunction ')' | condition
  #conjunction(): EventFilter {
    const filter = this.#term();
    while (this.#isWord("and")) {
      this.#at++;
      filter.push(...this.#term());
    }
    const next = this.#peek();
    if (next && next.kind === "word" && ["or", "not"].includes(next.text.toLowerCase())) {
      throw invalidClause(`'${next.text}' is not supported; join conditions with 'and'.`);
    }
    return filter;
  }

  #term(): EventFilter {
    if (this.#isPunct("(")) {
      this.#at++;
      const inner = this.#conjunction();
      this.#expectPunct(")");
      return inner;
    }
    return [this.#condition()];
  }

  #condition(): EventCondition {
    const head = this.#next("a condition");
    if (head.kind !== "word") throw invalidClause(`expected a property, found '${head.text}'.`);
    const name = head.text.toLowerCase();
    if (name === "not") throw invalidClause("'not' is not supported.");
    if ((name === "startswith" || name === "contains") && this.#isPunct("(")) return this.#subjectFunction(name);
    if (name === "categories/any" && this.#isPunct("(")) return this.#categoriesAny();
    const op = this.#operator();
    const time = TIME_PATHS.get(name);
    if (time) {
      const literal = this.#next("a date and time");
      const valueMs = literal.kind === "string" || (literal.kind === "dateTime" && !time.quotedOnly)
        ? parseFilterDateTime(literal.text) : undefined;
      if (valueMs === undefined) throw invalidClause(`'${literal.text}' is not a valid date and time for '${head.text}'.`);
      return { field: time.field, op, valueMs };
    }
    if (name === "subject") return { field: "subject", op: equality(op, head.text), value: this.#string() };
    if (name === "type") {
      const value = this.#string();
      if (!(EVENT_TYPES as readonly string[]).includes(value)) throw invalidClause(`'${value}' is not an event type.`);
      return { field: "type", op: equality(op, head.text), value: value as EventType };
    }
    if (name === "isallday" || name === "iscancelled") {
      const literal = this.#next("true or false");
      const value = literal.kind === "word" ? literal.text.toLowerCase() : "";
      if (value !== "true" && value !== "false") throw invalidClause(`'${literal.text}' is not a boolean.`);
      return { field: name === "isallday" ? "isAllDay" : "isCancelled", op: equality(op, head.text), value: value === "true" };
    }
    const root = name.split("/")[0] as string;
    if (!KNOWN_PROPERTIES.has(root)) throw unknownProperty(head.text.split("/")[0] as string);
    throw invalidClause(`'${head.text}' cannot be filtered on.`);
  }

  // startswith(subject,'x') / contains(subject,'x'): only subject supports them.
  #subjectFunction(name: "startswith" | "contains"): EventCondition {
    this.#expectPunct("(");
    const property = this.#next("a property");
    if (property.kind !== "word" || property.text.toLowerCase() !== "subject") {
      throw invalidClause(`${name} is supported only on 'subject'.`);
    }
    this.#expectPunct(",");
    const value = this.#string();
    this.#expectPunct(")");
    return { field: "subject", op: name, value };
  }

  // categories/any(c:c eq 'X'), with any name for the range variable.
  #categoriesAny(): EventCondition {
    this.#expectPunct("(");
    const variable = this.#next("a range variable");
    if (variable.kind !== "word" || variable.text.includes("/")) throw invalidClause("expected a range variable in any().");
    this.#expectPunct(":");
    const used = this.#next("the range variable");
    if (used.kind !== "word" || used.text !== variable.text) {
      throw invalidClause(`any() must compare its range variable '${variable.text}'.`);
    }
    if (this.#operator() !== "eq") throw invalidClause("any() over categories supports only 'eq'.");
    const value = this.#string();
    this.#expectPunct(")");
    return { field: "categories", op: "any", value };
  }

  #operator(): ComparisonOp {
    const token = this.#next("an operator");
    const op = token.kind === "word" ? token.text.toLowerCase() : "";
    if (!(COMPARISON_OPS as readonly string[]).includes(op)) throw invalidClause(`'${token.text}' is not a supported operator.`);
    return op as ComparisonOp;
  }

  #string(): string {
    const token = this.#next("a string literal");
    if (token.kind !== "string") throw invalidClause(`expected a quoted string, found '${token.text}'.`);
    return token.text;
  }

  #expectPunct(text: ")" | "(" | "," | ":"): void {
    const token = this.#next(`'${text}'`);
    if (token.kind !== "punct" || token.text !== text) throw invalidClause(`expected '${text}', found '${token.text}'.`);
  }

  #next(expected: string): Token {
    const token = this.#tokens[this.#at];
    if (!token) throw invalidClause(`expected ${expected} at the end.`);
    this.#at++;
    return token;
  }

  #peek(): Token | undefined {
    return this.#tokens[this.#at];
  }

  #isWord(text: string): boolean {
    const token = this.#peek();
    return token?.kind === "word" && token.text.toLowerCase() === text;
  }

  #isPunct(text: string): boolean {
    const token = this.#peek();
    return token?.kind === "punct" && token.text === text;
  }
}

function equality(op: ComparisonOp, property: string): "eq" | "ne" {
  if (op !== "eq" && op !== "ne") throw invalidClause(`'${op}' is not supported on '${property}'.`);
  return op;
}

/** Parses `$filter`; undefined (no option) is no filter, but an empty `$filter=` is an error. */
export function parseEventFilter(text: string | undefined): EventFilter {
  if (text === undefined) return [];
  if (text.trim() === "") throw invalidClause("the filter is empty.");
  return new FilterParser(tokenize(text)).parse();
}

const ORDER_FIELDS: ReadonlyMap<string, EventOrderField> = new Map([
  ["start/datetime", "start"], ["start", "start"],
  ["end/datetime", "end"], ["end", "end"],
  ["subject", "subject"],
  ["createddatetime", "createdDateTime"],
  ["lastmodifieddatetime", "lastModifiedDateTime"],
]);

/** Parses `$orderby`: `field [asc|desc]`, comma-separated; absent or empty is the default order. */
export function parseEventOrderBy(text: string | undefined): EventOrder[] {
  if (text === undefined || text.trim() === "") return [];
  return text.split(",").map((item) => {
    const parts = item.trim().split(/\s+/);
    const [property, direction, ...rest] = parts;
    if (!property || rest.length > 0) throw new InvalidQueryError(`Invalid $orderby clause: '${item.trim()}'.`);
    const field = ORDER_FIELDS.get(property.toLowerCase());
    if (!field) {
      const root = property.split("/")[0] as string;
      if (!KNOWN_PROPERTIES.has(root.toLowerCase())) throw unknownProperty(root);
      throw new InvalidQueryError(`Invalid $orderby clause: '${property}' cannot be ordered by.`);
    }
    const dir = direction?.toLowerCase() ?? "asc";
    if (dir !== "asc" && dir !== "desc") throw new InvalidQueryError(`Invalid $orderby clause: '${item.trim()}'.`);
    return { field, descending: dir === "desc" };
  });
}
