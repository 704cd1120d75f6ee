import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { MemoryLocalStore } from "./memory-local-store.js";
import { openSqliteLocalStore } from "./sqlite-local-store.js";
import type { LocalStore } from "./local-store.js";

// One contract, every local store (conventions §10b).

const dir = mkdtempSync(join(tmpdir(), "graphcal-local-store-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;

const STORES: Array<[string, () => Promise<LocalStore>]> = [
  ["memory", async () => new MemoryLocalStore()],
  ["sqlite", () => openSqliteLocalStore(join(dir, `s${n++}.db`))],
];
const state = (k: number) => ({ deltaLink: `https://graph.example/beta/me/calendars/delta?$deltatoken=${k}`, source: "https://graph.example/beta/me/calendars/delta" });

describe.each(STORES)("sync store (%s)", (_name, open) => {
  it("commit: applies upserts, removals and state together", async () => {
    const store = await open();
    expect(await store.readState()).toBeUndefined();
    await store.commit({ upserts: [{ id: "B", name: "b" }, { id: "A", name: "a", owner: { address: "x@y" } }], removals: [], state: state(1) });
    await store.commit({ upserts: [{ id: "A", name: "a2" }], removals: ["B"], state: state(2) });
    expect(await store.readState()).toEqual(state(2));
    expect(await store.listCalendars()).toEqual([{ id: "A", name: "a2" }]);
    expect(await store.listIds()).toEqual(["A"]);
    expect(await store.count()).toBe(1);
    expect(await store.getCalendars(["A", "B"])).toEqual(new Map([["A", { id: "A", name: "a2" }]]));
    await store.close();
  });

  it("commit: all or nothing — a failing commit leaves the previous round", async () => {
    const store = await open();
    await store.commit({ upserts: [{ id: "A", name: "a" }], removals: [], state: state(1) });
    const unserialisable = { id: "C", get boom(): never { throw new Error("boom"); } };
    await expect(store.commit({ upserts: [{ id: "B", name: "b" }, unserialisable], removals: ["A"], state: state(2) })).rejects.toThrow();
    expect(await store.readState()).toEqual(state(1));
    expect(await store.listCalendars()).toEqual([{ id: "A", name: "a" }]);
    await store.close();
  });

  it("listCalendars: returns copies the caller cannot use to change the store", async () => {
    const store = await open();
    await store.commit({ upserts: [{ id: "A", tags: ["x"] }], removals: [], state: state(1) });
    const [a] = await store.listCalendars();
    (a!.tags as string[]).push("y");
    expect(await store.listCalendars()).toEqual([{ id: "A", tags: ["x"] }]);
    await store.close();
  });

  it("events: stored apart from calendars, each with its own state, committed all or nothing", async () => {
    const store = await open();
    const events = { deltaLink: "https://graph.example/beta/me/calendarView/delta?$deltatoken=e1", source: "https://graph.example/beta/me/calendarView/delta?startDateTime=a&endDateTime=b" };
    await store.commit({ upserts: [{ id: "A", name: "cal" }], removals: [], state: state(1) });
    await store.commit({ resource: "events", upserts: [{ id: "E2", subject: "x" }, { id: "A", subject: "same id, other table" }], removals: [], state: events });
    expect(await store.readState()).toEqual(state(1));
    expect(await store.readState("calendars")).toEqual(state(1));
    expect(await store.readState("events")).toEqual(events);
    expect(await store.listCalendars()).toEqual([{ id: "A", name: "cal" }]);
    expect(await store.listEvents()).toEqual([{ id: "A", subject: "same id, other table" }, { id: "E2", subject: "x" }]);
    expect(await store.listEventIds()).toEqual(["A", "E2"]);
    expect(await store.countEvents()).toBe(2);
    expect(await store.getEvents(["E2", "Z"])).toEqual(new Map([["E2", { id: "E2", subject: "x" }]]));

    const unserialisable = { id: "C", get boom(): never { throw new Error("boom"); } };
    await expect(store.commit({ resource: "events", upserts: [unserialisable], removals: ["E2"], state: { ...events, deltaLink: "x" } })).rejects.toThrow();
    expect(await store.readState("events")).toEqual(events);
    expect(await store.countEvents()).toBe(2);

    await store.commit({ resource: "events", upserts: [], removals: ["A"], state: { ...events, deltaLink: "e2" } });
    expect(await store.listEventIds()).toEqual(["E2"]);
    expect(await store.listCalendars()).toEqual([{ id: "A", name: "cal" }]); // untouched by an events round
    expect(await store.readState()).toEqual(state(1));
    await store.close();
  });
});

describe("sqlite sync store", () => {
  it("open: a schema-1 file (calendars only) keeps its calendars and deltaLink, and gains events", async () => {
    const path = join(dir, "v1.db");
    const { default: Database } = await import("better-sqlite3");
    const db = new Database(path);
    db.exec(`
      CREATE TABLE calendars (id TEXT PRIMARY KEY, body TEXT NOT NULL) WITHOUT ROWID;
      CREATE TABLE sync_state (only_row INTEGER PRIMARY KEY CHECK (only_row = 1), delta_link TEXT NOT NULL, source TEXT NOT NULL, committed_at TEXT NOT NULL);
      INSERT INTO calendars VALUES ('A', '{"id":"A","name":"a"}');
      INSERT INTO sync_state VALUES (1, '${state(3).deltaLink}', '${state(3).source}', '2026-01-01T00:00:00Z');
      PRAGMA application_id = ${0x47435359};
      PRAGMA user_version = 1;
    `);
    db.close();
    const store = await openSqliteLocalStore(path, { mustExist: true });
    expect(await store.readState()).toEqual(state(3));
    expect(await store.listCalendars()).toEqual([{ id: "A", name: "a" }]);
    expect(await store.readState("events")).toBeUndefined();
    await store.commit({ resource: "events", upserts: [{ id: "E" }], removals: [], state: state(4) });
    expect(await store.listEvents()).toEqual([{ id: "E" }]);
    expect(await store.readState()).toEqual(state(3));
    await store.close();
  });

  it("open: keeps its data across reopen", async () => {
    const path = join(dir, "reopen.db");
    const store = await openSqliteLocalStore(path);
    await store.commit({ upserts: [{ id: "A", name: "a" }], removals: [], state: state(7) });
    await store.close();
    const again = await openSqliteLocalStore(path, { mustExist: true });
    expect(await again.readState()).toEqual(state(7));
    expect(await again.listCalendars()).toEqual([{ id: "A", name: "a" }]);
    await again.close();
  });

  it("open: mustExist refuses a missing file", async () => {
    await expect(openSqliteLocalStore(join(dir, "missing.db"), { mustExist: true })).rejects.toThrow();
  });
});
