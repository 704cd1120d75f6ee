/**
 * Pages cut from a kept round, by the round's identity, the page's first index and its size
 * (catalogue entry 14). A kept round is deeply frozen and never changes, so the page cut from
 * the same place of it is the same page for every request: it is built once (its item objects,
 * and at the HTTP edge its JSON) instead of on each request for it. Entries live as long as the
 * round (a WeakMap on it); a round holds at most `perRound` pages, so clients asking for every
 * page size cannot grow it without bound.
 */
export class KeptPages<P> {
  readonly #byRound = new WeakMap<object, Map<string, P>>();

  constructor(private readonly perRound = 1_000) {}

  get(round: object, from: number, size: number, build: () => P): P {
    let pages = this.#byRound.get(round);
    if (!pages) this.#byRound.set(round, pages = new Map());
    const key = `${from}|${size}`;
    let page = pages.get(key);
    if (page === undefined) {
      page = Object.freeze(build());
      if (pages.size < this.perRound) pages.set(key, page);
    }
    return page;
  }
}
