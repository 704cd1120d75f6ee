import { describe, expect, it } from "vitest";
import { PageJsonMemo } from "./page-json-memo.js";

describe("PageJsonMemo", () => {
  const round = Object.freeze([]);

  it("renders a kept page once per shape and serves the same bytes after; unkept pages every time", () => {
    const memo = new PageJsonMemo(1_000);
    let renders = 0;
    const render = (text: string) => () => (renders++, text);
    const a = memo.value({ round, from: 0 }, 2, "v1.0:*", render("[1,2]"));
    expect(a.toString()).toBe("[1,2]");
    expect(memo.value({ round, from: 0 }, 2, "v1.0:*", render("[9,9]"))).toBe(a);
    expect(memo.value({ round, from: 0 }, 2, "beta:*", render("[3,4]")).toString()).toBe("[3,4]");
    expect(memo.value({ round, from: 1 }, 2, "v1.0:*", render("[5,6]")).toString()).toBe("[5,6]");
    expect(memo.value(undefined, 2, "v1.0:*", render("[7]")).toString()).toBe("[7]");
    expect(memo.value(undefined, 2, "v1.0:*", render("[8]")).toString()).toBe("[8]");
    expect(renders).toBe(5);
  });

  it("stays within its byte budget (bytes and a fixed overhead per entry), the oldest page going first", () => {
    const entry = 256 + 6;
    const memo = new PageJsonMemo(2 * entry - 1);
    memo.value({ round, from: 0 }, 1, "s", () => "[1111]");
    expect(memo.bytes).toBe(entry);
    memo.value({ round, from: 1 }, 1, "s", () => "[2222]");
    // Two do not fit: the first went.
    expect(memo.bytes).toBe(entry);
    let rendered = false;
    memo.value({ round, from: 1 }, 1, "s", () => ((rendered = true), "[x]"));
    expect(rendered).toBe(false);
    memo.value({ round, from: 0 }, 1, "s", () => ((rendered = true), "[1111]"));
    expect(rendered).toBe(true);
    expect(memo.bytes).toBe(entry);
    // Larger than the whole budget: served, not kept.
    expect(memo.value({ round, from: 2 }, 1, "s", () => `[${"1".repeat(600)}]`).length).toBe(602);
    expect(memo.bytes).toBe(entry);
  });
});
