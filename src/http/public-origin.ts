import type { FastifyRequest } from "fastify";

// The origin absolute links carry (`@odata.context`, `@odata.nextLink`, `Location`, the token
// endpoint's issuer) when PUBLIC_BASE_URL is unset. The Host header is the client's word, so a
// request with `Host: evil.test` must not get links to evil.test back (host-header injection into
// cached or forwarded responses). It is used only when it names this server: a loopback name,
// the address the connection arrived on, the configured host, or an ALLOWED_HOSTS entry; any
// other Host gets the listener's own origin, `http://{host}:{port}`.

export interface OriginOptions {
  /** PUBLIC_BASE_URL: when set, every link uses it and nothing else is looked at. */
  publicBaseUrl?: string | undefined;
  /** ALLOWED_HOSTS entries, lower case: `host` (any port) or `host:port`. */
  allowedHosts?: readonly string[] | undefined;
  /** The configured listen host (HOST); a wildcard (0.0.0.0, ::) names no host. */
  listenHost?: string | undefined;
  /** The port the server listens on, once known (an ephemeral port is known after listen). */
  listenPort?: () => number | undefined;
}

const SAFE_HOST = /^[A-Za-z0-9.\-:[\]]+$/;
const LOOPBACK = new Set(["localhost", "127.0.0.1", "[::1]"]);
const WILDCARD = new Set(["0.0.0.0", "::", "[::]", ""]);

/** A `(request) → origin` function for the app (its `originOf`). */
export function originResolver(options: OriginOptions): (request: FastifyRequest) => string {
  if (options.publicBaseUrl) {
    const fixed = options.publicBaseUrl;
    return () => fixed;
  }
  const allowed = new Set(options.allowedHosts ?? []);
  const configured = bracketed(options.listenHost ?? "");
  return (request) => {
    const host = request.host;
    if (host && SAFE_HOST.test(host)) {
      const lower = host.toLowerCase();
      const name = hostnameOf(lower);
      if (LOOPBACK.has(name) || allowed.has(lower) || allowed.has(name) || (!WILDCARD.has(configured) && name === configured)
        || name === bracketed(request.socket?.localAddress ?? "")) {
        return `${request.protocol}://${host}`;
      }
    }
    // The listener's own origin: its configured host, or the address the connection reached.
    const name = WILDCARD.has(configured) ? bracketed(request.socket?.localAddress ?? "") || "localhost" : configured;
    const port = request.socket?.localPort ?? options.listenPort?.();
    return `${request.protocol}://${name}${port ? `:${port}` : ""}`;
  };
}

/** `host:port` → `host`; `[::1]:8080` → `[::1]`. */
function hostnameOf(host: string): string {
  if (host.startsWith("[")) return host.slice(0, host.indexOf("]") + 1);
  const colon = host.lastIndexOf(":");
  return colon < 0 ? host : host.slice(0, colon);
}

/** IPv6 addresses appear in Host headers in brackets; IPv4-mapped ones as their IPv4 form. */
function bracketed(address: string): string {
  const plain = address.replace(/^::ffff:(\d+\.\d+\.\d+\.\d+)$/i, "$1").toLowerCase();
  return plain.includes(":") && !plain.startsWith("[") ? `[${plain}]` : plain;
}
