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
 * An event as `calendarView/delta` sent it, minus annotations: a full event (single instance,
 * series master, exception), or an occurrence skeleton (`id`, `type: "occurrence"`,
 * `seriesMasterId`, `start`, `end`) — read them hydrated with {@link hydrateEvents}.
 *
 * @example
 * const skeleton: EventRecord = { id: "AAMk…", type: "occurrence", seriesMasterId: "AAMk…", start, end };
 */
export type EventRecord = CalendarRecord;

/**
 * What a store keeps: the calendars of `calendars/delta`, the events of `calendarView/delta`.
 * Each has its own items and its own sync state (deltaLink), in the same store.
 *
 * @example
 * const state = await store.readState("events");
 */
export type SyncResource = "calendars" | "events";

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
  /** Which items and which sync state the commit is for (default `"calendars"`). */
  resource?: SyncResource;
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
  /** The state of `resource` (default `"calendars"`). */
  readState(resource?: SyncResource): Promise<SyncState | undefined>;
  /** The stored calendars among `ids` (missing ids are absent from the map). */
  getCalendars(ids: readonly string[]): Promise<Map<string, CalendarRecord>>;
  listIds(): Promise<string[]>;
  /** Every stored calendar, ordered by id. */
  listCalendars(): Promise<CalendarRecord[]>;
  count(): Promise<number>;
  /** The stored events among `ids`, as stored (occurrences are skeletons). */
  getEvents(ids: readonly string[]): Promise<Map<string, EventRecord>>;
  listEventIds(): Promise<string[]>;
  /** Every stored event as stored, ordered by id; {@link hydrateEvents} makes them a calendar view. */
  listEvents(): Promise<EventRecord[]>;
  countEvents(): Promise<number>;
  /** Applies upserts, removals and the new state all together or not at all. */
  commit(commit: LocalStoreCommit): Promise<void>;
  close(): Promise<void>;
}
