import type { ItemGroup } from "../event-delta/round-items.js";
import { SeqCache } from "./seq-cache.js";
import { deepFreeze } from "./calendar-list-cache.js";

/**
 * The item groups of an event delta round, by what the round is a function of — mailbox,
 * calendar, window and `since` in the key, the round's watermark `upTo` as the seq — so that the
 * pages of one round are cut from one computation instead of each recomputing the whole window
 * (an initial round of a year would expand every series once per page). Nothing can make an
 * entry stale: the log at or below `upTo` never changes, and a token the store can no longer
 * serve (pruned, reset, deleted calendar) is refused before the cache is asked.
 *
 * Items and their events are frozen deeply: a frozen event's JSON is memoised by the HTTP edge
 * (catalogue entry 11), so a page of a kept round re-renders none of its events.
 */
export class RoundCache extends SeqCache<readonly ItemGroup[]> {
  constructor(limits: { entries: number; items: number } = { entries: 256, items: 500_000 }) {
    super({
      limits,
      sizeOf: (groups) => groups.reduce((n, g) => n + g.items.length, 0),
      freeze: (groups) => Object.freeze(groups.map((g) => Object.freeze({ key: g.key, items: Object.freeze(g.items.map(deepFreeze)) as ItemGroup["items"] }))),
    });
  }
}
