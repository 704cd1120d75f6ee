import { describe, expect, it } from "vitest";
import { compilePathPattern, normalizePath } from "./path-pattern.js";

describe("path patterns", () => {
  const m = (pattern: string, path: string) => compilePathPattern(pattern).matches(normalizePath(path));

  it("compilePathPattern: a literal pattern matches that path only, case-insensitively, with or without a trailing slash", () => {
    expect(m("/me/calendars/delta", "/me/calendars/delta")).toBe(true);
    expect(m("/me/calendars/delta", "/ME/Calendars/Delta/")).toBe(true);
    expect(m("/me/calendars/delta", "/me/calendars")).toBe(false);
    expect(m("/me/calendars/delta", "/me/calendars/delta/extra")).toBe(false);
    expect(m("/me/calendars", "/me/calendarsx")).toBe(false);
  });

  it("compilePathPattern: '*' is exactly one segment", () => {
    expect(m("/users/*/calendarView/delta", "/users/adelev@contoso.com/calendarView/delta")).toBe(true);
    expect(m("/users/*/calendarView/delta", "/users/calendarView/delta")).toBe(false);
    expect(m("/users/*/calendarView/delta", "/users/a/b/calendarView/delta")).toBe(false);
  });

  it("compilePathPattern: '**' is any number of segments, none included", () => {
    expect(m("/me/**", "/me")).toBe(true);
    expect(m("/me/**", "/me/calendars/abc/events")).toBe(true);
    expect(m("/**/delta", "/users/x/calendars/delta")).toBe(true);
    expect(m("/**/delta", "/me/calendars")).toBe(false);
    expect(m("/**", "/anything/at/all")).toBe(true);
  });

  it("compilePathPattern: regex characters in a literal are literal", () => {
    expect(m("/me/calendars/microsoft.graph.delta", "/me/calendars/microsoftXgraphXdelta")).toBe(false);
    expect(m("/me/calendars/microsoft.graph.delta", "/me/calendars/microsoft.graph.delta")).toBe(true);
  });

  it("compilePathPattern: percent escapes compare decoded", () => {
    expect(m("/users/a b@contoso.com/calendars", "/users/a%20b%40contoso.com/calendars")).toBe(true);
  });

  it("compilePathPattern: refuses patterns it cannot mean", () => {
    expect(() => compilePathPattern("me/calendars")).toThrow(/start with '\/'/);
    expect(() => compilePathPattern("/me/cal*")).toThrow(/whole segments/);
    expect(() => compilePathPattern("/me/calendars?$top=1")).toThrow(/no query/);
  });

  it("compilePathPattern: says whether it names an identity endpoint", () => {
    expect(compilePathPattern("/*/oauth2/v2.0/token").namesIdentity).toBe(true);
    expect(compilePathPattern("/**").namesIdentity).toBe(false);
  });
});
