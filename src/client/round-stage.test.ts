import { describe, expect, it } from "vitest";
import { MemoryLocalStore } from "./memory-local-store.js";
import { RoundStage } from "./round-stage.js";
import { DeltaProtocolError } from "./sync-errors.js";

const state = { deltaLink: "https://graph.example/beta/me/calendars/delta?$deltatoken=0", source: "s" };

async function storeWith(...calendars: Array<{ id: string; [k: string]: unknown }>) {
  const store = new MemoryLocalStore();
  await store.commit({ upserts: calendars, removals: [], state });
  return store;
}

async function apply(store: MemoryLocalStore, stage: RoundStage) {
  const { commit, counts } = await stage.plan(store);
  await store.commit({ ...commit, state });
  return counts;
}

describe("round stage", () => {
  it("stage: strips OData annotations and keeps properties", async () => {
    const store = await storeWith();
    const stage = new RoundStage({ full: true });
    stage.add({ "@odata.type": "#microsoft.graph.calendar", "@odata.etag": "W/1", id: "A", name: "Team", "name@odata.x": 1, owner: { name: "S" } });
    expect(await apply(store, stage)).toEqual({ added: 1, updated: 0, removed: 0, total: 1 });
    expect(await store.listCalendars()).toEqual([{ id: "A", name: "Team", owner: { name: "S" } }]);
  });

  it("stage: duplicates within a round, the last occurrence wins", async () => {
    const store = await storeWith({ id: "A", name: "old", color: "auto" });
    const stage = new RoundStage({ full: false });
    stage.add({ id: "A", name: "first", color: "lightBlue" });
    stage.add({ id: "B", name: "b1" });
    stage.add({ id: "A", name: "second" });
    stage.add({ id: "B", "@removed": { reason: "deleted" } });
    stage.add({ id: "C", "@removed": { reason: "deleted" } });
    stage.add({ id: "C", name: "back" });
    expect(stage.items).toBe(6);
    expect(await apply(store, stage)).toEqual({ added: 1, updated: 1, removed: 0, total: 2 });
    expect(await store.listCalendars()).toEqual([{ id: "A", name: "second", color: "lightBlue" }, { id: "C", name: "back" }]);
  });

  it("stage: an update carrying only changed properties merges into the stored calendar", async () => {
    const store = await storeWith({ id: "A", name: "Calendar", color: "auto", isDefaultCalendar: true });
    const stage = new RoundStage({ full: false });
    stage.add({ id: "A", name: "Renamed" });
    expect(await apply(store, stage)).toMatchObject({ updated: 1 });
    expect(await store.listCalendars()).toEqual([{ id: "A", name: "Renamed", color: "auto", isDefaultCalendar: true }]);
  });

  it("stage: replays are not counted and not rewritten", async () => {
    const store = await storeWith({ id: "A", name: "x", owner: { a: 1, b: 2 } });
    const stage = new RoundStage({ full: false });
    stage.add({ owner: { b: 2, a: 1 }, name: "x", id: "A" });
    const { commit, counts } = await stage.plan(store);
    expect(counts).toEqual({ added: 0, updated: 0, removed: 0, total: 1 });
    expect(commit.upserts).toEqual([]);
  });

  it("stage: removing an unknown calendar changes nothing", async () => {
    const store = await storeWith({ id: "A" });
    const stage = new RoundStage({ full: false });
    stage.add({ id: "Z", "@removed": { reason: "deleted" } });
    expect(await apply(store, stage)).toEqual({ added: 0, updated: 0, removed: 0, total: 1 });
  });

  it("stage: a full round reconciles — local calendars it did not mention are removed, the rest replaced whole", async () => {
    const store = await storeWith({ id: "A", name: "a", stale: true }, { id: "B", name: "b" }, { id: "C", name: "c" });
    const stage = new RoundStage({ full: true });
    stage.add({ id: "A", name: "a" });
    stage.add({ id: "D", name: "d" });
    expect(await apply(store, stage)).toEqual({ added: 1, updated: 1, removed: 2, total: 2 });
    expect(await store.listCalendars()).toEqual([{ id: "A", name: "a" }, { id: "D", name: "d" }]);
  });

  it("stage: rejects entries without an id", () => {
    const stage = new RoundStage({ full: false });
    expect(() => stage.add({ name: "x" })).toThrow(DeltaProtocolError);
    expect(() => stage.add(null)).toThrow(DeltaProtocolError);
  });
});

describe("round stage (events)", () => {
  const eventsState = { ...state, source: "e" };
  async function eventsStore(...events: Array<{ id: string; [k: string]: unknown }>) {
    const store = new MemoryLocalStore();
    await store.commit({ resource: "events", upserts: events, removals: [], state: eventsState });
    return store;
  }
  async function applyEvents(store: MemoryLocalStore, stage: RoundStage) {
    const { commit, counts } = await stage.plan(store);
    await store.commit({ ...commit, state: eventsState });
    return counts;
  }

  it("stage: an event replaces the stored one (Graph sends events whole); calendars are untouched", async () => {
    const store = await eventsStore({ id: "E", subject: "old", location: { displayName: "Room" } }, { id: "F", subject: "f" });
    await store.commit({ upserts: [{ id: "E", name: "a calendar" }], removals: [], state });
    const stage = new RoundStage({ full: false, resource: "events" });
    stage.add({ "@odata.type": "#microsoft.graph.event", id: "E", subject: "first", bodyPreview: "p" });
    stage.add({ id: "E", subject: "new" });
    stage.add({ id: "O", "@odata.etag": "W/1", type: "occurrence", seriesMasterId: "M", start: { dateTime: "2026-01-01T09:00:00" }, end: { dateTime: "2026-01-01T10:00:00" } });
    stage.add({ id: "F", "@removed": { reason: "deleted" } });
    expect(await applyEvents(store, stage)).toEqual({ added: 1, updated: 1, removed: 1, total: 2 });
    expect(await store.listEvents()).toEqual([
      { id: "E", subject: "new" },
      { id: "O", type: "occurrence", seriesMasterId: "M", start: { dateTime: "2026-01-01T09:00:00" }, end: { dateTime: "2026-01-01T10:00:00" } },
    ]);
    expect(await store.listCalendars()).toEqual([{ id: "E", name: "a calendar" }]);
  });

  it("stage: a full events round reconciles the events only", async () => {
    const store = await eventsStore({ id: "E" }, { id: "G" });
    await store.commit({ upserts: [{ id: "C" }], removals: [], state });
    const stage = new RoundStage({ full: true, resource: "events" });
    stage.add({ id: "G", subject: "g" });
    expect(await applyEvents(store, stage)).toEqual({ added: 0, updated: 1, removed: 1, total: 1 });
    expect(await store.listEvents()).toEqual([{ id: "G", subject: "g" }]);
    expect(await store.count()).toBe(1);
  });
});
