import { describe, expect, it } from "vitest";
import { defaultAuthority, accessTokenSourceFromFlags, UsageError } from "./sync-credentials.js";

describe("sync token flags", () => {
  it("defaultAuthority: the Microsoft identity platform for Graph, the API's own origin for graphcal", () => {
    expect(defaultAuthority("https://graph.microsoft.com/beta", "contoso.onmicrosoft.com")).toBe("https://login.microsoftonline.com/contoso.onmicrosoft.com");
    expect(defaultAuthority("http://127.0.0.1:8080/beta", "contoso")).toBe("http://127.0.0.1:8080/contoso");
  });

  it("accessTokenSourceFromFlags: exactly one way to get a token", () => {
    const base = "http://127.0.0.1:8080/beta";
    expect(() => accessTokenSourceFromFlags({}, base, {})).toThrow(UsageError);
    expect(() => accessTokenSourceFromFlags({ token: "t", "token-command": "x" }, base, {})).toThrow(UsageError);
    expect(() => accessTokenSourceFromFlags({ tenant: "contoso", "client-id": "id" }, base, {})).toThrow(/client-secret/);
    expect(accessTokenSourceFromFlags({ tenant: "contoso", "client-id": "id" }, base, { GRAPHCAL_CLIENT_SECRET: "s" }).appOnly).toBe(true);
    expect(accessTokenSourceFromFlags({ token: "t" }, base, {}).appOnly).toBe(false);
  });
});
