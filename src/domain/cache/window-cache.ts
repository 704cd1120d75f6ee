import type { Event } from "../model.js";
import { SeqCache } from "./seq-cache.js";

/**
 * calendarView windows: the expanded, start-ordered events of one calendar over one window, each
 * at the mailbox change seq it was read at (SeqCache says why that is exact). Apps re-read the
 * same week again and again (a scheduler's screen, a poller); this makes that cost what
 * serialising one page costs. Events are shallow-frozen: the serialiser copies what it changes.
 */
export class WindowCache extends SeqCache<readonly Event[]> {
  constructor(limits: { entries: number; events: number } = { entries: 1_000, events: 200_000 }) {
    super({
      limits: { entries: limits.entries, items: limits.events },
      sizeOf: (events) => events.length,
      freeze: (events) => Object.freeze(events.map((e) => Object.freeze(e))),
    });
  }
}
