// Calls made during one event-loop turn, run as one. Passes over many mailboxes start in the same
// turn (one wake per commit, flushed together) and finish in the same turn (one answer settles a
// POST that carried many subscriptions), so their lease claims and cursor saves each become one
// statement instead of one per mailbox or per subscription (issue 12's write-rate target).

export class TurnBatch<In, Out> {
  #items: In[] = [];
  #waiters: { resolve: (out: Out) => void; reject: (error: unknown) => void }[] = [];
  #scheduled = false;

  /** `run` answers every item, in order; if it throws, every caller of that turn gets the error. */
  constructor(private readonly run: (items: In[]) => Promise<Out[]>) {}

  add(item: In): Promise<Out> {
    return new Promise<Out>((resolve, reject) => {
      this.#items.push(item);
      this.#waiters.push({ resolve, reject });
      if (this.#scheduled) return;
      this.#scheduled = true;
      setImmediate(() => this.#flush());
    });
  }

  #flush(): void {
    this.#scheduled = false;
    const items = this.#items;
    const waiters = this.#waiters;
    this.#items = [];
    this.#waiters = [];
    this.run(items).then(
      (outs) => waiters.forEach((w, i) => w.resolve(outs[i] as Out)),
      (error: unknown) => waiters.forEach((w) => w.reject(error)),
    );
  }
}
