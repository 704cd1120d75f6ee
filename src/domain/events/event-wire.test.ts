import { describe, expect, it } from "vitest";
import { ATTENDEE_TYPES, EVENT_PROPERTIES, FREE_BUSY_STATUSES } from "../../graph/index.js";

// graph/ imports no packages (lint rule), so its event constants are tested here.
describe("EVENT_PROPERTIES", () => {
  it("EVENT_PROPERTIES: beta is v1.0 plus uid and occurrenceId, in v1.0's order", () => {
    const v1 = EVENT_PROPERTIES["v1.0"];
    const beta = EVENT_PROPERTIES.beta;
    expect(beta.filter((p) => p !== "uid" && p !== "occurrenceId")).toEqual(v1);
    expect(beta.indexOf("uid")).toBe(beta.indexOf("iCalUId") + 1);
    expect(beta.indexOf("occurrenceId")).toBe(beta.indexOf("allowNewTimeProposals") + 1);
  });

  it("EVENT_PROPERTIES: no name twice; the 201 example's order", () => {
    const v1 = EVENT_PROPERTIES["v1.0"];
    expect(new Set(v1).size).toBe(v1.length);
    expect(v1.slice(0, 4)).toEqual(["id", "createdDateTime", "lastModifiedDateTime", "changeKey"]);
    expect(v1.slice(-3)).toEqual(["attendees", "organizer", "onlineMeeting"]);
  });

  it("event enums: Graph's camelCase spellings", () => {
    expect(FREE_BUSY_STATUSES).toContain("workingElsewhere");
    expect(ATTENDEE_TYPES).toEqual(["required", "optional", "resource"]);
  });
});
