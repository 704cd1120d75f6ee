import { describe, expect, it } from "vitest";
import { type LoggedChange, NoticeTail } from "../../src/domain/index.js";

// The dispatcher's in-memory tail of logged changes may spare a pass its read of the change log,
// but only for a window it holds seq by seq: anything it lacks must send the pass to the store.

const event = (seq: number, id = `e${seq}`): LoggedChange => ({ kind: "events", seq, itemId: id, calendarId: "c", removed: false, created: true, changeKey: `k${seq}` });
const calendar = (seq: number): LoggedChange => ({ kind: "calendars", seq, itemId: "c", calendarId: "c", removed: false, created: false, changeKey: `ck${seq}` });

describe("NoticeTail", () => {
  it("answers a window it holds in full, in seq order, by log", () => {
    const tail = new NoticeTail();
    tail.add("m", [event(1), event(2)]);
    tail.add("m", [calendar(3), event(3, "e3b")]);
    const window = tail.window("m", 0, 3);
    expect(window?.events.map((n) => n.itemId)).toEqual(["e1", "e2", "e3b"]);
    expect(window?.calendars.map((n) => n.seq)).toEqual([3]);
    expect(tail.window("m", 1, 2)?.events.map((n) => n.seq)).toEqual([2]);
    expect(tail.window("m", 3, 3)).toEqual({ events: [], calendars: [] });
  });

  it("gives up on a window with any seq it did not see (another instance's write, a seq without an entry)", () => {
    const tail = new NoticeTail();
    tail.add("m", [event(1), event(3)]);
    expect(tail.window("m", 0, 3)).toBeUndefined();
    expect(tail.window("m", 2, 3)?.events.map((n) => n.seq)).toEqual([3]);
    expect(tail.window("other", 0, 1)).toBeUndefined();
  });

  it("keeps the latest 64 seqs of a mailbox: an older window goes to the store", () => {
    const tail = new NoticeTail();
    for (let seq = 1; seq <= 100; seq++) tail.add("m", [event(seq)]);
    expect(tail.window("m", 0, 10)).toBeUndefined();
    expect(tail.window("m", 36, 100)?.events).toHaveLength(64);
    expect(tail.window("m", 35, 100)).toBeUndefined();
  });

  it("forgets a mailbox, or all", () => {
    const tail = new NoticeTail();
    tail.add("a", [event(1)]);
    tail.add("b", [event(1)]);
    tail.forget("a");
    expect(tail.window("a", 0, 1)).toBeUndefined();
    expect(tail.window("b", 0, 1)).toBeDefined();
    tail.forget(null);
    expect(tail.window("b", 0, 1)).toBeUndefined();
  });
});
