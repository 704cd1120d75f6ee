import { describe, expect, it } from "vitest";
import { thrown } from "../../../test/support/thrown.js";
import { ValidationError } from "../errors.js";
import { MAX_NAME_LENGTH, parseCalendarInput, parseCalendarName } from "./calendar-input.js";

const validationOf = (fn: () => unknown) => thrown(ValidationError, fn);

const create = (body: unknown, apiVersion: "v1.0" | "beta" = "beta") => parseCalendarInput(body, { apiVersion, mode: "create" });
const update = (body: unknown, apiVersion: "v1.0" | "beta" = "beta") => parseCalendarInput(body, { apiVersion, mode: "update" });

describe("parseCalendarInput", () => {
  it("parseCalendarInput: reads the writable properties", () => {
    expect(create({ name: "Work", color: "lightRed", hexColor: "#A1b2C3", isDefaultCalendar: false }))
      .toEqual({ input: { name: "Work", color: "lightRed", hexColor: "#A1b2C3", isDefaultCalendar: false }, readOnly: {} });
  });

  it("parseCalendarInput: create needs a name; update does not", () => {
    expect(validationOf(() => create({ color: "auto" })).detail).toBe("invalidRequest");
    expect(update({ color: "auto" }).input).toEqual({ color: "auto" });
    expect(update({}).input).toEqual({});
  });

  it("parseCalendarInput: the body must be a JSON object", () => {
    for (const body of [null, [], "x", 1, true, undefined]) {
      expect(validationOf(() => create(body)).detail, JSON.stringify(body)).toBe("badRequest");
    }
  });

  it("parseCalendarInput: colours match case-insensitively and come back camelCase", () => {
    expect(create({ name: "a", color: "LIGHTBLUE" }).input.color).toBe("lightBlue");
    expect(create({ name: "a", color: "MaxColor" }).input.color).toBe("maxColor");
    expect(create({ name: "a", color: "Auto" }).input.color).toBe("auto");
  });

  it("parseCalendarInput: unknown colours and non-strings are BadRequest", () => {
    for (const color of ["purple", "", 3, null, ["auto"], "light blue"]) {
      expect(validationOf(() => create({ name: "a", color })).detail, JSON.stringify(color)).toBe("badRequest");
    }
  });

  it("parseCalendarInput: unknown properties are BadRequest, @odata annotations are ignored", () => {
    const error = validationOf(() => create({ name: "a", colour: "auto" }));
    expect(error.detail).toBe("badRequest");
    expect(error.message).toContain("'colour'");
    expect(create({ name: "a", "@odata.type": "#microsoft.graph.calendar", "@odata.etag": "x" }).input).toEqual({ name: "a" });
  });

  it("parseCalendarInput: beta-only properties do not exist on v1.0", () => {
    expect(validationOf(() => create({ name: "a", isShared: false }, "v1.0")).detail).toBe("badRequest");
    expect(create({ name: "a", isShared: false }, "beta").readOnly).toEqual({ isShared: false });
  });

  it("parseCalendarInput: hexColor is writable on beta, read-only on v1.0 (decision 12)", () => {
    expect(create({ name: "a", hexColor: "#112233" }, "beta")).toEqual({ input: { name: "a", hexColor: "#112233" }, readOnly: {} });
    expect(create({ name: "a", hexColor: "#112233" }, "v1.0")).toEqual({ input: { name: "a" }, readOnly: { hexColor: "#112233" } });
    expect(create({ name: "a", hexColor: "" }, "beta").input.hexColor).toBe("");
  });

  it("parseCalendarInput: hexColor must be #RRGGBB", () => {
    for (const hex of ["red", "#12345", "#1234567", "112233", "#GGGGGG", 0x112233]) {
      expect(validationOf(() => create({ name: "a", hexColor: hex })).detail, String(hex)).toBe("invalidRequest");
    }
  });

  it("parseCalendarInput: isDefaultCalendar must be a boolean", () => {
    expect(validationOf(() => update({ isDefaultCalendar: "true" })).detail).toBe("badRequest");
    expect(update({ isDefaultCalendar: true }).input).toEqual({ isDefaultCalendar: true });
  });

  it("parseCalendarInput: read-only properties are collected, not applied", () => {
    const body = { name: "a", id: "x", changeKey: "k", isRemovable: true, owner: { name: "n", address: "a@b" } };
    expect(create(body)).toEqual({
      input: { name: "a" }, readOnly: { id: "x", changeKey: "k", isRemovable: true, owner: { name: "n", address: "a@b" } },
    });
  });
});

describe("parseCalendarName", () => {
  it("parseCalendarName: up to 255 characters, trimmed as Exchange keeps folder names", () => {
    expect(MAX_NAME_LENGTH).toBe(255);
    expect(parseCalendarName("x".repeat(255))).toHaveLength(255);
    expect(parseCalendarName("  Team  ")).toBe("Team");
    expect(parseCalendarName("\u00a0Team B\u3000")).toBe("Team B");
    // The length is the trimmed name's.
    expect(parseCalendarName(` ${"x".repeat(255)} `)).toHaveLength(255);
  });

  it("parseCalendarName: control characters anywhere are ErrorInvalidRequest", () => {
    for (const bad of ["Te\u0000am", "Team\n", "\tTeam", "Te\u001fam", "Te\u007fam"]) {
      expect(validationOf(() => parseCalendarName(bad)).detail, JSON.stringify(bad)).toBe("invalidRequest");
    }
  });

  it("parseCalendarName: longer, empty or blank names are ErrorInvalidRequest; non-strings BadRequest", () => {
    expect(validationOf(() => parseCalendarName("x".repeat(256))).detail).toBe("invalidRequest");
    expect(validationOf(() => parseCalendarName("")).detail).toBe("invalidRequest");
    expect(validationOf(() => parseCalendarName(" \t ")).detail).toBe("invalidRequest");
    for (const bad of [null, 5, {}, ["a"]]) {
      expect(validationOf(() => parseCalendarName(bad)).detail, JSON.stringify(bad)).toBe("badRequest");
    }
  });
});
