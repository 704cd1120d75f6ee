// A load of clients that each page through their own round: GET the target, follow the answer's
// @odata.nextLink, and on its @odata.deltaLink start over at the target. Links are bound to their
// caller and carry their issue time in seconds, so each connection is a caller of its own
// (Target.follow.callers), and a page it asks for is one nobody asked for before (a round of 100
// pages outlasts a second): the server assembles each answer the first time, as in an initial
// sync, unlike a load that picks from captured URLs, which a server may answer again from what it
// kept. autocannon resets its per-connection context at every request, so it cannot carry a link
// from one answer to the next. Like autocannon, each client is one keep-alive socket writing
// HTTP/1.1 by hand and reading only what it needs (status, Content-Length, the body's tail), so
// the client's CPU does not limit the server more than autocannon's does for the bare server.
import { connect, type Socket } from "node:net";
import type { Target } from "./load.js";

export interface ChainLoadResult {
  responses: number;
  bytes: number;
  errors: number;
}

const NEXT_LINK = '"@odata.nextLink":"';
const HEAD_END = Buffer.from("\r\n\r\n");

/** The nextLink a page ends with (links are the last member of a delta page), or none: the deltaLink, the round is complete. */
function nextOf(tail: string): string | undefined {
  const at = tail.lastIndexOf(NEXT_LINK);
  if (at < 0) return undefined;
  const start = at + NEXT_LINK.length;
  const url = new URL(tail.slice(start, tail.indexOf('"', start)));
  return `${url.pathname}${url.search}`;
}

/** One client: a socket, one request at a time, each answer read to its Content-Length. */
class Client {
  readonly #socket: Socket;
  #head: Buffer[] = [];
  #status = 0;
  #remaining = -1;
  #bytes = 0;
  #tail: Buffer[] = [];
  #done?: (answer: { status: number; bytes: number; tail: string } | undefined) => void;

  constructor(port: number) {
    this.#socket = connect({ host: "127.0.0.1", port, noDelay: true });
    this.#socket.on("data", (chunk: Buffer) => this.#read(chunk));
    this.#socket.on("error", () => this.#finish(undefined));
    this.#socket.on("close", () => this.#finish(undefined));
  }

  get(request: Buffer): Promise<{ status: number; bytes: number; tail: string } | undefined> {
    if (this.#socket.destroyed) return Promise.resolve(undefined);
    return new Promise((resolve) => {
      this.#done = resolve;
      this.#socket.write(request);
    });
  }

  close(): void {
    this.#socket.destroy();
  }

  #read(chunk: Buffer): void {
    if (this.#remaining < 0) {
      this.#head.push(chunk);
      const head = this.#head.length === 1 ? chunk : Buffer.concat(this.#head);
      const end = head.indexOf(HEAD_END);
      if (end < 0) return;
      const text = head.toString("latin1", 0, end);
      this.#status = Number(text.slice(9, 12));
      const length = /\r\ncontent-length:\s*(\d+)/i.exec(text);
      if (!length) throw new Error(`chain load: an answer without Content-Length (${text.slice(0, 200)})`);
      this.#remaining = Number(length[1]);
      this.#bytes = this.#remaining;
      this.#head = [];
      chunk = head.subarray(end + HEAD_END.length);
    }
    this.#remaining -= chunk.length;
    this.#tail.push(chunk);
    if (this.#tail.length > 2) this.#tail.shift();
    if (this.#remaining <= 0) {
      const tail = Buffer.concat(this.#tail);
      this.#tail = [];
      this.#remaining = -1;
      this.#finish({ status: this.#status, bytes: this.#bytes, tail: tail.toString("latin1", Math.max(0, tail.length - 4096)) });
    }
  }

  #finish(answer: { status: number; bytes: number; tail: string } | undefined): void {
    const done = this.#done;
    this.#done = undefined;
    done?.(answer);
  }
}

/**
 * Where each client stopped, by server port, target and caller: a measurement is cut into short
 * slices, and a round of hundreds of pages outlasts one, so the next slice's client goes on
 * from there rather than from the first page again (which would weigh the early pages of a
 * round, not the round).
 */
const stoppedAt = new Map<string, string>();

export async function chainLoad(options: {
  port: number; target: Target; connections: number; seconds: number; expectStatus: number;
  onResponse: (status: number, bytes: number, ms: number) => void;
}): Promise<ChainLoadResult> {
  const deadline = performance.now() + options.seconds * 1000;
  const result: ChainLoadResult = { responses: 0, bytes: 0, errors: 0 };
  const callers = options.target.follow?.callers ?? [];
  const requestOf = (path: string, headers: Record<string, string>) => {
    let text = `GET ${path} HTTP/1.1\r\nhost: 127.0.0.1:${options.port}\r\n`;
    for (const name in headers) text += `${name}: ${headers[name]}\r\n`;
    return Buffer.from(`${text}\r\n`, "latin1");
  };
  const run = async (i: number) => {
    const headers = callers.length > 0 ? callers[i % callers.length] as Record<string, string> : options.target.headers;
    let client = new Client(options.port);
    const resume = `${options.port}|${options.target.path}|${i}|${headers.authorization ?? ""}`;
    let path = stoppedAt.get(resume) ?? options.target.path;
    while (performance.now() < deadline) {
      const t0 = performance.now();
      const answer = await client.get(requestOf(path, headers));
      if (!answer) {
        result.errors++;
        client.close();
        client = new Client(options.port);
        path = options.target.path;
        continue;
      }
      result.responses++;
      result.bytes += answer.bytes;
      options.onResponse(answer.status, answer.bytes, performance.now() - t0);
      // An unexpected answer (counted by the caller) starts the client over.
      path = (answer.status === options.expectStatus ? nextOf(answer.tail) : undefined) ?? options.target.path;
    }
    stoppedAt.set(resume, path);
    client.close();
  };
  await Promise.all(Array.from({ length: options.connections }, (_, i) => run(i)));
  return result;
}
