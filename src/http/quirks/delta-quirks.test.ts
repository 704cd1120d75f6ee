import { describe, expect, it } from "vitest";
import { tokenKey } from "./delta-quirks.js";
import { parseQuirkList, parseQuirkNames } from "./quirk-names.js";

describe("quirk modes", () => {
  it("tokenKey: the same link gives the same key, whatever the $ spelling; other queries none", () => {
    expect(tokenKey("$skiptoken=abc")).toBe("skip:abc");
    expect(tokenKey("%24skiptoken=abc&graphcal-quirk=empty-page")).toBe("skip:abc");
    expect(tokenKey("startDateTime=x&$deltatoken=a%2Bb")).toBe("delta:a+b");
    expect(tokenKey("deltatoken=zz")).toBe("delta:zz");
    expect(tokenKey("$select=name")).toBeUndefined();
    expect(tokenKey("")).toBeUndefined();
  });

  it("parseQuirkList / parseQuirkNames: known names once each; 'off' is none; others refused", () => {
    expect(parseQuirkList("replay-item, late-change,replay-item")).toEqual(["replay-item", "late-change"]);
    expect(parseQuirkList("off")).toEqual([]);
    expect(() => parseQuirkList("replay")).toThrow(/unknown quirk 'replay'/);
    expect(parseQuirkNames(["empty-page"])).toEqual(["empty-page"]);
    expect(() => parseQuirkNames(["empty-page", 3])).toThrow(/quirks\[1\]: unknown quirk 3/);
  });
});
