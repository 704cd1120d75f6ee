import type { KeptSlice } from "../../domain/index.js";

/**
 * The JSON of a delta page's `value` array, kept by where the page was cut from: a slice of a
 * round the domain keeps whole and frozen (KeptSlice), the item count, and the item shape (API
 * version and $select). Such a slice can never hold other items, so its JSON can never change;
 * every later request for the same page — the same client retrying, or many clients paging
 * through the same round — is sent these bytes instead of joining a hundred memoised items and
 * encoding the text again (catalogue entry 14).
 *
 * Rounds are told apart by identity (a WeakMap number), so a round the domain has let go can no
 * longer be asked for; its pages wait here until the byte budget pushes them out, oldest first.
 */
export class PageJsonMemo {
  readonly #ids = new WeakMap<object, number>();
  #nextId = 1;
  readonly #entries = new Map<string, Buffer>();
  #bytes = 0;

  constructor(private readonly budgetBytes = 64 * 1024 * 1024) {}

  /** The `[…]` bytes of a page; `render` makes the text when the page is not kept. */
  value(kept: KeptSlice | undefined, count: number, shape: string, render: () => string): Buffer {
    if (!kept) return Buffer.from(render());
    let id = this.#ids.get(kept.round);
    if (id === undefined) this.#ids.set(kept.round, id = this.#nextId++);
    const key = `${id}|${kept.from}|${count}|${shape}`;
    let bytes = this.#entries.get(key);
    if (bytes) return bytes;
    bytes = Buffer.from(render());
    if (bytes.length > this.budgetBytes) return bytes;
    while (this.#bytes + bytes.length > this.budgetBytes) this.#evictOldest();
    this.#entries.set(key, bytes);
    this.#bytes += bytes.length;
    return bytes;
  }

  get bytes(): number {
    return this.#bytes;
  }

  #evictOldest(): void {
    const [key, bytes] = this.#entries.entries().next().value as [string, Buffer];
    this.#entries.delete(key);
    this.#bytes -= bytes.length;
  }
}

/** The one memo of the process: calendars/delta and calendarView/delta pages share its budget. */
export const keptPageJson = new PageJsonMemo();
