import { describe, expect, it } from "vitest";
import type { Calendar, CalendarChange } from "../model.js";
import { collapseChanges, type CollapseWindow } from "./collapse-changes.js";

// A tiny change-log language: each entry is the calendar's snapshot right after `seq`, or its removal.

function snapshot(id: string, seq: number, createdSeq: number, name: string): Calendar {
  return {
    id, name, color: "auto", hexColor: "", isDefaultCalendar: false, changeKey: `ck-${seq}`,
    canShare: true, canViewPrivateItems: true, canEdit: true, isRemovable: true, isTallyingResponses: false,
    allowedOnlineMeetingProviders: ["teamsForBusiness"], defaultOnlineMeetingProvider: "teamsForBusiness",
    owner: { name: "U", address: "u@example.com" }, calendarGroupId: null, isShared: false, isSharedWithMe: false,
    groupClassId: "g", groupId: "g", createdSeq, changeSeq: seq,
  };
}

const live = (seq: number, id: string, createdSeq: number, name = `${id}@${seq}`): CalendarChange => ({
  seq, calendarId: id, createdSeq, removed: false, calendar: snapshot(id, seq, createdSeq, name), changedAt: new Date(seq * 1000),
});

const removal = (seq: number, id: string, createdSeq: number): CalendarChange => ({
  seq, calendarId: id, createdSeq, removed: true, calendar: null, changedAt: new Date(seq * 1000),
});

/** The entries served, as `id@seq` (live) or `-id@seq` (removal). */
function collapse(changes: CalendarChange[], window: Partial<CollapseWindow> & { upTo: number }): string[] {
  const since = window.since ?? 0;
  return collapseChanges({ changes, since, after: window.after ?? since, limit: window.limit ?? 100, upTo: window.upTo })
    .map((c) => `${c.removed ? "-" : ""}${c.calendarId}@${c.seq}`);
}

describe("collapseChanges", () => {
  it("collapse: create+update → the latest snapshot only", () => {
    const log = [live(1, "a", 1), live(2, "a", 1, "renamed")];
    const [served] = collapseChanges({ changes: log, since: 0, upTo: 2, after: 0, limit: 10 });
    expect(served).toBe(log[1]);
    expect(served?.calendar?.name).toBe("renamed");
  });

  it("collapse: create+delete in one round → nothing (spec decision 27)", () => {
    const log = [live(3, "a", 3), live(4, "a", 3), removal(5, "a", 3)];
    expect(collapse(log, { since: 2, upTo: 5 })).toEqual([]);
    // Also when the round started between the create and the delete: the client never had it.
    expect(collapse(log, { since: 3, upTo: 5 })).toEqual(["-a@5"]);
  });

  it("collapse: update+delete of a calendar known at since → one removal", () => {
    const log = [live(1, "a", 1), live(4, "a", 1), removal(6, "a", 1)];
    expect(collapse(log, { since: 2, upTo: 6 })).toEqual(["-a@6"]);
    expect(collapse(log, { since: 1, upTo: 6 })).toEqual(["-a@6"]);
  });

  it("collapse: a dropped removal still hides the calendar's earlier entries", () => {
    // The removal filter applies after the collapse: the create is not resurrected.
    const log = [live(1, "k", 1), live(2, "a", 2), live(3, "a", 2), removal(4, "a", 2)];
    expect(collapse(log, { since: 1, upTo: 4 })).toEqual([]);
    expect(collapse(log, { since: 0, upTo: 4 })).toEqual(["k@1"]);
  });

  it("collapse: an initial round (since 0) never serves removals", () => {
    const log = [live(1, "a", 1), live(2, "b", 2), removal(3, "a", 1), live(4, "b", 2)];
    expect(collapse(log, { since: 0, upTo: 4 })).toEqual(["b@4"]);
  });

  it("collapse: entries above upTo are ignored: they neither show nor hide anything", () => {
    const log = [live(1, "a", 1), live(2, "b", 2), live(5, "a", 1), removal(6, "b", 2), live(7, "c", 7)];
    // At upTo 4 the round serves each calendar as it was at 4.
    expect(collapse(log, { since: 0, upTo: 4 })).toEqual(["a@1", "b@2"]);
    expect(collapse(log, { since: 0, upTo: 6 })).toEqual(["a@5"]);
  });

  it("collapse: calendars whose latest entry is at or below since are left out", () => {
    const log = [live(1, "a", 1), live(2, "b", 2), live(5, "b", 2)];
    expect(collapse(log, { since: 2, upTo: 5 })).toEqual(["b@5"]);
    expect(collapse(log, { since: 5, upTo: 5 })).toEqual([]);
  });

  it("collapse: an empty window (max(since, after) >= upTo) serves nothing", () => {
    const log = [live(1, "a", 1), live(2, "b", 2)];
    expect(collapse(log, { since: 2, upTo: 2 })).toEqual([]);
    expect(collapse(log, { since: 0, after: 2, upTo: 2 })).toEqual([]);
    expect(collapse(log, { since: 3, upTo: 2 })).toEqual([]);
  });

  it("collapse: after and limit page through the same slice, each entry once, in seq order", () => {
    const log = [
      live(1, "a", 1), live(2, "b", 2), live(3, "c", 3), live(4, "a", 1), removal(6, "b", 2),
      live(7, "d", 7), live(9, "c", 3),
    ];
    const whole = collapse(log, { since: 2, upTo: 9 });
    expect(whole).toEqual(["a@4", "-b@6", "d@7", "c@9"]);
    // Pages of 2, each asking for one more to learn whether another page follows.
    const first = collapse(log, { since: 2, upTo: 9, limit: 3 });
    expect(first).toEqual(["a@4", "-b@6", "d@7"]);
    const second = collapse(log, { since: 2, after: 6, upTo: 9, limit: 3 });
    expect(second).toEqual(["d@7", "c@9"]);
    expect([...first.slice(0, 2), ...second]).toEqual(whole);
  });

  it("collapse: a calendar changed both before and after `after` is served once, at its latest entry", () => {
    // upTo 8: "a" changed at 3 and 7, so the round's slice has a@7 only, never a@3.
    const log = [live(1, "x", 1), live(3, "a", 3), live(5, "b", 5), live(7, "a", 3)];
    expect(collapse(log, { since: 0, upTo: 8, limit: 1 })).toEqual(["x@1"]);
    expect(collapse(log, { since: 0, after: 1, upTo: 8, limit: 1 })).toEqual(["b@5"]);
    expect(collapse(log, { since: 0, after: 5, upTo: 8, limit: 1 })).toEqual(["a@7"]);
    // The later entry is probed up to upTo, not only within the page: a@3 is never served,
    // even on a page whose `after` lies between a@3 and a@7.
    expect(collapse(log, { since: 0, after: 2, upTo: 8, limit: 1 })).toEqual(["b@5"]);
  });

  it("collapse: an entry at or below `after` is not served again, even when the calendar changes after upTo", () => {
    const log = [live(1, "a", 1), live(2, "b", 2), live(9, "a", 1)];
    expect(collapse(log, { since: 0, after: 1, upTo: 8 })).toEqual(["b@2"]);
  });

  it("collapse: the log may have gaps and come in any order", () => {
    const log = [live(10, "b", 4), live(4, "b", 4), removal(12, "a", 2), live(2, "a", 2)];
    expect(collapse(log, { since: 3, upTo: 12 })).toEqual(["b@10", "-a@12"]);
    expect(collapse([...log].reverse(), { since: 3, upTo: 12 })).toEqual(["b@10", "-a@12"]);
  });

  it("collapse: limit caps the entries served", () => {
    const log = [live(1, "a", 1), live(2, "b", 2), live(3, "c", 3)];
    expect(collapse(log, { since: 0, upTo: 3, limit: 2 })).toEqual(["a@1", "b@2"]);
    expect(collapse(log, { since: 0, upTo: 3, limit: 3 })).toEqual(["a@1", "b@2", "c@3"]);
  });
});
