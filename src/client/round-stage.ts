// A round in the making. Pages are staged here, in memory, and nothing reaches the store until
// the round's deltaLink arrives; then plan() turns the stage into one LocalStoreCommit.
//
// Rules (spec §7.3, §9.5): the same calendar may come several times in a round, and rounds may
// replay what an earlier round sent — later occurrences win. An update may carry only the
// changed properties ("at least the changed properties plus id"), so upserts merge into what is
// known; except in a full round (initial or resync), which carries whole calendars and replaces
// the local set outright: local calendars it did not mention are removed (reconciliation).
//
// Events (calendarView/delta) follow the same rules with one difference: Graph sends every
// changed event whole (occurrences as whole skeletons), so an event replaces what is stored
// instead of merging into it — merging would keep properties the server no longer has.
import { Annotation } from "../graph/index.js";
import { DeltaProtocolError } from "./sync-errors.js";
import type { CalendarRecord, LocalStoreCommit, LocalStore, SyncResource } from "./local-store.js";

/** The three reads a plan needs, on the resource's own items. */
function itemsOf(store: LocalStore, resource: SyncResource) {
  return resource === "events"
    ? { get: (ids: readonly string[]) => store.getEvents(ids), listIds: () => store.listEventIds(), count: () => store.countEvents() }
    : { get: (ids: readonly string[]) => store.getCalendars(ids), listIds: () => store.listIds(), count: () => store.count() };
}

type Staged = { removed: true } | { removed: false; calendar: CalendarRecord; fresh: boolean };

/**
 * What a round did to the local store.
 *
 * @example
 * const { added, updated, removed, total } = await sync.runRound();
 */
export interface RoundCounts {
  added: number;
  updated: number;
  removed: number;
  /** Items (calendars, or events as stored) in the store after the round. */
  total: number;
}

/** Copies a calendar without OData annotations (`@odata.type`, `name@odata.…`, `@removed`). */
function withoutAnnotations(item: Record<string, unknown>): CalendarRecord {
  const calendar: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(item)) if (!key.includes("@")) calendar[key] = value;
  return calendar as CalendarRecord;
}

/** Key-order-insensitive equality of two JSON values. */
function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  return ka.every((k) => Object.hasOwn(b, k) && sameJson((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

export class RoundStage {
  readonly #staged = new Map<string, Staged>();
  /** A full round (initial or resync) replaces the local set instead of patching it. */
  readonly full: boolean;
  readonly resource: SyncResource;
  /** Updates merge into the stored item (calendars) or replace it (events, sent whole). */
  readonly #merge: boolean;
  /** Entries received, duplicates included. */
  items = 0;

  constructor(args: { full: boolean; resource?: SyncResource }) {
    this.full = args.full;
    this.resource = args.resource ?? "calendars";
    this.#merge = this.resource === "calendars";
  }

  /** Stages one entry of a page's `value`. */
  add(item: unknown): void {
    const entry = item as Record<string, unknown> | null;
    if (typeof entry !== "object" || entry === null || typeof entry.id !== "string" || entry.id === "") {
      throw new DeltaProtocolError(`delta entry without an id: ${JSON.stringify(item)?.slice(0, 200)}`);
    }
    this.items++;
    const id = entry.id;
    if (entry[Annotation.removed] !== undefined) {
      this.#staged.set(id, { removed: true });
      return;
    }
    const calendar = withoutAnnotations(entry);
    const before = this.#staged.get(id);
    if (before && !before.removed && this.#merge) {
      this.#staged.set(id, { removed: false, calendar: { ...before.calendar, ...calendar }, fresh: before.fresh });
    } else {
      // Removed earlier in the round and now back: a new calendar, nothing to merge with.
      this.#staged.set(id, { removed: false, calendar, fresh: this.full || before !== undefined || !this.#merge });
    }
  }

  /** Turns the stage into the commit that brings `store` to the end of this round. */
  async plan(store: LocalStore): Promise<{ commit: Omit<LocalStoreCommit, "state">; counts: RoundCounts }> {
    const items = itemsOf(store, this.resource);
    const localIds = this.full ? await items.listIds() : undefined;
    const before = localIds?.length ?? await items.count();
    const existing = await items.get([...this.#staged.keys()]);
    const upserts: CalendarRecord[] = [];
    const removals: string[] = [];
    let added = 0;
    let updated = 0;
    for (const [id, staged] of this.#staged) {
      const old = existing.get(id);
      if (staged.removed) {
        if (old) removals.push(id);
        continue;
      }
      const calendar = old && !staged.fresh ? { ...old, ...staged.calendar } : staged.calendar;
      if (!old) added++;
      else if (sameJson(old, calendar)) continue; // a replay: nothing to write
      else updated++;
      upserts.push(calendar);
    }
    if (localIds) {
      for (const id of localIds) if (!this.#staged.has(id)) removals.push(id);
    }
    return {
      commit: { upserts, removals, resource: this.resource },
      counts: { added, updated, removed: removals.length, total: before + added - removals.length },
    };
  }
}
