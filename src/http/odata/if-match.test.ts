import { describe, expect, it } from "vitest";
import { parseIfMatch } from "./if-match.js";

describe("parseIfMatch", () => {
  it("parseIfMatch: weak and strong entity tags give the changeKey inside", () => {
    expect(parseIfMatch('W/"AbC+/=="')).toEqual({ changeKeys: ["AbC+/=="] });
    expect(parseIfMatch('"AbC=="')).toEqual({ changeKeys: ["AbC=="] });
    expect(parseIfMatch("AbC==")).toEqual({ changeKeys: ["AbC=="] });
  });

  it("parseIfMatch: several tags, repeated headers, and * for any", () => {
    expect(parseIfMatch(['W/"a", "b"', 'W/"c"'])).toEqual({ changeKeys: ["a", "b", "c"] });
    expect(parseIfMatch('W/"a", *')).toEqual({ any: true });
  });

  it("parseIfMatch: absent or blank is no condition", () => {
    expect(parseIfMatch(undefined)).toBeUndefined();
    expect(parseIfMatch(" , ")).toBeUndefined();
  });
});
