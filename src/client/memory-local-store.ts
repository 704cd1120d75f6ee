import type { CalendarRecord, LocalStoreCommit, SyncState, LocalStore } from "./local-store.js";

const clone = <T>(value: T): T => structuredClone(value);

/**
 * A {@link LocalStore} in memory: for tests, and for processes that hold their copy only while
 * they run. Values are copied in and out, so callers cannot change the store behind its back.
 *
 * @example
 * const store = new MemoryLocalStore();
 * const sync = new DeltaSync({ baseUrl: "http://127.0.0.1:8080/beta", store, token });
 * await sync.runRound();
 * console.log(await store.listCalendars());
 */
export class MemoryLocalStore implements LocalStore {
  readonly #calendars = new Map<string, CalendarRecord>();
  #state: SyncState | undefined;

  async readState(): Promise<SyncState | undefined> {
    return this.#state && { ...this.#state };
  }

  async getCalendars(ids: readonly string[]): Promise<Map<string, CalendarRecord>> {
    const found = new Map<string, CalendarRecord>();
    for (const id of ids) {
      const calendar = this.#calendars.get(id);
      if (calendar) found.set(id, clone(calendar));
    }
    return found;
  }

  async listIds(): Promise<string[]> {
    return [...this.#calendars.keys()].sort();
  }

  async listCalendars(): Promise<CalendarRecord[]> {
    return [...this.#calendars.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)).map(clone);
  }

  async count(): Promise<number> {
    return this.#calendars.size;
  }

  async commit(commit: LocalStoreCommit): Promise<void> {
    // Copy everything before touching the maps: a throw here leaves the store as it was.
    const upserts = commit.upserts.map(clone);
    const state = { ...commit.state };
    for (const id of commit.removals) this.#calendars.delete(id);
    for (const calendar of upserts) this.#calendars.set(calendar.id, calendar);
    this.#state = state;
  }

  async close(): Promise<void> {}
}
