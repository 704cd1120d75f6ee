import { describe, expect, it } from "vitest";
import { ConfigError, parseConfig } from "./config.js";

describe("parseConfig", () => {
  it("graphExtensions: off by default (Graph parity); GRAPH_EXTENSIONS=1 or --graph-extensions turns it on", () => {
    expect(parseConfig({}).graphExtensions).toBe(false);
    expect(parseConfig({ GRAPH_EXTENSIONS: "1" }).graphExtensions).toBe(true);
    expect(parseConfig({ GRAPH_EXTENSIONS: "1" }, { "graph-extensions": false }).graphExtensions).toBe(false);
    expect(parseConfig({}, { "graph-extensions": true }).graphExtensions).toBe(true);
    expect(() => parseConfig({ GRAPH_EXTENSIONS: "maybe" })).toThrow(ConfigError);
  });

  it("allowedHosts: comma-separated host or host:port, lower-cased; anything else is refused", () => {
    expect(parseConfig({}).allowedHosts).toEqual([]);
    expect(parseConfig({ ALLOWED_HOSTS: " Graph.Test , proxy.test:8443,[::1]:80 ," }).allowedHosts).toEqual(["graph.test", "proxy.test:8443", "[::1]:80"]);
    expect(parseConfig({}, { "allowed-hosts": "a.test" }).allowedHosts).toEqual(["a.test"]);
    for (const bad of ["http://graph.test", "graph.test/path", "a b"]) expect(() => parseConfig({ ALLOWED_HOSTS: bad }), bad).toThrow(ConfigError);
  });
});
