import { describe, expect, it } from "vitest";
import { DEFAULT_DELTA_PAGE_SIZE, MAX_DELTA_PAGE_SIZE, pageSizePreference } from "./prefer.js";

describe("pageSizePreference", () => {
  it("pageSizePreference: no header means the default page size, not applied", () => {
    expect(DEFAULT_DELTA_PAGE_SIZE).toBe(10);
    expect(pageSizePreference(undefined)).toEqual({ size: 10, applied: false });
    expect(pageSizePreference("")).toEqual({ size: 10, applied: false });
  });

  it("pageSizePreference: odata.maxpagesize=n is honoured", () => {
    expect(pageSizePreference("odata.maxpagesize=2")).toEqual({ size: 2, applied: true });
    expect(pageSizePreference("odata.maxpagesize=1")).toEqual({ size: 1, applied: true });
  });

  it("pageSizePreference: the odata. prefix is optional, names are case-insensitive, spaces and quotes are allowed", () => {
    expect(pageSizePreference("maxpagesize=7")).toEqual({ size: 7, applied: true });
    expect(pageSizePreference("OData.MaxPageSize = 4")).toEqual({ size: 4, applied: true });
    expect(pageSizePreference('odata.maxpagesize="3"')).toEqual({ size: 3, applied: true });
  });

  it("pageSizePreference: found among several comma-separated preferences", () => {
    expect(pageSizePreference("odata.track-changes, odata.maxpagesize=2")).toEqual({ size: 2, applied: true });
    expect(pageSizePreference("return=minimal,odata.maxpagesize=5,respond-async")).toEqual({ size: 5, applied: true });
  });

  it("pageSizePreference: found in any of repeated Prefer headers", () => {
    expect(pageSizePreference(["odata.track-changes", "odata.maxpagesize=6"])).toEqual({ size: 6, applied: true });
    expect(pageSizePreference(["odata.maxpagesize=abc", "odata.maxpagesize=8"])).toEqual({ size: 8, applied: true });
  });

  it("pageSizePreference: values above the maximum are clamped to 1000", () => {
    expect(MAX_DELTA_PAGE_SIZE).toBe(1000);
    expect(pageSizePreference("odata.maxpagesize=1000")).toEqual({ size: 1000, applied: true });
    expect(pageSizePreference("odata.maxpagesize=5000")).toEqual({ size: 1000, applied: true });
  });

  it("pageSizePreference: invalid values are ignored (0, negative, fractions, words)", () => {
    for (const bad of ["0", "-1", "1.5", "abc", "", "1e2x", "0x10", "1e1", "+3"]) {
      expect(pageSizePreference(`odata.maxpagesize=${bad}`), bad).toEqual({ size: 10, applied: false });
    }
  });

  it("pageSizePreference: other preferences with a similar name do not count", () => {
    expect(pageSizePreference("odata.maxpagesizes=3")).toEqual({ size: 10, applied: false });
    expect(pageSizePreference("wait=5")).toEqual({ size: 10, applied: false });
  });
});
