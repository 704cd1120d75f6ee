import { describe, expect, it } from "vitest";
import { hydrateEvents } from "./event-view.js";

const at = (dateTime: string) => ({ dateTime, timeZone: "UTC" });
const master = {
  id: "M", type: "seriesMaster", seriesMasterId: null, subject: "Standup", iCalUId: "ICAL-M", bodyPreview: "daily",
  start: at("2026-03-02T09:00:00.0000000"), end: at("2026-03-02T09:15:00.0000000"),
  recurrence: { pattern: { type: "daily", interval: 1 } }, location: { displayName: "Room 1" },
};

describe("event view", () => {
  it("hydrate: occurrences take the master's properties and keep their own id, type, seriesMasterId, start, end", () => {
    const view = hydrateEvents([
      { id: "O2", type: "occurrence", seriesMasterId: "M", start: at("2026-03-03T09:00:00.0000000"), end: at("2026-03-03T09:15:00.0000000") },
      master,
      { id: "X", type: "exception", seriesMasterId: "M", subject: "Moved", iCalUId: "ICAL-X", start: at("2026-03-04T11:00:00.0000000"), end: at("2026-03-04T11:15:00.0000000") },
      { id: "S", type: "singleInstance", subject: "Lunch", start: at("2026-03-01T12:00:00.0000000"), end: at("2026-03-01T13:00:00.0000000") },
      { id: "Orphan", type: "occurrence", seriesMasterId: "gone", start: at("2026-03-09T09:00:00.0000000"), end: at("2026-03-09T09:15:00.0000000") },
    ]);
    expect(view.map((e) => e.id)).toEqual(["S", "O2", "X", "Orphan"]); // by start; no master
    expect(view[1]).toEqual({
      id: "O2", type: "occurrence", seriesMasterId: "M", subject: "Standup", bodyPreview: "daily", location: { displayName: "Room 1" },
      recurrence: null, start: at("2026-03-03T09:00:00.0000000"), end: at("2026-03-03T09:15:00.0000000"),
    });
    expect(view[2]).toMatchObject({ subject: "Moved", iCalUId: "ICAL-X" }); // exceptions as stored
    expect(view[3]).toEqual({ id: "Orphan", type: "occurrence", seriesMasterId: "gone", start: at("2026-03-09T09:00:00.0000000"), end: at("2026-03-09T09:15:00.0000000") });
  });
});
