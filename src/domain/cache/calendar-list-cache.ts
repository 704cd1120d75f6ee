import type { Calendar } from "../model.js";

export interface CalendarListPage {
  readonly calendars: readonly Calendar[];
  readonly hasMore: boolean;
}

/**
 * Pages of calendar lists, each kept with the mailbox change seq it was read at. A page is a
 * function of the mailbox's state, and every write that changes it (calendars, groups,
 * sharing, the default flag) takes a new seq in its transaction (ChangeLogWriter). So a page
 * cached at seq S is exactly what the store would answer while the mailbox is still at S.
 *
 * Unlike the delta watermark, nothing here is trusted without asking the store: the caller
 * reads the committed seq on every request (`Store.getChangeSeq`, a cheap point read) and a
 * page is only served when it was cached at that very seq. Writes from other processes are
 * therefore seen at once, and there is no TTL. The caller must read the seq *before* reading
 * the page it caches: the page is then at least as new as S, and if it is newer, the mailbox
 * has already moved past S and the entry can never be served.
 *
 * Bounded by entries and by the calendars they hold (pages of big mailboxes are large);
 * the oldest-inserted entry goes first. Cached pages are frozen: every request shares them.
 */
export class CalendarListCache {
  readonly #entries = new Map<string, { seq: number; page: CalendarListPage }>();
  readonly #limits: { readonly entries: number; readonly calendars: number };
  #calendars = 0;

  // Not a BoundedMap: the bound counts calendars as well as entries.
  constructor(limits: { entries: number; calendars: number } = { entries: 10_000, calendars: 100_000 }) {
    this.#limits = { ...limits };
  }

  get(key: string, seq: number): CalendarListPage | undefined {
    const entry = this.#entries.get(key);
    return entry && entry.seq === seq ? entry.page : undefined;
  }

  /** Keeps the page read at `seq` (replacing the key's older one); returns it frozen. */
  set(key: string, seq: number, page: CalendarListPage): CalendarListPage {
    const frozen: CalendarListPage = Object.freeze({
      calendars: Object.freeze(page.calendars.map(deepFreeze)), hasMore: page.hasMore,
    });
    this.#delete(key);
    const size = frozen.calendars.length;
    if (size > this.#limits.calendars) return frozen;
    while (this.#entries.size >= this.#limits.entries || this.#calendars + size > this.#limits.calendars) {
      this.#delete(this.#entries.keys().next().value as string);
    }
    this.#entries.set(key, { seq, page: frozen });
    this.#calendars += size;
    return frozen;
  }

  get size(): number {
    return this.#entries.size;
  }

  #delete(key: string): void {
    const entry = this.#entries.get(key);
    if (!entry) return;
    this.#entries.delete(key);
    this.#calendars -= entry.page.calendars.length;
  }
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === "object" && !Object.isFrozen(value)) {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}
