import { describe, expect, it } from "vitest";
import { PollReplay } from "./poll-replay.js";

describe("PollReplay.making", () => {
  it("idle() waits for the answers being made ahead; a making that fails is forgotten, never an unhandled rejection", async () => {
    const replay = new PollReplay({ nowMs: () => 0, https: false });
    let finish: () => void = () => undefined;
    const slow = new Promise<void>((resolve) => { finish = resolve; });
    replay.making(slow);
    replay.making(Promise.reject(new Error("the next page could not be made")));
    let idle = false;
    const waiting = replay.idle().then(() => { idle = true; });
    await new Promise((resolve) => setImmediate(resolve));
    expect(idle).toBe(false);
    finish();
    await waiting;
    expect(idle).toBe(true);
  });
});
