import { describe, expect, it } from "vitest";
import { InvalidQueryError } from "../../domain/index.js";
import { parseEventFilter, parseEventOrderBy } from "./event-filter.js";

const utc = (iso: string) => Date.parse(iso);

function rejects(text: string, message: RegExp | string = /^Invalid filter clause: /): void {
  let caught: unknown;
  try {
    parseEventFilter(text);
  } catch (e) {
    caught = e;
  }
  expect(caught, text).toBeInstanceOf(InvalidQueryError);
  expect((caught as Error).message, text).toMatch(message);
}

describe("parseEventFilter", () => {
  it("parseEventFilter: no $filter is no condition", () => {
    expect(parseEventFilter(undefined)).toEqual([]);
  });

  it("parseEventFilter: start/dateTime and end/dateTime with quoted literals, no offset meaning UTC", () => {
    expect(parseEventFilter("start/dateTime ge '2026-12-01T00:00:00'")).toEqual([
      { field: "start", op: "ge", valueMs: utc("2026-12-01T00:00:00Z") },
    ]);
    expect(parseEventFilter("end/dateTime lt '2026-12-02T10:30:00Z'")).toEqual([
      { field: "end", op: "lt", valueMs: utc("2026-12-02T10:30:00Z") },
    ]);
  });

  it("parseEventFilter: every comparison operator is read", () => {
    for (const op of ["eq", "ne", "gt", "ge", "lt", "le"]) {
      expect(parseEventFilter(`start/dateTime ${op} '2026-12-01T00:00:00'`)[0]).toMatchObject({ op });
    }
  });

  it("parseEventFilter: offsets in literals convert to UTC", () => {
    expect(parseEventFilter("start/dateTime ge '2026-12-01T09:00:00-08:00'")[0]).toMatchObject({ valueMs: utc("2026-12-01T17:00:00Z") });
    expect(parseEventFilter("start/dateTime ge '2026-12-01T09:00:00+05:30'")[0]).toMatchObject({ valueMs: utc("2026-12-01T03:30:00Z") });
    expect(parseEventFilter("start/dateTime ge '2026-12-01T09:00:00z'")[0]).toMatchObject({ valueMs: utc("2026-12-01T09:00:00Z") });
  });

  it("parseEventFilter: fractions up to seven digits, truncated to milliseconds; date-only is midnight", () => {
    expect(parseEventFilter("start/dateTime ge '2026-12-01T09:00:00.1234567'")[0]).toMatchObject({ valueMs: utc("2026-12-01T09:00:00.123Z") });
    expect(parseEventFilter("start/dateTime ge '2026-12-01T09:00:00.5Z'")[0]).toMatchObject({ valueMs: utc("2026-12-01T09:00:00.500Z") });
    expect(parseEventFilter("start/dateTime ge '2026-12-01T09:00'")[0]).toMatchObject({ valueMs: utc("2026-12-01T09:00:00Z") });
    expect(parseEventFilter("start/dateTime ge '2026-12-01'")[0]).toMatchObject({ valueMs: utc("2026-12-01T00:00:00Z") });
  });

  it("parseEventFilter: createdDateTime and lastModifiedDateTime take unquoted or quoted DateTimeOffsets", () => {
    expect(parseEventFilter("createdDateTime ge 2026-12-01T00:00:00Z")).toEqual([
      { field: "createdDateTime", op: "ge", valueMs: utc("2026-12-01T00:00:00Z") },
    ]);
    expect(parseEventFilter("lastModifiedDateTime lt 2026-12-01T09:00:00.25-08:00")).toEqual([
      { field: "lastModifiedDateTime", op: "lt", valueMs: utc("2026-12-01T17:00:00.250Z") },
    ]);
    expect(parseEventFilter("lastModifiedDateTime gt '2026-12-01T00:00:00'")).toEqual([
      { field: "lastModifiedDateTime", op: "gt", valueMs: utc("2026-12-01T00:00:00Z") },
    ]);
  });

  it("parseEventFilter: subject eq/ne and the startswith/contains functions", () => {
    expect(parseEventFilter("subject eq 'Weekly sync'")).toEqual([{ field: "subject", op: "eq", value: "Weekly sync" }]);
    expect(parseEventFilter("subject ne ''")).toEqual([{ field: "subject", op: "ne", value: "" }]);
    expect(parseEventFilter("startswith(subject,'Week')")).toEqual([{ field: "subject", op: "startswith", value: "Week" }]);
    expect(parseEventFilter("contains( Subject , 'sync' )")).toEqual([{ field: "subject", op: "contains", value: "sync" }]);
  });

  it("parseEventFilter: a doubled quote in a string literal is one quote", () => {
    expect(parseEventFilter("subject eq 'Bob''s ''big'' day'")).toEqual([{ field: "subject", op: "eq", value: "Bob's 'big' day" }]);
    expect(parseEventFilter("subject eq ''''")).toEqual([{ field: "subject", op: "eq", value: "'" }]);
    expect(parseEventFilter("subject eq 'a and b or (c)'")).toEqual([{ field: "subject", op: "eq", value: "a and b or (c)" }]);
  });

  it("parseEventFilter: type, isAllDay and isCancelled", () => {
    expect(parseEventFilter("type eq 'seriesMaster'")).toEqual([{ field: "type", op: "eq", value: "seriesMaster" }]);
    expect(parseEventFilter("type ne 'occurrence'")).toEqual([{ field: "type", op: "ne", value: "occurrence" }]);
    expect(parseEventFilter("isAllDay eq true")).toEqual([{ field: "isAllDay", op: "eq", value: true }]);
    expect(parseEventFilter("isCancelled ne FALSE")).toEqual([{ field: "isCancelled", op: "ne", value: false }]);
  });

  it("parseEventFilter: categories/any with any range variable name", () => {
    expect(parseEventFilter("categories/any(c:c eq 'Red category')")).toEqual([{ field: "categories", op: "any", value: "Red category" }]);
    expect(parseEventFilter("Categories/Any( cat : cat EQ 'Blue' )")).toEqual([{ field: "categories", op: "any", value: "Blue" }]);
  });

  it("parseEventFilter: property names, operators and keywords ignore case; whitespace is free", () => {
    expect(parseEventFilter("Start/DateTime GE '2026-12-01T00:00:00'\tAND\n SUBJECT Eq 'x'  ")).toEqual([
      { field: "start", op: "ge", valueMs: utc("2026-12-01T00:00:00Z") },
      { field: "subject", op: "eq", value: "x" },
    ]);
    expect(parseEventFilter("STARTSWITH(subject,'a')")).toEqual([{ field: "subject", op: "startswith", value: "a" }]);
  });

  it("parseEventFilter: conditions joined by and, in order", () => {
    const filter = parseEventFilter(
      "start/dateTime ge '2026-12-01T00:00:00' and end/dateTime le '2026-12-31T00:00:00' and type eq 'occurrence' and categories/any(c:c eq 'Red')",
    );
    expect(filter.map((c) => c.field)).toEqual(["start", "end", "type", "categories"]);
  });

  it("parseEventFilter: parentheses around the whole filter or around one condition", () => {
    const expected = [{ field: "subject", op: "eq", value: "x" }, { field: "isAllDay", op: "eq", value: false }];
    expect(parseEventFilter("(subject eq 'x' and isAllDay eq false)")).toEqual(expected);
    expect(parseEventFilter("(subject eq 'x') and (isAllDay eq false)")).toEqual(expected);
    expect(parseEventFilter("((subject eq 'x')) and isAllDay eq false")).toEqual(expected);
  });

  it("parseEventFilter: an empty $filter is an error, unlike a missing one", () => {
    rejects("");
    rejects("   ");
  });

  it("parseEventFilter: or and not are refused", () => {
    rejects("subject eq 'a' or subject eq 'b'", /'or' is not supported/);
    rejects("not (subject eq 'a')", /'not' is not supported/);
    rejects("not subject eq 'a'");
  });

  it("parseEventFilter: an unknown property names itself the way OData does", () => {
    rejects("foo eq 'x'", "Could not find a property named 'foo' on type 'microsoft.graph.event'.");
    rejects("Foo/bar eq 'x'", "Could not find a property named 'Foo' on type 'microsoft.graph.event'.");
  });

  it("parseEventFilter: a real property we do not filter on is an invalid clause", () => {
    rejects("importance eq 'high'", /^Invalid filter clause: 'importance' cannot be filtered on\.$/);
    rejects("responseStatus/response eq 'accepted'");
    rejects("start/timeZone eq 'UTC'");
  });

  it("parseEventFilter: operators a field does not support", () => {
    rejects("subject gt 'a'", /'gt' is not supported on 'subject'/);
    rejects("type lt 'occurrence'");
    rejects("isAllDay ge true");
    rejects("categories/any(c:c ne 'Red')", /only 'eq'/);
    rejects("startswith(body,'a')", /only on 'subject'/);
    rejects("contains(categories,'a')");
    rejects("subject has 'a'", /'has' is not a supported operator/);
  });

  it("parseEventFilter: bad literals", () => {
    rejects("type eq 'SeriesMaster'", /not an event type/);
    rejects("type eq 'meeting'");
    rejects("type eq seriesMaster");
    rejects("isAllDay eq 'true'", /not a boolean/);
    rejects("isAllDay eq 1");
    rejects("subject eq Weekly");
    rejects("subject eq 'unterminated", /unterminated/);
    rejects("start/dateTime ge 2026-12-01T00:00:00Z", /not a valid date and time/);
    rejects("start/dateTime ge 'tomorrow'");
    rejects("start/dateTime ge '2026-02-30T00:00:00'");
    rejects("start/dateTime ge '2026-13-01T00:00:00'");
    rejects("start/dateTime ge '2026-12-01T24:00:00'");
    rejects("start/dateTime ge '2026-12-01T09:00:00.12345678'");
    rejects("start/dateTime ge '2026-12-01T09:00:00+15:00'");
    rejects("start/dateTime ge '2026-12-01 09:00:00'");
    rejects("createdDateTime ge 2026-12-01T9:00:00Z");
    rejects("createdDateTime ge true");
  });

  it("parseEventFilter: malformed lambdas", () => {
    rejects("categories/any(c:d eq 'Red')", /range variable 'c'/);
    rejects("categories/any(c eq 'Red')");
    rejects("categories/any(c:c/name eq 'Red')");
    rejects("categories/all(c:c eq 'Red')");
    rejects("categories/any(c:c eq 'Red'");
  });

  it("parseEventFilter: trailing garbage and broken structure", () => {
    rejects("subject eq 'x' extra", /unexpected 'extra'/);
    rejects("subject eq 'x' and");
    rejects("and subject eq 'x'");
    rejects("subject eq 'x')");
    rejects("(subject eq 'x'");
    rejects("subject eq");
    rejects("subject");
    rejects("subject eq 'x' & type eq 'occurrence'", /unexpected '&'/);
    rejects("subject eq 'x' and and type eq 'occurrence'");
    rejects("()");
  });
});

describe("parseEventOrderBy", () => {
  it("parseEventOrderBy: absent or empty is the default order", () => {
    expect(parseEventOrderBy(undefined)).toEqual([]);
    expect(parseEventOrderBy("")).toEqual([]);
    expect(parseEventOrderBy("  ")).toEqual([]);
  });

  it("parseEventOrderBy: every field, ascending by default", () => {
    expect(parseEventOrderBy("start/dateTime,end/dateTime,subject,createdDateTime,lastModifiedDateTime")).toEqual([
      { field: "start", descending: false }, { field: "end", descending: false }, { field: "subject", descending: false },
      { field: "createdDateTime", descending: false }, { field: "lastModifiedDateTime", descending: false },
    ]);
  });

  it("parseEventOrderBy: directions, names and keywords ignore case; order is kept", () => {
    expect(parseEventOrderBy("Subject DESC, START asc , lastmodifieddatetime Desc")).toEqual([
      { field: "subject", descending: true }, { field: "start", descending: false },
      { field: "lastModifiedDateTime", descending: true },
    ]);
    expect(parseEventOrderBy("End/DateTime desc")).toEqual([{ field: "end", descending: true }]);
  });

  it("parseEventOrderBy: unknown properties, unsupported ones and bad syntax are refused", () => {
    const refuse = (text: string, message: RegExp | string) => {
      expect(() => parseEventOrderBy(text), text).toThrow(InvalidQueryError);
      expect(() => parseEventOrderBy(text), text).toThrow(message);
    };
    refuse("foo", "Could not find a property named 'foo' on type 'microsoft.graph.event'.");
    refuse("importance desc", /^Invalid \$orderby clause: 'importance' cannot be ordered by\.$/);
    refuse("start/timeZone", /cannot be ordered by/);
    refuse("subject sideways", /^Invalid \$orderby clause: 'subject sideways'\.$/);
    refuse("subject asc extra", /Invalid \$orderby clause/);
    refuse("subject,", /Invalid \$orderby clause/);
    refuse(",subject", /Invalid \$orderby clause/);
  });
});
