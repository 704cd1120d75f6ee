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
/** What an entry costs besides its bytes (key, Map slot, Buffer object), counted in the budget. */
const ENTRY_OVERHEAD = 256;

export class PageJsonMemo {
  readonly #ids = new WeakMap<object, number>();
  #nextId = 1;
  readonly #entries = new Map<string, Buffer>();
  #bytes = 0;

  constructor(private readonly budgetBytes = 16 * 1024 * 1024) {}

  /** The `[…]` bytes of a page; `render` makes the text when the page is not kept. */
  value(kept: KeptSlice | undefined, count: number, shape: string, render: () => string): Buffer {
    if (!kept) return Buffer.from(render());
    let id = this.#ids.get(kept.round);
    if (id === undefined) this.#ids.set(kept.round, id = this.#nextId++);
    const key = `${id}|${kept.from}|${count}|${shape}`;
    let bytes = this.#entries.get(key);
    if (bytes) return bytes;
    const text = render();
    const size = Buffer.byteLength(text) + ENTRY_OVERHEAD;
    if (size > this.budgetBytes) return Buffer.from(text);
    // Its own memory, not a slice of Node's shared 8 KB pool: a kept small page would otherwise
    // hold a whole pool slab alive, and the budget would undercount what the memo keeps.
    bytes = Buffer.allocUnsafeSlow(size - ENTRY_OVERHEAD);
    bytes.write(text);
    while (this.#bytes + size > this.budgetBytes) this.#evictOldest();
    this.#entries.set(key, bytes);
    this.#bytes += size;
    return bytes;
  }

  get bytes(): number {
    return this.#bytes;
  }

  #evictOldest(): void {
    const [key, bytes] = this.#entries.entries().next().value as [string, Buffer];
    this.#entries.delete(key);
    this.#bytes -= bytes.length + ENTRY_OVERHEAD;
  }
}

/** The one memo of the process: calendars/delta and calendarView/delta pages share its budget. */
export const keptPageJson = new PageJsonMemo();
