import type { Clock } from "./clock.js";

/** `real`: the wall clock as it is; `manual`: frozen where it was last set or advanced to. */
export type ClockMode = "real" | "manual";

/**
 * The emulator's one clock (issue 11): everything time-based reads it, so an administrator (or a
 * test) can freeze it, move it forward to let tokens and history expire, or hand it back to the
 * wall clock. `set` and `advance` freeze it at the new time: a test that moved time wants it to
 * stay there, not drift by however long the next request takes.
 */
export class ControlledClock implements Clock {
  #mode: ClockMode;
  #ms: number;
  readonly #wall: () => number;

  constructor(options: { mode?: ClockMode; at?: Date | number; wall?: () => number } = {}) {
    this.#wall = options.wall ?? Date.now;
    this.#mode = options.mode ?? (options.at === undefined ? "real" : "manual");
    this.#ms = options.at === undefined ? this.#wall() : toMs(options.at);
  }

  get mode(): ClockMode {
    return this.#mode;
  }

  now(): Date {
    return new Date(this.nowMs());
  }

  nowMs(): number {
    return this.#mode === "real" ? this.#wall() : this.#ms;
  }

  /** The wall clock, whatever the mode (admin tokens are also judged by it: see admin-auth.ts). */
  wallNow(): Date {
    return new Date(this.#wall());
  }

  set(to: Date | number): void {
    this.#ms = toMs(to);
    this.#mode = "manual";
  }

  advance(ms: number): void {
    this.set(this.now().getTime() + ms);
  }

  /** `real` returns to the wall clock; `manual` freezes the clock where it is now. */
  setMode(mode: ClockMode): void {
    if (mode === "manual") this.#ms = this.now().getTime();
    this.#mode = mode;
  }
}

/** A clock frozen at `start` (tests): a ControlledClock in manual mode, so the admin API can move it too. */
export class ManualClock extends ControlledClock {
  constructor(start: Date | number = Date.UTC(2026, 0, 1)) {
    super({ mode: "manual", at: start });
  }
}

function toMs(at: Date | number): number {
  return typeof at === "number" ? at : at.getTime();
}
