// Timers for the notify-then-delta loop that fire only when a test moves time: `advance(ms)` runs
// every timer due by then, in order. `now` may read another clock (a graphcal ManualClock), and
// `advance` then moves that clock too, so the client and the server agree on the time. With
// `realBelowMs`, short waits (a notification's settle delay) run on real timers, so an end-to-end
// test moves time only for what it is about (renewals hours away).
import type { Timers } from "../../src/client/index.js";

interface Pending {
  at: number;
  seq: number;
  fn: () => void;
}

export class ManualTimers implements Timers {
  readonly #pending = new Set<Pending>();
  readonly #read: () => number;
  readonly #move: (ms: number) => void;
  #seq = 0;

  readonly #realBelowMs: number;

  constructor(clock: { now(): number; advance(ms: number): void }, options: { realBelowMs?: number } = {}) {
    this.#read = () => clock.now();
    this.#move = (ms) => clock.advance(ms);
    this.#realBelowMs = options.realBelowMs ?? -1;
  }

  /** A clock of its own, starting at `start`. */
  static at(start: number): ManualTimers {
    let now = start;
    return new ManualTimers({ now: () => now, advance: (ms) => (now += ms) });
  }

  now(): number {
    return this.#read();
  }

  schedule(ms: number, fn: () => void): { cancel(): void } {
    if (ms <= this.#realBelowMs) {
      const timer = setTimeout(fn, ms);
      return { cancel: () => clearTimeout(timer) };
    }
    const entry: Pending = { at: this.now() + Math.max(0, ms), seq: this.#seq++, fn };
    this.#pending.add(entry);
    return { cancel: () => this.#pending.delete(entry) };
  }

  /** Delays of the timers still pending, from now, in firing order. */
  get pending(): number[] {
    return [...this.#pending].sort((a, b) => a.at - b.at || a.seq - b.seq).map((p) => p.at - this.now());
  }

  /** Moves time by `ms`, firing each timer due on the way at its own instant. */
  advance(ms: number): void {
    const end = this.now() + ms;
    for (;;) {
      const next = [...this.#pending].filter((p) => p.at <= end).sort((a, b) => a.at - b.at || a.seq - b.seq)[0];
      if (!next) break;
      this.#pending.delete(next);
      if (next.at > this.now()) this.#move(next.at - this.now());
      next.fn();
    }
    if (end > this.now()) this.#move(end - this.now());
  }
}
