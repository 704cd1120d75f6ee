/** Time is injected so tests can freeze and move it instead of sleeping. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

// The clock the emulator runs on, and the frozen one tests start with (controlled-clock.ts).
export { ControlledClock, ManualClock, type ClockMode } from "./controlled-clock.js";
