import { describe, expect, it } from "vitest";
import {
  DEFAULT_DELTA_PAGE_SIZE, MAX_DELTA_PAGE_SIZE, UTC_TIME_ZONE, bodyContentTypePreference, pageSizePreference,
  preferenceAppliedHeader, timeZonePreference,
} from "./prefer.js";

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

describe("timeZonePreference", () => {
  it("timeZonePreference: no header means UTC, not applied", () => {
    expect(timeZonePreference(undefined)).toEqual({ timeZone: UTC_TIME_ZONE, applied: false });
    expect(UTC_TIME_ZONE.name).toBe("UTC");
  });

  it("timeZonePreference: a Windows name is applied and echoed in its canonical spelling", () => {
    const pref = timeZonePreference('outlook.timezone="pacific standard time"');
    expect(pref).toEqual({
      timeZone: { name: "Pacific Standard Time", iana: "America/Los_Angeles" },
      applied: true,
      appliedToken: 'outlook.timezone="Pacific Standard Time"',
    });
  });

  it("timeZonePreference: an IANA name is applied", () => {
    const pref = timeZonePreference('outlook.timezone="Europe/Berlin"');
    expect(pref.timeZone).toEqual({ name: "Europe/Berlin", iana: "Europe/Berlin" });
    expect(pref.appliedToken).toBe('outlook.timezone="Europe/Berlin"');
  });

  it("timeZonePreference: an unknown zone is ignored: UTC, not applied", () => {
    for (const bad of ['outlook.timezone="Mars Standard Time"', 'outlook.timezone=""', "outlook.timezone", 'outlook.timezone="+05:00"']) {
      expect(timeZonePreference(bad), bad).toEqual({ timeZone: UTC_TIME_ZONE, applied: false });
    }
  });

  it("timeZonePreference: the name is case-insensitive; unquoted values and parameters are accepted", () => {
    expect(timeZonePreference("Outlook.TimeZone=UTC").applied).toBe(true);
    expect(timeZonePreference('outlook.timezone="Asia/Tokyo"; foo=bar').timeZone.iana).toBe("Asia/Tokyo");
    expect(timeZonePreference("outlook.timezone = Pacific Standard Time ").appliedToken).toBe('outlook.timezone="Pacific Standard Time"');
  });

  it("timeZonePreference: found among comma-separated preferences and repeated headers; the first instance counts", () => {
    expect(timeZonePreference('odata.maxpagesize=5, outlook.timezone="Tokyo Standard Time"').timeZone.iana).toBe("Asia/Tokyo");
    expect(timeZonePreference(["odata.maxpagesize=5", 'outlook.timezone="Asia/Tokyo"']).timeZone.iana).toBe("Asia/Tokyo");
    expect(timeZonePreference('outlook.timezone="Asia/Tokyo", outlook.timezone="UTC"').timeZone.iana).toBe("Asia/Tokyo");
  });

  it("timeZonePreference: a similar name does not count", () => {
    expect(timeZonePreference('outlook.timezones="Asia/Tokyo"').applied).toBe(false);
  });
});

describe("bodyContentTypePreference", () => {
  it("bodyContentTypePreference: text and html are applied, case-insensitively", () => {
    expect(bodyContentTypePreference('outlook.body-content-type="text"'))
      .toEqual({ bodyContentType: "text", applied: true, appliedToken: 'outlook.body-content-type="text"' });
    expect(bodyContentTypePreference("outlook.body-content-type=HTML"))
      .toEqual({ bodyContentType: "html", applied: true, appliedToken: 'outlook.body-content-type="html"' });
  });

  it("bodyContentTypePreference: absent or another value is not applied", () => {
    expect(bodyContentTypePreference(undefined)).toEqual({ applied: false });
    expect(bodyContentTypePreference('outlook.body-content-type="markdown"')).toEqual({ applied: false });
  });
});

describe("Prefer combinations", () => {
  it("Prefer: one header carries all three preferences, each read on its own", () => {
    const header = 'outlook.timezone="Pacific Standard Time", outlook.body-content-type="text", odata.maxpagesize=3';
    expect(pageSizePreference(header)).toEqual({ size: 3, applied: true });
    expect(timeZonePreference(header).timeZone.name).toBe("Pacific Standard Time");
    expect(bodyContentTypePreference(header).bodyContentType).toBe("text");
  });

  it("Prefer: a quoted value with a comma does not split the preference list", () => {
    const header = 'foo="a,b", outlook.body-content-type="text"';
    expect(bodyContentTypePreference(header).bodyContentType).toBe("text");
  });

  it("preferenceAppliedHeader: the applied tokens joined, or undefined when none applied", () => {
    const header = ['outlook.timezone="Pacific Standard Time"', 'outlook.body-content-type="text"'];
    expect(preferenceAppliedHeader([timeZonePreference(header), bodyContentTypePreference(header)]))
      .toBe('outlook.timezone="Pacific Standard Time", outlook.body-content-type="text"');
    expect(preferenceAppliedHeader([timeZonePreference('outlook.timezone="Nowhere"'), bodyContentTypePreference(header)]))
      .toBe('outlook.body-content-type="text"');
    expect(preferenceAppliedHeader([timeZonePreference(undefined), bodyContentTypePreference(undefined)])).toBeUndefined();
  });
});
