// What an event list's `$filter` and `$orderby` mean, evaluated in memory. Parsing the OData text
// is http/'s business (http/odata/event-filter.ts); this file only knows the parsed shapes, so a
// SQL store can translate the same shapes and be checked against these functions.
// see: https://learn.microsoft.com/graph/api/user-list-events
// see: https://learn.microsoft.com/graph/query-parameters#filter-parameter

import type { EventType } from "../../graph/index.js";

export type EventTimeField = "start" | "end" | "createdDateTime" | "lastModifiedDateTime";
export type ComparisonOp = "eq" | "ne" | "gt" | "ge" | "lt" | "le";

export type EventCondition =
  | { field: EventTimeField; op: ComparisonOp; valueMs: number } // epoch ms (UTC)
  | { field: "subject"; op: "eq" | "ne" | "startswith" | "contains"; value: string } // case-insensitive
  | { field: "type"; op: "eq" | "ne"; value: EventType }
  | { field: "isAllDay" | "isCancelled"; op: "eq" | "ne"; value: boolean }
  | { field: "categories"; op: "any"; value: string }; // categories/any(c:c eq 'X'), case-insensitive

/** Conjunction: every condition must hold. */
export type EventFilter = EventCondition[];

export type EventOrderField = "start" | "end" | "subject" | "createdDateTime" | "lastModifiedDateTime";
export interface EventOrder { field: EventOrderField; descending: boolean }

/** The subset of an event the filter and order read (epoch ms for times). */
export interface EventQueryView {
  startMs: number;
  endMs: number;
  createdMs: number;
  lastModifiedMs: number;
  subject: string;
  type: EventType;
  isAllDay: boolean;
  isCancelled: boolean;
  categories: readonly string[];
  id: string;
}

export function matchesEventFilter(view: EventQueryView, filter: EventFilter): boolean {
  return filter.every((condition) => matchesCondition(view, condition));
}

function matchesCondition(view: EventQueryView, condition: EventCondition): boolean {
  switch (condition.field) {
    case "start":
    case "end":
    case "createdDateTime":
    case "lastModifiedDateTime":
      return holds(condition.op, Math.sign(timeOf(view, condition.field) - condition.valueMs));
    case "subject":
      return matchesSubject(view.subject, condition.op, condition.value);
    case "type":
      return (view.type === condition.value) === (condition.op === "eq");
    case "isAllDay":
    case "isCancelled":
      return (view[condition.field] === condition.value) === (condition.op === "eq");
    case "categories": {
      const value = condition.value.toLowerCase();
      return view.categories.some((category) => category.toLowerCase() === value);
    }
  }
}

// Exchange compares strings without regard to case (Outlook's default collation).
function matchesSubject(subject: string, op: "eq" | "ne" | "startswith" | "contains", value: string): boolean {
  const left = subject.toLowerCase();
  const right = value.toLowerCase();
  switch (op) {
    case "eq": return left === right;
    case "ne": return left !== right;
    case "startswith": return left.startsWith(right);
    case "contains": return left.includes(right);
  }
}

/** Whether `op` accepts a comparison whose sign (left minus right) is `sign`. */
function holds(op: ComparisonOp, sign: number): boolean {
  switch (op) {
    case "eq": return sign === 0;
    case "ne": return sign !== 0;
    case "gt": return sign > 0;
    case "ge": return sign >= 0;
    case "lt": return sign < 0;
    case "le": return sign <= 0;
  }
}

function timeOf(view: EventQueryView, field: EventTimeField): number {
  switch (field) {
    case "start": return view.startMs;
    case "end": return view.endMs;
    case "createdDateTime": return view.createdMs;
    case "lastModifiedDateTime": return view.lastModifiedMs;
  }
}

/**
 * Comparator by the orders in turn, then start ascending, then id (the default order when orders
 * is empty: start asc, id asc). The tie-breakers make the order total, so paging with $skip never
 * repeats or drops an event. Subject compares lower-cased with plain `<` / `>` (not
 * localeCompare), which a SQL store can reproduce with `lower(subject)` under a binary collation.
 */
export function compareEvents(orders: readonly EventOrder[]): (a: EventQueryView, b: EventQueryView) => number {
  return (a, b) => {
    for (const { field, descending } of orders) {
      const result = compareField(a, b, field);
      if (result !== 0) return descending ? -result : result;
    }
    return compareField(a, b, "start") || compareStrings(a.id, b.id);
  };
}

function compareField(a: EventQueryView, b: EventQueryView, field: EventOrderField): number {
  if (field === "subject") return compareStrings(a.subject.toLowerCase(), b.subject.toLowerCase());
  return Math.sign(timeOf(a, field) - timeOf(b, field));
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
