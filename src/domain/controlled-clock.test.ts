import { describe, expect, it } from "vitest";
import { ControlledClock, ManualClock } from "./controlled-clock.js";
import { ClockControl } from "./controls/clock-control.js";
import { ValidationError } from "./errors.js";

const T0 = Date.UTC(2027, 0, 1);

describe("ControlledClock", () => {
  it("clock: real mode follows the wall clock as it moves", () => {
    let wall = T0;
    const clock = new ControlledClock({ wall: () => wall });
    expect(clock.mode).toBe("real");
    wall += 5000;
    expect(clock.nowMs()).toBe(T0 + 5000);
  });

  it("clock: set and advance freeze the clock at the new time", () => {
    let wall = T0;
    const clock = new ControlledClock({ wall: () => wall });
    clock.advance(86400_000);
    wall += 60_000;
    expect(clock.mode).toBe("manual");
    expect(clock.nowMs()).toBe(T0 + 86400_000);
    clock.set(T0 + 7);
    expect(clock.nowMs()).toBe(T0 + 7);
  });

  it("clock: setMode('real') returns to the wall clock, setMode('manual') freezes where it is", () => {
    let wall = T0;
    const clock = new ControlledClock({ mode: "manual", at: T0 + 1000, wall: () => wall });
    clock.setMode("real");
    expect(clock.nowMs()).toBe(T0);
    wall += 10;
    clock.setMode("manual");
    wall += 999;
    expect(clock.nowMs()).toBe(T0 + 10);
  });

  it("clock: ManualClock is a controlled clock starting frozen", () => {
    const clock = new ManualClock(T0);
    expect(clock).toBeInstanceOf(ControlledClock);
    expect(clock.mode).toBe("manual");
    clock.advance(5);
    expect(clock.nowMs()).toBe(T0 + 5);
  });
});

describe("ClockControl", () => {
  it("clock control: refuses to move backwards unless allowed, and then moves", () => {
    const clock = new ManualClock(T0);
    const control = new ClockControl(clock);
    expect(() => control.moveTo({ toMs: T0 - 1, allowBackwards: false })).toThrow(ValidationError);
    expect(clock.nowMs()).toBe(T0);
    expect(control.moveTo({ toMs: T0 - 1, allowBackwards: true }).now.getTime()).toBe(T0 - 1);
    expect(control.moveTo({ toMs: T0 + 1, allowBackwards: false }).now.getTime()).toBe(T0 + 1);
  });

  it("clock control: returning to a wall clock that is behind counts as moving backwards", () => {
    const clock = new ControlledClock({ mode: "manual", at: T0, wall: () => T0 - 86400_000 });
    const control = new ClockControl(clock);
    expect(() => control.setMode({ mode: "real", allowBackwards: false })).toThrow(/allowBackwards/);
    expect(control.setMode({ mode: "real", allowBackwards: true })).toEqual({ now: new Date(T0 - 86400_000), mode: "real" });
  });
});
