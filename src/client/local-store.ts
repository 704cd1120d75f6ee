// The local store a DeltaSync keeps in step: dumb primitives only. All sync logic (staging,
// last-wins, reconciliation, counting) lives in round-stage.ts; a store just reads and commits
// one round atomically.

/**
 * A calendar as Graph sent it, minus `@odata.*` annotations: `id` plus whatever properties the
 * round carried (all of them, or those of `$select`).
 *
 * @example
 * const calendar: CalendarRecord = { id: "AAMkAG…", name: "Calendar", color: "auto" };
 */
export interface CalendarRecord {
  id: string;
  [property: string]: unknown;
}

/**
 * What a store remembers between rounds.
 *
 * @example
 * const state: SyncState = { deltaLink: "https://graph.microsoft.com/beta/me/calendars/delta?$deltatoken=…", source: "https://graph.microsoft.com/beta/me/calendars/delta" };
 */
export interface SyncState {
  /** Where the next round starts. */
  deltaLink: string;
  /** The initial delta URL this state belongs to; another one means "start over". */
  source: string;
}

/**
 * One round's outcome, committed in a single transaction together with the new state, so a
 * crash leaves the store at the previous round.
 *
 * @example
 * await store.commit({ upserts: [{ id: "A", name: "Team" }], removals: ["B"], state });
 */
export interface LocalStoreCommit {
  upserts: readonly CalendarRecord[];
  removals: readonly string[];
  state: SyncState;
}

/**
 * A local store for {@link DeltaSync}. Implement it to sync into your own database; the
 * built-in ones are {@link MemoryLocalStore} and {@link openSqliteLocalStore}.
 *
 * @example
 * const store: LocalStore = new MemoryLocalStore();
 * await store.commit({ upserts: [{ id: "A", name: "Calendar" }], removals: [], state });
 * (await store.listCalendars()).length; // 1
 */
export interface LocalStore {
  readState(): Promise<SyncState | undefined>;
  /** The stored calendars among `ids` (missing ids are absent from the map). */
  getCalendars(ids: readonly string[]): Promise<Map<string, CalendarRecord>>;
  listIds(): Promise<string[]>;
  /** Every stored calendar, ordered by id. */
  listCalendars(): Promise<CalendarRecord[]>;
  count(): Promise<number>;
  /** Applies upserts, removals and the new state all together or not at all. */
  commit(commit: LocalStoreCommit): Promise<void>;
  close(): Promise<void>;
}
