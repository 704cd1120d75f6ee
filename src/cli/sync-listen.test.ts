import { describe, expect, it } from "vitest";
import { UsageError } from "./sync-credentials.js";
import { listenFromFlags } from "./sync-listen.js";

describe("listenFromFlags", () => {
  it("listenFromFlags: PORT, HOST:PORT, [IPv6]:PORT; the public URL passes through", () => {
    expect(listenFromFlags({})).toBeUndefined();
    expect(listenFromFlags({ listen: "0" })).toEqual({ port: 0, host: undefined, notificationUrl: undefined });
    expect(listenFromFlags({ listen: "0.0.0.0:8081", "notification-url": "https://public.example/notify" }))
      .toEqual({ port: 8081, host: "0.0.0.0", notificationUrl: "https://public.example/notify" });
    expect(listenFromFlags({ listen: "[::1]:9000" })).toEqual({ port: 9000, host: "::1", notificationUrl: undefined });
  });

  it("listenFromFlags: a bad port, a bad URL, or a URL without --listen is a usage error", () => {
    for (const flags of [{ listen: "x" }, { listen: "65536" }, { listen: "" }, { "notification-url": "https://a.example/n" }, { listen: "1", "notification-url": "a.example" }]) {
      expect(() => listenFromFlags(flags), JSON.stringify(flags)).toThrow(UsageError);
    }
  });
});
