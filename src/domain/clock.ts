/** Time is injected so tests can freeze and move it instead of sleeping. */
export interface Clock {
  now(): Date;
  /** `now()` in epoch ms, without a Date (hot paths ask several times a request). */
  nowMs(): number;
}

export const systemClock: Clock = { now: () => new Date(), nowMs: () => Date.now() };

// The clock the emulator runs on, and the frozen one tests start with (controlled-clock.ts).
export { ControlledClock, ManualClock, type ClockMode } from "./controlled-clock.js";
