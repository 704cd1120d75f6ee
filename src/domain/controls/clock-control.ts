import type { ClockMode, ControlledClock } from "../controlled-clock.js";
import { ValidationError } from "../errors.js";

/** What `GET /_graphcal/clock` shows. */
export interface ClockState {
  now: Date;
  mode: ClockMode;
}

/**
 * The virtual clock's control (issue 11 §3). The one rule it adds to ControlledClock: the clock
 * never moves backwards unless asked to explicitly (`allowBackwards`). Going back in time under a
 * running sync round is legal but surprising — tokens then look issued in the future, JWTs not
 * yet valid, new changes older than earlier ones (README "Moving the clock backwards") — so a
 * test has to say it means it.
 */
export class ClockControl {
  readonly #listeners: (() => void)[] = [];

  constructor(private readonly clock: ControlledClock) {}

  /** Told after every move (the notification dispatcher: retries and expiries may have come due). */
  onMove(listener: () => void): void {
    this.#listeners.push(listener);
  }

  state(): ClockState {
    return { now: this.clock.now(), mode: this.clock.mode };
  }

  /** Freezes the clock at `toMs` (a `set`, or an `advance` already added to now). */
  moveTo(args: { toMs: number; allowBackwards: boolean }): ClockState {
    this.refuseBackwards(args.toMs, args.allowBackwards);
    this.clock.set(args.toMs);
    for (const listener of this.#listeners) listener();
    return this.state();
  }

  setMode(args: { mode: ClockMode; allowBackwards: boolean }): ClockState {
    // Back to the wall clock after an advance is a move backwards like any other.
    if (args.mode === "real") this.refuseBackwards(this.clock.wallNow().getTime(), args.allowBackwards);
    this.clock.setMode(args.mode);
    for (const listener of this.#listeners) listener();
    return this.state();
  }

  private refuseBackwards(toMs: number, allowBackwards: boolean): void {
    const nowMs = this.clock.nowMs();
    if (toMs < nowMs && !allowBackwards) {
      throw new ValidationError(
        `The clock would move backwards from ${new Date(nowMs).toISOString()} to ${new Date(toMs).toISOString()}; `
        + "send \"allowBackwards\": true to do so.",
        "badRequest",
      );
    }
  }
}
