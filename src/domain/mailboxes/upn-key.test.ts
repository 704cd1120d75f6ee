import { describe, expect, it } from "vitest";
import { upnKey } from "./upn-key.js";

describe("upnKey", () => {
  it("upnKey: any casing of a UPN gives one key", () => {
    expect(upnKey("Adele.Vance@Contoso.com")).toBe("adele.vance@contoso.com");
    expect(upnKey("ADELE.VANCE@CONTOSO.COM")).toBe(upnKey("adele.vance@contoso.com"));
  });

  it("upnKey: plain lower-casing, no Unicode normalisation (stored keys were written so)", () => {
    const decomposed = "Ame\u0301lie@contoso.com";
    expect(upnKey(decomposed)).toBe("ame\u0301lie@contoso.com");
    expect(upnKey(decomposed)).not.toBe(upnKey("Am\u00e9lie@contoso.com"));
  });
});
