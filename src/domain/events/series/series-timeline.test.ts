import { describe, expect, it } from "vitest";
import { parseEventInput } from "../event-input.js";
import { newEvent } from "../event-defaults.js";
import type { Event } from "../../model.js";
import { expandSeries, isPatternOccurrence, neighbourOriginals, seriesExtent } from "./series.js";
import { SeriesTimeline } from "./series-timeline.js";

// The timeline answers from one expansion what series.ts answers by expanding per question:
// each answer must be the same, for series with and without an end.

const owner = { name: "Megan Bowen", address: "megan@contoso.com" };
const NOW = Date.UTC(2026, 11, 2);
const DAY = 86_400_000;

function master(recurrence: unknown): Event {
  const input = parseEventInput({
    start: { dateTime: "2027-03-01T09:30:00", timeZone: "Pacific Standard Time" },
    end: { dateTime: "2027-03-01T10:00:00", timeZone: "Pacific Standard Time" },
    recurrence,
  }, { apiVersion: "v1.0", mode: "create" }).input;
  return {
    ...newEvent({ owner, input, nowMs: NOW }), id: "m", uid: "u", iCalUId: "u", changeKey: "k", webLink: "", createdDateTime: NOW,
    lastModifiedDateTime: NOW, calendarId: "c", seriesMasterId: null, originalStart: null, createdSeq: 1, changeSeq: 1, cancelledOccurrences: [],
  };
}

const SERIES = {
  numbered: { pattern: { type: "weekly", interval: 1, daysOfWeek: ["monday", "thursday"] }, range: { type: "numbered", startDate: "2027-03-01", numberOfOccurrences: 20 } },
  endDate: { pattern: { type: "daily", interval: 2 }, range: { type: "endDate", startDate: "2027-03-01", endDate: "2027-04-15" } },
  noEnd: { pattern: { type: "absoluteMonthly", interval: 1, dayOfMonth: 1 }, range: { type: "noEnd", startDate: "2027-03-01" } },
};

describe("SeriesTimeline", () => {
  for (const [kind, recurrence] of Object.entries(SERIES)) {
    it(`SeriesTimeline: answers as series.ts does (${kind}, across the DST change of 14 March)`, () => {
      const m = master(recurrence);
      const timeline = new SeriesTimeline(m);
      expect(timeline.extent()).toEqual(seriesExtent(m));
      const window = { startMs: Date.UTC(2027, 1, 20), endMs: Date.UTC(2027, 8, 1) };
      const occurrences = expandSeries(m, window);
      expect(occurrences.length).toBeGreaterThan(3);
      const cancelled = new Set([occurrences[2]?.originalStartMs as number]);
      const withCancelled = { ...m, cancelledOccurrences: [...cancelled] };
      for (const o of occurrences) {
        expect(timeline.has(o.originalStartMs)).toBe(true);
        expect(timeline.has(o.originalStartMs + 60_000)).toBe(isPatternOccurrence(m, o.originalStartMs + 60_000));
        expect(timeline.onDate(o.date.toString(), () => ({ startMs: o.originalStartMs - DAY, endMs: o.originalStartMs + DAY }))).toBe(o.originalStartMs);
        expect(timeline.neighbours(o.originalStartMs, cancelled)).toEqual(neighbourOriginals(withCancelled, o.originalStartMs));
      }
      expect(timeline.onDate("2027-02-27", () => ({ startMs: Date.UTC(2027, 1, 26), endMs: Date.UTC(2027, 2, 1) }))).toBeUndefined();
    });
  }
});
