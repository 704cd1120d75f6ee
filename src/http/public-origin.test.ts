import { describe, expect, it } from "vitest";
import type { FastifyRequest } from "fastify";
import { originResolver } from "./public-origin.js";

const request = (host: string | undefined, socket: { localAddress?: string; localPort?: number } = { localAddress: "127.0.0.1", localPort: 8080 }) =>
  ({ host, protocol: "http", socket }) as unknown as FastifyRequest;

describe("originResolver", () => {
  it("origin: PUBLIC_BASE_URL wins over any Host", () => {
    expect(originResolver({ publicBaseUrl: "https://graph.test" })(request("evil.test"))).toBe("https://graph.test");
  });

  it("origin: loopback names and the connection's own address are trusted, on any port", () => {
    const origin = originResolver({ listenHost: "127.0.0.1" });
    expect(origin(request("localhost:9000"))).toBe("http://localhost:9000");
    expect(origin(request("127.0.0.1:8080"))).toBe("http://127.0.0.1:8080");
    expect(origin(request("[::1]:8080"))).toBe("http://[::1]:8080");
    const lan = originResolver({ listenHost: "0.0.0.0" });
    expect(lan(request("10.0.0.5:8080", { localAddress: "::ffff:10.0.0.5", localPort: 8080 }))).toBe("http://10.0.0.5:8080");
  });

  it("origin: another Host gets the listener's origin, unless ALLOWED_HOSTS lists it (by name, or name and port)", () => {
    const origin = originResolver({ listenHost: "127.0.0.1", allowedHosts: ["graph.example.test", "proxy.test:8443"] });
    expect(origin(request("evil.test"))).toBe("http://127.0.0.1:8080");
    expect(origin(request("Graph.Example.Test:1234"))).toBe("http://Graph.Example.Test:1234");
    expect(origin(request("proxy.test:8443"))).toBe("http://proxy.test:8443");
    expect(origin(request("proxy.test:9999"))).toBe("http://127.0.0.1:8080");
    expect(origin(request("evil.test/<script>"))).toBe("http://127.0.0.1:8080");
    expect(origin(request(undefined))).toBe("http://127.0.0.1:8080");
  });

  it("origin: a wildcard listener answers with the address the connection reached; no port known, none written", () => {
    expect(originResolver({ listenHost: "0.0.0.0" })(request("evil.test", { localAddress: "192.168.1.2", localPort: 80 }))).toBe("http://192.168.1.2:80");
    expect(originResolver({ listenHost: "127.0.0.1", listenPort: () => undefined })(request("evil.test", {}))).toBe("http://127.0.0.1");
    expect(originResolver({ listenHost: "127.0.0.1", listenPort: () => 4000 })(request("evil.test", {}))).toBe("http://127.0.0.1:4000");
  });
});
