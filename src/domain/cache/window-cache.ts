import type { Event } from "../model.js";

/**
 * calendarView windows, each kept with the mailbox change seq it was read at: the expanded,
 * start-ordered events of one calendar over one window. Like the calendar list pages
 * (CalendarListCache), a window is a function of the mailbox's state, every event write takes a
 * new seq in its transaction (ChangeLogWriter), and the caller reads the committed seq *before*
 * reading the window, on every request: an entry is served only at that very seq, so it is
 * exactly what the store would answer. Apps re-read the same week again and again (a scheduler's
 * screen, a poller); this is what makes that cost what serialising one page costs.
 *
 * Bounded by windows and by the events they hold; the oldest-inserted entry goes first; a window
 * larger than the whole budget is not kept. Entries are frozen: every request shares them.
 */
export class WindowCache {
  readonly #entries = new Map<string, { seq: number; events: readonly Event[] }>();
  readonly #limits: { readonly entries: number; readonly events: number };
  #events = 0;

  constructor(limits: { entries: number; events: number } = { entries: 1_000, events: 200_000 }) {
    this.#limits = { ...limits };
  }

  get(key: string, seq: number): readonly Event[] | undefined {
    const entry = this.#entries.get(key);
    return entry && entry.seq === seq ? entry.events : undefined;
  }

  /** Keeps the window read at `seq` (replacing the key's older one); returns it frozen. */
  set(key: string, seq: number, events: readonly Event[]): readonly Event[] {
    const frozen = Object.freeze(events.map((e) => Object.freeze(e)));
    this.#delete(key);
    const size = frozen.length;
    if (size > this.#limits.events) return frozen;
    while (this.#entries.size >= this.#limits.entries || this.#events + size > this.#limits.events) {
      this.#delete(this.#entries.keys().next().value as string);
    }
    this.#entries.set(key, { seq, events: frozen });
    this.#events += size;
    return frozen;
  }

  get size(): number {
    return this.#entries.size;
  }

  #delete(key: string): void {
    const entry = this.#entries.get(key);
    if (!entry) return;
    this.#entries.delete(key);
    this.#events -= entry.events.length;
  }
}
