import { describe, expect, it } from "vitest";
import { connect } from "node:net";
import { request } from "node:http";
import { useListeningServer } from "../support/socket-get.js";
import { GRAPH_CONTENT_TYPE, GUID } from "../support/graph-assertions.js";

// Bad input at the transport edge (issue 14): sizes and shapes refused before any route runs,
// over real sockets with the clients apps use (Node's fetch, node:http, a raw socket). Every
// answer must be readable by the client (no EPIPE, no empty body) and carry Graph's error body
// with the correlation headers (spec §8.1).

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

/** Graph's error body, its innerError ids equal to the headers. */
function expectGraphBody(res: Answer, status: number, code: string, message?: string | RegExp): void {
  const context = `${res.status}: ${res.text.slice(0, 300)}`;
  expect(res.status, context).toBe(status);
  expect(res.headers["content-type"], context).toBe(GRAPH_CONTENT_TYPE);
  const body = JSON.parse(res.text) as { error: { code: string; message: string; innerError: Record<string, string> } };
  expect(Object.keys(body)).toEqual(["error"]);
  expect(body.error.code, context).toBe(code);
  if (typeof message === "string") expect(body.error.message).toBe(message);
  else if (message) expect(body.error.message).toMatch(message);
  expect(body.error.innerError["request-id"]).toMatch(GUID);
  expect(body.error.innerError["request-id"]).toBe(res.headers["request-id"]);
  expect(body.error.innerError["client-request-id"]).toBe(res.headers["client-request-id"]);
  expect(res.headers["odata-version"]).toBe("4.0");
}

async function viaFetch(url: string, init: RequestInit = {}): Promise<Answer> {
  const res = await fetch(url, init);
  return { status: res.status, headers: Object.fromEntries(res.headers), text: await res.text() };
}

/** node:http, for what fetch cannot send: `Expect: 100-continue`, two Authorization lines. */
function viaHttp(url: string, options: { method?: string; headers: Record<string, string | string[]>; body?: string; onContinue?: () => void }): Promise<Answer & { continued: boolean }> {
  return new Promise((resolve, reject) => {
    let continued = false;
    const req = request(url, { method: options.method ?? "GET", headers: options.headers }, (res) => {
      let text = "";
      res.setEncoding("utf8").on("data", (chunk: string) => (text += chunk)).on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text, continued }));
    });
    req.on("error", reject);
    if (options.headers.expect) {
      req.on("continue", () => {
        continued = true;
        req.end(options.body);
      });
      req.flushHeaders();
    } else {
      req.end(options.body);
    }
  });
}

/** Raw bytes over TCP; resolves with everything the server wrote before it closed. */
function viaSocket(origin: string, bytes: string): Promise<string> {
  const { hostname, port } = new URL(origin);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname);
    let out = "";
    socket.setEncoding("utf8").on("data", (chunk: string) => (out += chunk)).on("close", () => resolve(out)).on("error", reject);
    socket.write(bytes);
  });
}

/** A raw HTTP/1.1 response split into status, lower-cased headers and body. */
function parseRaw(raw: string): Answer {
  const [head = "", ...rest] = raw.split("\r\n\r\n");
  const [statusLine = "", ...lines] = head.split("\r\n");
  const headers: Record<string, string> = {};
  for (const line of lines) headers[line.slice(0, line.indexOf(":")).toLowerCase()] = line.slice(line.indexOf(":") + 1).trim();
  return { status: Number(statusLine.split(" ")[1]), headers, text: rest.join("\r\n\r\n") };
}

const MB = 1024 * 1024;

describe("bad input at the transport edge (real sockets)", () => {
  const s = useListeningServer();
  const bearer = async () => `Bearer ${await s.t.userToken(await s.t.newMailbox("Transport"))}`;
  const names = async (authorization: string) =>
    ((await (await fetch(`${s.origin}/v1.0/me/calendars`, { headers: { authorization } })).json()) as { value: { name: string }[] }).value.map((c) => c.name);

  it("body: 3 MB is under Graph's 4 MB limit and reaches the route (its 400, not a 413)", async () => {
    const authorization = await bearer();
    const res = await viaFetch(`${s.origin}/v1.0/me/calendars`, {
      method: "POST", headers: { authorization, "content-type": "application/json" }, body: JSON.stringify({ name: "n".repeat(3 * MB) }),
    });
    expectGraphBody(res, 400, "ErrorInvalidRequest");
  });

  for (const size of [5, 8]) {
    it(`body: ${size} MB over fetch is a readable 413 with Graph's body, and the connection serves on`, async () => {
      const authorization = await bearer();
      const res = await viaFetch(`${s.origin}/v1.0/me/calendars`, {
        method: "POST", headers: { authorization, "content-type": "application/json", "client-request-id": "big-1" },
        body: JSON.stringify({ name: "Huge", pad: "x".repeat(size * MB) }),
      });
      expectGraphBody(res, 413, "BadRequest", "The maximum request length supported is 4MB.");
      expect(res.headers["client-request-id"]).toBe("big-1");
      expect(await names(authorization)).not.toContain("Huge");
    });
  }

  it("body: 6 MB sent chunked (no Content-Length) is found too large mid-read, and still answered readably", async () => {
    const authorization = await bearer();
    const chunk = new TextEncoder().encode("y".repeat(MB));
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < 6; i++) controller.enqueue(chunk);
        controller.close();
      },
    });
    const res = await viaFetch(`${s.origin}/v1.0/me/calendars`, {
      method: "POST", headers: { authorization, "content-type": "application/json" }, body, duplex: "half",
    } as RequestInit);
    expectGraphBody(res, 413, "BadRequest");
  });

  it("body: Expect: 100-continue with 6 MB announced is refused before 100 Continue; the body is never sent", async () => {
    const authorization = await bearer();
    const res = await viaHttp(`${s.origin}/v1.0/me/calendars`, {
      method: "POST", body: JSON.stringify({ name: "Never", pad: "z".repeat(6 * MB) }),
      headers: { authorization, "content-type": "application/json", expect: "100-continue", "content-length": String(6 * MB + 30) },
    });
    expectGraphBody(res, 413, "BadRequest", "The maximum request length supported is 4MB.");
    expect(res.continued).toBe(false);
    expect(res.headers.connection).toBe("close");
  });

  it("body: Expect: 100-continue under the limit gets 100 Continue and is served", async () => {
    const authorization = await bearer();
    const body = JSON.stringify({ name: "Continued" });
    const res = await viaHttp(`${s.origin}/v1.0/me/calendars`, {
      method: "POST", body, headers: { authorization, "content-type": "application/json", expect: "100-continue", "content-length": String(body.length) },
    });
    expect(res.status, res.text).toBe(201);
    expect(res.continued).toBe(true);
    expect(await names(authorization)).toContain("Continued");
  });

  it("URL: 100 KB is 414 with Graph's body", async () => {
    const res = await viaFetch(`${s.origin}/v1.0/me/calendars?$select=${"a".repeat(100_000)}`, { headers: { authorization: await bearer() } });
    expectGraphBody(res, 414, "BadRequest", "The request URL is too long.");
  });

  it("headers: a 100 KB header is 431 with Graph's body", async () => {
    const res = await viaFetch(`${s.origin}/v1.0/me/calendars`, { headers: { authorization: await bearer(), "x-padding": "p".repeat(100_000) } });
    expectGraphBody(res, 431, "BadRequest", "The request headers are too large.");
  });

  it("headers: beyond what Node's parser reads (200 KB) the answer is still a Graph 431, written on the socket", async () => {
    const res = await viaFetch(`${s.origin}/v1.0/me/calendars`, { headers: { "x-padding": "p".repeat(200_000) } });
    expectGraphBody(res, 431, "BadRequest");
    expect(res.headers.connection).toBe("close");
  });

  for (const [what, bytes] of [
    ["a malformed request line", "GARBAGE\r\n\r\n"],
    ["a bad HTTP version", "GET /v1.0/me HTTP/9.9\r\nHost: x\r\n\r\n"],
    ["a header without a colon", "GET /v1.0/me HTTP/1.1\r\nHost: x\r\nno colon here\r\n\r\n"],
    ["a control character in the target", "GET /v1.0/\u0001me HTTP/1.1\r\nHost: x\r\n\r\n"],
  ] as const) {
    it(`malformed HTTP: ${what} is a 400 with Graph's body, then the socket closes`, async () => {
      const res = parseRaw(await viaSocket(s.origin, bytes));
      expectGraphBody(res, 400, "BadRequest", "The request is not valid HTTP.");
      expect(res.headers.connection).toBe("close");
      expect(Number(res.headers["content-length"])).toBe(Buffer.byteLength(res.text));
    });
  }

  it("Host: a foreign Host header gets links to the listener's own origin; a loopback one is kept", async () => {
    const authorization = await bearer();
    const port = new URL(s.origin).port;
    const foreign = await viaHttp(`${s.origin}/v1.0/me/calendars?$top=1`, { headers: { authorization, host: "evil.test" } });
    expect(JSON.parse(foreign.text)["@odata.nextLink"]).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:${port}/v1\\.0/me/calendars\\?`));
    const loopback = await viaHttp(`${s.origin}/v1.0/me/calendars?$top=1`, { headers: { authorization, host: `localhost:${port}` } });
    expect(JSON.parse(loopback.text)["@odata.context"]).toBe(`http://localhost:${port}/v1.0/$metadata#me/calendars`);
  });

  it("Authorization twice: 401 InvalidAuthenticationToken, even when the first is valid (never served as the first)", async () => {
    const authorization = await bearer();
    expect((await viaHttp(`${s.origin}/v1.0/me/calendars`, { headers: { authorization } })).status).toBe(200);
    for (const pair of [[authorization, "Bearer nonsense"], [authorization, authorization]]) {
      const res = await viaHttp(`${s.origin}/v1.0/me/calendars`, { headers: { authorization: pair } });
      expectGraphBody(res, 401, "InvalidAuthenticationToken", "CompactToken parsing failed with error code: 80049217");
      expect(res.headers["www-authenticate"]).toMatch(/^Bearer /);
    }
  });
});
