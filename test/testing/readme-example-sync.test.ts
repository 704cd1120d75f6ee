import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";

// The README's "Using graphcal in your tests" example is readme-example.test.ts, byte for byte:
// that file runs in every `npm test`, so the example a newcomer pastes cannot rot.

describe("README example", () => {
  it("README: the vitest example is readme-example.test.ts verbatim", () => {
    const readme = readFileSync(new URL("../../README.md", import.meta.url), "utf8");
    const section = readme.slice(readme.indexOf("## Using graphcal in your tests"));
    const block = /```ts\n([\s\S]*?)```/.exec(section)?.[1];
    expect(block).toBeDefined();
    expect(block).toBe(readFileSync(new URL("./readme-example.test.ts", import.meta.url), "utf8"));
  });
});
