import { BoundedMap } from "./bounded-map.js";

/**
 * What verifying a long signed string (a bearer header, a delta token) gave, kept so the same
 * string is not verified again. Verifying is a pure function of the string and of keys that are
 * fixed for the owner's lifetime, so a hit is exactly what verifying again would give.
 *
 * An entry is looked up by the string's last `tailChars` characters (part of its signature or
 * MAC, so distinct strings nearly always differ there) and then compared in full: hashing a
 * ~1.3 kB bearer header for the Map cost more than the rest of a hit. The tail only finds the
 * slot, it is never trusted: a string that shares a cached one's tail is a miss and is verified
 * in full, and the two merely displace each other. Callers store only what verified; failures
 * are never kept, so a bad string costs a full verify every time.
 *
 * Bounded by entries and, with `maxChars`, by the characters of the strings it keeps: ten
 * thousand 16 kB bearer headers would otherwise hold 160 MB. With `sizeOf`, each value's size
 * counts against the same budget (a kept page of a delta round is tens of kilobytes). The
 * oldest entries make room.
 */
export class VerifiedCache<V> {
  readonly #entries: BoundedMap<{ readonly full: string; readonly value: V }>;
  readonly #tailChars: number;
  readonly #maxChars: number;
  readonly #sizeOf: (value: V) => number;
  #chars = 0;

  constructor(options: { limit: number; tailChars: number; maxChars?: number; sizeOf?: (value: V) => number }) {
    this.#entries = new BoundedMap({ limit: options.limit });
    this.#tailChars = options.tailChars;
    this.#maxChars = options.maxChars ?? Number.POSITIVE_INFINITY;
    this.#sizeOf = options.sizeOf ?? (() => 0);
  }

  #weight(entry: { readonly full: string; readonly value: V }): number {
    return entry.full.length + this.#sizeOf(entry.value);
  }

  get(full: string): V | undefined {
    const hit = this.#entries.get(full.slice(-this.#tailChars));
    return hit !== undefined && hit.full === full ? hit.value : undefined;
  }

  set(full: string, value: V): void {
    const entry = { full, value };
    const weight = this.#weight(entry);
    // An entry bigger than the whole budget is not kept: it would evict everything else.
    if (weight > this.#maxChars) return;
    const key = full.slice(-this.#tailChars);
    const replaced = this.#entries.get(key);
    if (replaced !== undefined) this.#chars -= this.#weight(replaced);
    const evicted = this.#entries.set(key, entry);
    if (evicted !== undefined) this.#chars -= this.#weight(evicted);
    this.#chars += weight;
    while (this.#chars > this.#maxChars) {
      const oldest = this.#entries.oldestKey();
      if (oldest === undefined) break;
      const gone = this.#entries.get(oldest);
      if (gone !== undefined) this.#chars -= this.#weight(gone);
      this.#entries.delete(oldest);
    }
  }

  /** Forgets `full` (and only `full`: another string in its slot stays). */
  delete(full: string): void {
    const key = full.slice(-this.#tailChars);
    const entry = this.#entries.get(key);
    if (entry?.full === full) {
      this.#entries.delete(key);
      this.#chars -= this.#weight(entry);
    }
  }

  get size(): number {
    return this.#entries.size;
  }

  /** The characters of the strings kept, plus the values' sizes (what `maxChars` bounds). */
  get chars(): number {
    return this.#chars;
  }
}
