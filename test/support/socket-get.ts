import { Agent, request } from "node:http";
import { afterAll, beforeAll } from "vitest";
import { startTestServer, type TestServer } from "./harness.js";

// A GET over a real kept-alive socket, as clients reach the server: the poll replay
// (src/http/poll-replay.ts) answers before Fastify, which `inject` would bypass. One socket at a
// time, so a test's requests arrive in order on the same connection.

export interface SocketAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

export const socketAgent = new Agent({ keepAlive: true, maxSockets: 1 });

/** `url` with `headers` (Host included, if given) and optionally a body. */
export function socketGet(url: string, headers: Record<string, string>, body?: string): Promise<SocketAnswer> {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent: socketAgent, headers }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => (text += chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text }));
    });
    req.on("error", reject);
    req.end(body);
  });
}

/** A bearer GET over the kept-alive socket, its body parsed as JSON (undefined when empty). */
export async function socketGetJson(url: string, token: string): Promise<{ status: number; body: any }> {
  const res = await socketGet(url, { authorization: `Bearer ${token}` });
  return { status: res.status, body: res.text ? JSON.parse(res.text) : undefined };
}

/**
 * A test server listening on a real port for the suite (started before its tests, closed after,
 * with the kept-alive socket): `s.t` is the server, `s.origin` its http origin.
 */
export function useListeningServer(): { readonly t: TestServer; readonly origin: string } {
  let server: TestServer | undefined;
  let origin = "";
  beforeAll(async () => {
    server = await startTestServer();
    origin = (await server.server.listen()).http;
  });
  afterAll(async () => {
    socketAgent.destroy();
    await server?.close();
  });
  return {
    get t() {
      if (!server) throw new Error("the suite's listening server is used before beforeAll started it");
      return server;
    },
    get origin() {
      return origin;
    },
  };
}
