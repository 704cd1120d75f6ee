import { describe, expect, it } from "vitest";
import { CALENDAR_PROPERTIES } from "../../graph/index.js";
import { InvalidQueryError } from "../../domain/index.js";
import { resolveSelect } from "./select.js";

const BETA = CALENDAR_PROPERTIES.beta;
const V1 = CALENDAR_PROPERTIES["v1.0"];

describe("resolveSelect", () => {
  it("resolveSelect: no $select means every property (undefined)", () => {
    expect(resolveSelect(undefined, BETA, "calendar")).toBeUndefined();
  });

  it("resolveSelect: id is always included", () => {
    expect(resolveSelect("name", BETA, "calendar")).toEqual(["id", "name"]);
    expect(resolveSelect("id", BETA, "calendar")).toEqual(["id"]);
  });

  it("resolveSelect: names match case-insensitively and come back canonical", () => {
    expect(resolveSelect("NAME,isdefaultcalendar", BETA, "calendar")).toEqual(["id", "name", "isDefaultCalendar"]);
  });

  it("resolveSelect: the result follows the type's property order, not the request's", () => {
    expect(resolveSelect("owner,color,name", BETA, "calendar")).toEqual(["id", "name", "color", "owner"]);
  });

  it("resolveSelect: whitespace around items is ignored and duplicates collapse", () => {
    expect(resolveSelect(" name , color,name ", V1, "calendar")).toEqual(["id", "name", "color"]);
  });

  it("resolveSelect: * selects everything", () => {
    expect(resolveSelect("*", BETA, "calendar")).toBeUndefined();
    expect(resolveSelect("name,*", BETA, "calendar")).toBeUndefined();
  });

  it("resolveSelect: unknown properties are errors naming the property and the type", () => {
    expect(() => resolveSelect("name,bogus", BETA, "calendar"))
      .toThrow("Could not find a property named 'bogus' on type 'microsoft.graph.calendar'.");
  });

  it("resolveSelect: beta-only properties are unknown on v1.0", () => {
    for (const betaOnly of ["isShared", "isSharedWithMe", "calendarGroupId", "groupClassId"]) {
      expect(resolveSelect(betaOnly, BETA, "calendar")).toContain(betaOnly);
      expect(() => resolveSelect(betaOnly, V1, "calendar"), betaOnly).toThrow(InvalidQueryError);
    }
  });

  it("resolveSelect: empty items are errors", () => {
    for (const bad of ["", "name,", ",name", "name,,color", " "]) {
      expect(() => resolveSelect(bad, BETA, "calendar"), JSON.stringify(bad)).toThrow(InvalidQueryError);
    }
  });
});
