import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

// A webhook receiver on 127.0.0.1 (a real socket, node:http), as an app's endpoint would be: it
// answers Graph's validation handshake and records every notification POST. Its behaviour can be
// switched per suite or mid-test to fail in each way the spec names.

export type ReceiverMode =
  /** 200 with the token for handshakes, 202 for notifications. */
  | "ok"
  /** 500 for everything. */
  | "fail"
  /** Never answers (until closed). */
  | "hang"
  /** Handshake: 200 with a different body. */
  | "wrong-token"
  /** Handshake: 202 with the token (Graph wants 200). */
  | "not-200";

export interface ReceivedPost {
  path: string;
  contentType: string | undefined;
  /** `value` of the JSON body (notifications or lifecycle notifications). */
  value: any[];
  /** Whether the receiver acknowledged it (2xx). */
  acknowledged: boolean;
}

export interface Receiver {
  url: string;
  mode: ReceiverMode;
  /** Validation tokens received, decoded. */
  tokens: string[];
  posts: ReceivedPost[];
  /** Every notification of every acknowledged POST, in arrival order. */
  notifications(): any[];
  /** Called with each notification POST before it is answered; the answer waits for it. */
  onPost?: (post: ReceivedPost) => Promise<void> | void;
  waitFor<T>(check: () => T | undefined | false, timeoutMs?: number): Promise<T>;
  close(): Promise<void>;
}

export async function startReceiver(mode: ReceiverMode = "ok"): Promise<Receiver> {
  const hanging = new Set<ServerResponse>();
  const receiver: Receiver = {
    url: "", mode, tokens: [], posts: [],
    notifications: () => receiver.posts.filter((p) => p.acknowledged).flatMap((p) => p.value),
    async waitFor(check, timeoutMs = 5000) {
      const until = Date.now() + timeoutMs;
      for (;;) {
        const value = check();
        if (value !== undefined && value !== false) return value as never;
        if (Date.now() > until) throw new Error(`receiver: condition not met within ${timeoutMs} ms; posts: ${JSON.stringify(receiver.posts).slice(0, 2000)}`);
        await new Promise((r) => setTimeout(r, 10));
      }
    },
    close: async () => {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      void handle(req, res, Buffer.concat(chunks).toString("utf8"));
    });
  });
  async function handle(req: IncomingMessage, res: ServerResponse, text: string): Promise<void> {
    const url = new URL(req.url ?? "/", "http://receiver");
    const token = url.searchParams.get("validationToken");
    if (receiver.mode === "hang") {
      // Recorded (a notification POST, unanswered, so not acknowledged) and held until close.
      if (token === null) receiver.posts.push({ path: url.pathname + url.search, contentType: req.headers["content-type"], value: JSON.parse(text).value, acknowledged: false });
      hanging.add(res);
      return;
    }
    if (token !== null) {
      receiver.tokens.push(token);
      if (receiver.mode === "fail") return void res.writeHead(500).end();
      if (receiver.mode === "wrong-token") return void res.writeHead(200, { "content-type": "text/plain" }).end("not the token");
      if (receiver.mode === "not-200") return void res.writeHead(202, { "content-type": "text/plain" }).end(token);
      return void res.writeHead(200, { "content-type": "text/plain" }).end(token);
    }
    const acknowledged = receiver.mode !== "fail";
    const post: ReceivedPost = { path: url.pathname + url.search, contentType: req.headers["content-type"], value: JSON.parse(text).value, acknowledged };
    receiver.posts.push(post);
    await receiver.onPost?.(post);
    res.writeHead(acknowledged ? 202 : 500).end();
  }
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/notify`;
  return receiver;
}
