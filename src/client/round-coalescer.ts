// Turns a stream of triggers (notifications, lifecycle events) into few delta rounds: at most one
// round runs and at most one waits. A trigger while a round runs only marks the next round as
// wanted, so a burst of N notifications costs two rounds, not N — each round reads every change
// committed before it started, so nothing is lost by merging triggers (spec §5: "coalesce
// bursts; expect created+updated pairs").
import type { Timers } from "./timers.js";

/** What the next round must be: `full` once any merged trigger asked for a full resync. */
export interface RoundRequest {
  full: boolean;
  /** Triggers merged into this round. */
  triggers: number;
}

export interface RoundCoalescerOptions {
  run: (request: RoundRequest) => Promise<void>;
  /** A round failed; the coalescer carries on (the next trigger runs a new round). */
  onError: (error: unknown) => void;
  /**
   * How long a trigger waits for company before its round starts: Graph sends `created` and
   * `updated` for one new event, and a client writing several items sends a burst.
   */
  settleMs: number;
  timers: Timers;
}

export class RoundCoalescer {
  readonly #options: RoundCoalescerOptions;
  #pending: RoundRequest | undefined;
  #timer: { cancel(): void } | undefined;
  #running: Promise<void> | undefined;
  #stopped = false;
  #idleWaiters: (() => void)[] = [];

  constructor(options: RoundCoalescerOptions) {
    this.#options = options;
  }

  /** Asks for a round (a full one with `full`); merged with the waiting one if there is one. */
  request(options: { full?: boolean } = {}): void {
    if (this.#stopped) return;
    const full = options.full ?? false;
    this.#pending = { full: (this.#pending?.full ?? false) || full, triggers: (this.#pending?.triggers ?? 0) + 1 };
    if (!this.#running) this.#arm();
  }

  /** Nothing runs and nothing waits. */
  get idle(): boolean {
    return this.#running === undefined && this.#pending === undefined;
  }

  /** Resolves once nothing runs and nothing waits (immediately if so already). */
  whenIdle(): Promise<void> {
    if (this.idle) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  /** Drops the waiting round, lets the running one finish, and refuses new triggers. */
  async stop(): Promise<void> {
    this.#stopped = true;
    this.#timer?.cancel();
    this.#timer = undefined;
    this.#pending = undefined;
    await this.#running;
    this.#settle();
  }

  #arm(): void {
    if (this.#timer || this.#stopped) return;
    this.#timer = this.#options.timers.schedule(this.#options.settleMs, () => {
      this.#timer = undefined;
      this.#start();
    });
  }

  #start(): void {
    const request = this.#pending;
    if (!request || this.#running || this.#stopped) return;
    this.#pending = undefined;
    this.#running = this.#options.run(request)
      .catch((error: unknown) => this.#options.onError(error))
      .finally(() => {
        this.#running = undefined;
        if (this.#pending) this.#arm();
        this.#settle();
      });
  }

  #settle(): void {
    if (!this.idle) return;
    const waiters = this.#idleWaiters;
    this.#idleWaiters = [];
    for (const resolve of waiters) resolve();
  }
}
