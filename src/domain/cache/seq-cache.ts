/**
 * Values that are a function of a mailbox's state, each kept with the mailbox change seq it was
 * read at, served only at that very seq (the calendar list pages and the calendarView windows).
 * Every write that changes such a value takes a new seq in its transaction (ChangeLogWriter),
 * and the caller reads the committed seq *before* reading the value it caches: the value is then
 * at least as new as the seq, and if it is newer the mailbox has already moved past that seq, so
 * the entry can never be served. Nothing is trusted without asking the store; there is no TTL.
 *
 * Bounded by entries and by the items they hold (`sizeOf`); the oldest-inserted entry goes first;
 * a value larger than the whole item budget is not kept. Values are frozen by `freeze` before
 * they are kept: every request shares them.
 */
export class SeqCache<V> {
  readonly #entries = new Map<string, { seq: number; value: V; size: number }>();
  readonly #limits: { readonly entries: number; readonly items: number };
  #items = 0;

  constructor(private readonly options: {
    limits: { entries: number; items: number };
    sizeOf: (value: V) => number;
    freeze: (value: V) => V;
  }) {
    this.#limits = { ...options.limits };
  }

  get(key: string, seq: number): V | undefined {
    const entry = this.#entries.get(key);
    return entry && entry.seq === seq ? entry.value : undefined;
  }

  /** Keeps the value read at `seq` (replacing the key's older one); returns it frozen. */
  set(key: string, seq: number, value: V): V {
    const frozen = this.options.freeze(value);
    this.#delete(key);
    const size = this.options.sizeOf(frozen);
    if (size > this.#limits.items) return frozen;
    while (this.#entries.size >= this.#limits.entries || this.#items + size > this.#limits.items) {
      this.#delete(this.#entries.keys().next().value as string);
    }
    this.#entries.set(key, { seq, value: frozen, size });
    this.#items += size;
    return frozen;
  }

  get size(): number {
    return this.#entries.size;
  }

  #delete(key: string): void {
    const entry = this.#entries.get(key);
    if (!entry) return;
    this.#entries.delete(key);
    this.#items -= entry.size;
  }
}
