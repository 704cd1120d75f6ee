import { SeqCache } from "./seq-cache.js";
import type { Calendar } from "../model.js";

export interface CalendarListPage {
  readonly calendars: readonly Calendar[];
  readonly hasMore: boolean;
}

/**
 * Pages of calendar lists, each at the mailbox change seq it was read at (SeqCache says why that
 * is exact: every write that changes a page — calendars, groups, sharing, the default flag —
 * takes a new seq). Bounded by pages and by the calendars they hold (pages of big mailboxes are
 * large). Pages are deeply frozen: every request shares them.
 */
export class CalendarListCache extends SeqCache<CalendarListPage> {
  constructor(limits: { entries: number; calendars: number } = { entries: 10_000, calendars: 100_000 }) {
    super({
      limits: { entries: limits.entries, items: limits.calendars },
      sizeOf: (page) => page.calendars.length,
      freeze: (page) => Object.freeze({ calendars: Object.freeze(page.calendars.map(deepFreeze)), hasMore: page.hasMore }),
    });
  }
}

/** Freezes `value` and everything it holds (shared cache values). */
export function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === "object" && !Object.isFrozen(value)) {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}
