import type { CalendarChange } from "../model.js";
import { deepFreeze } from "./calendar-list-cache.js";
import { SeqCache } from "./seq-cache.js";

/**
 * The collapsed changes of a calendars/delta round, by mailbox and `since` in the key and the
 * round's watermark `upTo` as the seq, so that the pages of a round are cut from one store read
 * instead of each running the collapsing query again (an initial sync of 10,000 calendars at 100
 * a page would run it 100 times). Nothing can make an entry stale: the log at or below `upTo`
 * never changes, and a token the store can no longer serve (pruned, reset) is refused before
 * the cache is asked. Changes are deeply frozen, so their calendars' JSON is memoised as well
 * (http/odata/serialize.ts, catalogue entry 6). Bounded by rounds and by the changes they hold.
 */
export class ChangeRoundCache extends SeqCache<readonly CalendarChange[]> {
  constructor(limits: { entries: number; items: number } = { entries: 256, items: 50_000 }) {
    super({
      limits,
      sizeOf: (changes) => changes.length,
      freeze: (changes) => Object.freeze(changes.map(deepFreeze)),
    });
  }
}
