import { describe, expect, it } from "vitest";
import { KeptPages } from "./kept-pages.js";

describe("KeptPages", () => {
  it("builds a page once per (round, from, size) and hands out the same frozen page after", () => {
    const pages = new KeptPages<{ items: number[] }>();
    const round = Object.freeze([1, 2, 3, 4]);
    let builds = 0;
    const build = (from: number, size: number) => () => ({ items: (builds++, round.slice(from, from + size)) });
    const a = pages.get(round, 1, 2, build(1, 2));
    expect(a.items).toEqual([2, 3]);
    expect(Object.isFrozen(a)).toBe(true);
    expect(pages.get(round, 1, 2, build(1, 2))).toBe(a);
    expect(builds).toBe(1);
    // Another size, another start, or another round is another page.
    expect(pages.get(round, 1, 3, build(1, 3)).items).toEqual([2, 3, 4]);
    expect(pages.get(round, 0, 2, build(0, 2)).items).toEqual([1, 2]);
    expect(pages.get(Object.freeze([1, 2, 3, 4]), 1, 2, build(1, 2))).not.toBe(a);
    expect(builds).toBe(4);
  });

  it("keeps at most perRound pages of a round; past that pages are built on every request", () => {
    const pages = new KeptPages<{ n: number }>(2);
    const round = {};
    let builds = 0;
    for (let from = 0; from < 3; from++) pages.get(round, from, 1, () => ({ n: builds++ }));
    expect(pages.get(round, 0, 1, () => ({ n: builds++ })).n).toBe(0);
    expect(pages.get(round, 2, 1, () => ({ n: builds++ })).n).toBe(3);
    expect(pages.get(round, 2, 1, () => ({ n: builds++ })).n).toBe(4);
  });
});
