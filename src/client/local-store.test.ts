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
});

describe("sqlite sync store", () => {
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
