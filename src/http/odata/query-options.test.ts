import { describe, expect, it } from "vitest";
import { InvalidQueryError } from "../../domain/index.js";
import { parseCountOption, parseIntegerOption, parseQueryOptions, rejectUnsupported } from "./query-options.js";

describe("parseQueryOptions", () => {
  it("parseQueryOptions: an empty query has no options", () => {
    expect(parseQueryOptions("", "v1.0")).toEqual({});
    expect(parseQueryOptions("&&", "beta")).toEqual({});
  });

  it("parseQueryOptions: reads system options keyed without $", () => {
    expect(parseQueryOptions("$top=5&$skip=10&$select=name,color&$count=true", "v1.0"))
      .toEqual({ top: "5", skip: "10", select: "name,color", count: "true" });
  });

  it("parseQueryOptions: names compare case-insensitively ($skipToken, $TOP)", () => {
    expect(parseQueryOptions("$TOP=2&$skipToken=abc&$DeltaToken=d", "v1.0")).toEqual({ top: "2", skiptoken: "abc", deltatoken: "d" });
  });

  it("parseQueryOptions: percent-encoded names are decoded (%24select)", () => {
    expect(parseQueryOptions("%24select=name&%24TOP=3", "v1.0")).toEqual({ select: "name", top: "3" });
  });

  it("parseQueryOptions: values are percent-decoded and + is a space", () => {
    expect(parseQueryOptions("$select=name%2Ccolor&$filter=name+eq+%27a%27", "beta")).toEqual({ select: "name,color", filter: "name eq 'a'" });
  });

  it("parseQueryOptions: a value keeps later '=' characters (padded tokens)", () => {
    expect(parseQueryOptions("$deltatoken=abc==", "beta")).toEqual({ deltatoken: "abc==" });
    expect(parseQueryOptions("$top", "beta")).toEqual({ top: "" });
  });

  it("parseQueryOptions: beta accepts names without $, v1.0 ignores them", () => {
    expect(parseQueryOptions("top=2&select=name", "beta")).toEqual({ top: "2", select: "name" });
    expect(parseQueryOptions("top=2&select=name", "v1.0")).toEqual({});
  });

  it("parseQueryOptions: non-OData parameters are ignored, except calendarView's window (any casing, no $)", () => {
    expect(parseQueryOptions("foo=bar&$foo=1&$top=1", "v1.0")).toEqual({ top: "1" });
    expect(parseQueryOptions("StartDateTime=a&enddatetime=b&$top=1", "v1.0")).toEqual({ top: "1", startdatetime: "a", enddatetime: "b" });
    expect(() => parseQueryOptions("startDateTime=a&STARTDATETIME=b", "beta")).toThrow(/more than once/);
  });

  it("parseQueryOptions: an option given twice is an error, whatever its spelling", () => {
    expect(() => parseQueryOptions("$top=1&$top=2", "v1.0")).toThrow(InvalidQueryError);
    expect(() => parseQueryOptions("$top=1&top=2", "beta")).toThrow(/'\$top' was specified more than once/);
    expect(() => parseQueryOptions("$top=1&%24TOP=2", "v1.0")).toThrow(InvalidQueryError);
    // v1.0 ignores the bare spelling, so it is no duplicate there.
    expect(parseQueryOptions("$top=1&top=2", "v1.0")).toEqual({ top: "1" });
  });

  it("parseQueryOptions: bad percent-encoding is an InvalidQueryError", () => {
    expect(() => parseQueryOptions("$select=%E0%A4%A", "v1.0")).toThrow(InvalidQueryError);
    expect(() => parseQueryOptions("%2=1", "v1.0")).toThrow(/percent-encoded/);
  });
});

describe("parseIntegerOption", () => {
  it("parseIntegerOption: absent is undefined, digits are numbers", () => {
    expect(parseIntegerOption("top", undefined, 1)).toBeUndefined();
    expect(parseIntegerOption("top", "42", 1)).toBe(42);
    expect(parseIntegerOption("skip", "0", 0)).toBe(0);
  });

  it("parseIntegerOption: rejects values below the minimum, signs, fractions, words and huge numbers", () => {
    for (const bad of ["0", "-1", "+1", "1.5", "1e3", "abc", "", "99999999999999999999", "0x10"]) {
      expect(() => parseIntegerOption("top", bad, 1), bad).toThrow(InvalidQueryError);
    }
    expect(() => parseIntegerOption("skip", "-1", 0)).toThrow("Invalid value '-1' for query option '$skip'.");
  });
});

describe("parseCountOption", () => {
  it("parseCountOption: true/false in any case; absent is false; anything else is an error", () => {
    expect(parseCountOption(undefined)).toBe(false);
    expect(parseCountOption("true")).toBe(true);
    expect(parseCountOption("TRUE")).toBe(true);
    expect(parseCountOption("false")).toBe(false);
    expect(() => parseCountOption("1")).toThrow(InvalidQueryError);
    expect(() => parseCountOption("")).toThrow(InvalidQueryError);
  });
});

describe("rejectUnsupported", () => {
  it("rejectUnsupported: names the first unsupported option present and the resource", () => {
    expect(() => rejectUnsupported({ top: "1" }, ["filter", "orderby"], "calendars")).not.toThrow();
    expect(() => rejectUnsupported({ orderby: "name" }, ["filter", "orderby"], "calendars"))
      .toThrow("The query option '$orderby' is not supported on the 'calendars' resource.");
    // An empty value still counts as given.
    expect(() => rejectUnsupported({ filter: "" }, ["filter"], "users")).toThrow(InvalidQueryError);
  });
});
