/**
 * A string-keyed map that holds at most `limit` entries. When a new key arrives at the limit,
 * the oldest-inserted entry makes room (a Map iterates in insertion order, so that is its first
 * key). Replacing a key's value keeps its place and evicts nothing.
 *
 * Insertion order rather than LRU on purpose: a hit costs one Map lookup and no reordering,
 * and every cache built on this holds entries that are re-read cheaply when pushed out. The
 * bound only keeps memory finite under a flood of distinct keys (see README.md).
 */
export class BoundedMap<V> {
  readonly #entries = new Map<string, V>();
  readonly #limit: number;

  constructor(options: { limit: number }) {
    if (!(options.limit >= 1)) throw new RangeError("a BoundedMap needs a limit of at least 1");
    this.#limit = options.limit;
  }

  get(key: string): V | undefined {
    return this.#entries.get(key);
  }

  has(key: string): boolean {
    return this.#entries.has(key);
  }

  /** Stores `value`; returns the value evicted to make room, if any (callers that weigh entries need it). */
  set(key: string, value: V): V | undefined {
    let evicted: V | undefined;
    if (this.#entries.size >= this.#limit && !this.#entries.has(key)) {
      const oldest = this.#entries.keys().next().value as string;
      evicted = this.#entries.get(oldest);
      this.#entries.delete(oldest);
    }
    this.#entries.set(key, value);
    return evicted;
  }

  /** The oldest-inserted key: the next to be evicted. */
  oldestKey(): string | undefined {
    return this.#entries.keys().next().value;
  }

  delete(key: string): void {
    this.#entries.delete(key);
  }

  clear(): void {
    this.#entries.clear();
  }

  get size(): number {
    return this.#entries.size;
  }
}
