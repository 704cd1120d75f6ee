import { Agent, request } from "node:http";

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
