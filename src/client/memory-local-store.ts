import type { CalendarRecord, EventRecord, LocalStoreCommit, SyncResource, SyncState, LocalStore } from "./local-store.js";

const clone = <T>(value: T): T => structuredClone(value);
const byId = (a: { id: string }, b: { id: string }) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

function pick<T>(items: Map<string, T>, ids: readonly string[]): Map<string, T> {
  const found = new Map<string, T>();
  for (const id of ids) {
    const item = items.get(id);
    if (item) found.set(id, clone(item));
  }
  return found;
}

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
  readonly #items: Record<SyncResource, Map<string, CalendarRecord>> = { calendars: new Map(), events: new Map() };
  readonly #state = new Map<SyncResource, SyncState>();

  async readState(resource: SyncResource = "calendars"): Promise<SyncState | undefined> {
    const state = this.#state.get(resource);
    return state && { ...state };
  }

  async getCalendars(ids: readonly string[]): Promise<Map<string, CalendarRecord>> {
    return pick(this.#items.calendars, ids);
  }

  async listIds(): Promise<string[]> {
    return [...this.#items.calendars.keys()].sort();
  }

  async listCalendars(): Promise<CalendarRecord[]> {
    return [...this.#items.calendars.values()].sort(byId).map(clone);
  }

  async count(): Promise<number> {
    return this.#items.calendars.size;
  }

  async getEvents(ids: readonly string[]): Promise<Map<string, EventRecord>> {
    return pick(this.#items.events, ids);
  }

  async listEventIds(): Promise<string[]> {
    return [...this.#items.events.keys()].sort();
  }

  async listEvents(): Promise<EventRecord[]> {
    return [...this.#items.events.values()].sort(byId).map(clone);
  }

  async countEvents(): Promise<number> {
    return this.#items.events.size;
  }

  async commit(commit: LocalStoreCommit): Promise<void> {
    // Copy everything before touching the maps: a throw here leaves the store as it was.
    const upserts = commit.upserts.map(clone);
    const state = { ...commit.state };
    const resource = commit.resource ?? "calendars";
    const items = this.#items[resource];
    for (const id of commit.removals) items.delete(id);
    for (const item of upserts) items.set(item.id, item);
    this.#state.set(resource, state);
  }

  async close(): Promise<void> {}
}
