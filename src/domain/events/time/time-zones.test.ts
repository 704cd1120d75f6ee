import { describe, expect, it } from "vitest";
import { Temporal } from "temporal-polyfill";
import { resolveTimeZone, windowsTimeZoneNames } from "./time-zones.js";

describe("resolveTimeZone", () => {
  it("resolveTimeZone: maps Windows names to CLDR's golden IANA zone", () => {
    expect(resolveTimeZone("Pacific Standard Time")).toEqual({ name: "Pacific Standard Time", iana: "America/Los_Angeles" });
    expect(resolveTimeZone("W. Europe Standard Time")).toEqual({ name: "W. Europe Standard Time", iana: "Europe/Berlin" });
    expect(resolveTimeZone("UTC")).toEqual({ name: "UTC", iana: "Etc/UTC" });
    expect(resolveTimeZone("India Standard Time")?.iana).toBe("Asia/Calcutta");
  });

  it("resolveTimeZone: matches Windows names case-insensitively and echoes the canonical spelling", () => {
    expect(resolveTimeZone("pacific standard time")).toEqual({ name: "Pacific Standard Time", iana: "America/Los_Angeles" });
    expect(resolveTimeZone("w. EUROPE standard time")?.name).toBe("W. Europe Standard Time");
  });

  it("resolveTimeZone: accepts IANA names, in canonical casing", () => {
    expect(resolveTimeZone("Europe/Berlin")).toEqual({ name: "Europe/Berlin", iana: "Europe/Berlin" });
    expect(resolveTimeZone("america/los_angeles")).toEqual({ name: "America/Los_Angeles", iana: "America/Los_Angeles" });
    expect(resolveTimeZone("Etc/UTC")).toEqual({ name: "Etc/UTC", iana: "Etc/UTC" });
  });

  it("resolveTimeZone: rejects unknown names, offsets and empty strings", () => {
    expect(resolveTimeZone("Mars Standard Time")).toBeUndefined();
    expect(resolveTimeZone("Mars/Olympus_Mons")).toBeUndefined();
    expect(resolveTimeZone("+05:00")).toBeUndefined();
    expect(resolveTimeZone("")).toBeUndefined();
    expect(resolveTimeZone("   ")).toBeUndefined();
  });

  it("resolveTimeZone: every Windows name maps to an IANA zone the runtime knows", () => {
    const names = windowsTimeZoneNames();
    expect(names.length).toBeGreaterThan(130);
    for (const name of names) {
      const zone = resolveTimeZone(name);
      expect(zone?.name, name).toBe(name);
      expect(() => new Temporal.ZonedDateTime(0n, zone?.iana ?? ""), name).not.toThrow();
    }
  });
});
