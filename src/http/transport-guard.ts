import { randomUUID } from "node:crypto";
import { STATUS_CODES, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { Duplex } from "node:stream";
import type { Clock } from "../domain/index.js";
import { AuthenticationError } from "../auth/index.js";
import { correlationHeaders } from "./correlation.js";
import { readHead, type RequestHead } from "./request-head.js";
import { errorResponse, toGraphError } from "./errors.js";
import {
  BodyTooLargeError, HeadersTooLargeError, MalformedRequestError, MAX_BODY_BYTES, RequestTimeoutError, UriTooLongError,
} from "./edge-errors.js";

// Readable errors at the transport edge (issue 14): a request refused for its size or its shape
// still gets Graph's error body with the correlation headers, in a response the client can read.
// Node's own answers to these are an empty 400/431, and a body refused mid-upload makes the
// client's write fail (EPIPE) before it reads anything. Four places, all before Fastify:
//   - the request listener: URL, header and declared body size, duplicate Authorization;
//   - `checkContinue`: a body announced with `Expect: 100-continue` is refused before the
//     client sends it (no `100 Continue`), and the connection closed;
//   - a refused body that is on its way is read to the end and dropped (up to DRAIN_LIMIT_BYTES),
//     then answered, so the client finishes writing and reads the 413;
//   - `clientError`: bytes Node's parser gives up on get a whole HTTP response written to the
//     socket, then the socket is closed.

/** Longest request target read (the 414 limit); Node's whole-head default was 16 KB. */
export const MAX_URL_LENGTH = 16 * 1024;
/** Largest header block read, names and values (the 431 limit). */
export const MAX_HEADER_BYTES = 16 * 1024;
/**
 * Node's parser limit for a whole head. Larger than URL + headers, so that heads up to this
 * size reach the listener, where their URL and headers are told apart exactly; beyond it
 * `clientError` guesses from the bytes it holds.
 */
export const MAX_HEAD_BYTES = 128 * 1024;
/** A refused body larger than this is not read: the answer goes out and the connection is cut. */
export const DRAIN_LIMIT_BYTES = 64 * 1024 * 1024;

/** Graph's message when a request carries two bearer headers, which it reads as one malformed token. */
const DUPLICATE_AUTHORIZATION = "CompactToken parsing failed with error code: 80049217";

export interface TransportGuardOptions {
  clock: Clock;
  https: boolean;
}

/** What is wrong with a request's head, before anything reads it, or undefined. */
export function headError(request: IncomingMessage, head: RequestHead = readHead(request.rawHeaders)): Error | undefined {
  if ((request.url?.length ?? 0) > MAX_URL_LENGTH) return new UriTooLongError();
  if (head.bytes > MAX_HEADER_BYTES) return new HeadersTooLargeError();
  // Node keeps the first of two Authorization headers and drops the second without a word.
  if (head.authorizations > 1) return new AuthenticationError(DUPLICATE_AUTHORIZATION, { reason: "malformed" });
  if (Number(head.contentLength) > MAX_BODY_BYTES) return new BodyTooLargeError();
  return undefined;
}

/**
 * Answers `error` on `response` with Graph's body. A refused body still on its way is read and
 * dropped first (unless `close`, when the client was told not to send it).
 */
export function answerEarly(request: IncomingMessage, response: ServerResponse, error: Error, options: TransportGuardOptions & { close?: boolean }): void {
  const send = (close: boolean) => {
    const requestId = randomUUID();
    const mapped = errorResponse(toGraphError(error), { requestId, clientRequestId: clientRequestIdOf(request, requestId), date: options.clock.now() });
    const headers = [
      ...correlationHeaders(requestId, request.headers["client-request-id"], options.https),
      ...Object.entries(mapped.headers).flat(), "content-length", String(Buffer.byteLength(mapped.body)),
    ];
    if (close) {
      headers.push("connection", "close");
      response.shouldKeepAlive = false;
    }
    response.writeHead(mapped.status, headers);
    response.end(mapped.body);
  };
  if (options.close || request.complete) return send(options.close ?? false);
  void drainBody(request).then((drained) => send(!drained));
}

/** Reads and drops the rest of a request's body; false when it ran past DRAIN_LIMIT_BYTES or broke. */
export function drainBody(request: IncomingMessage): Promise<boolean> {
  if (request.complete) return Promise.resolve(true);
  if (Number(request.headers["content-length"]) > DRAIN_LIMIT_BYTES) return Promise.resolve(false);
  return new Promise((resolve) => {
    let bytes = 0;
    const done = (drained: boolean) => {
      request.removeListener("data", onData).removeListener("end", onEnd).removeListener("error", onError);
      resolve(drained);
    };
    const onData = (chunk: Buffer) => {
      bytes += chunk.length;
      if (bytes > DRAIN_LIMIT_BYTES) done(false);
    };
    const onEnd = () => done(true);
    const onError = () => done(false);
    request.on("data", onData).on("end", onEnd).on("error", onError);
    request.resume();
  });
}

/**
 * Installs the guards on a server: `checkContinue` (refuses a too-large announced body before
 * `100 Continue`) and `clientError` (Graph's error on malformed bytes). `listener` serves the
 * requests that pass.
 */
export function guardServer(server: Server, listener: (request: IncomingMessage, response: ServerResponse) => void, options: TransportGuardOptions): void {
  server.on("checkContinue", (request: IncomingMessage, response: ServerResponse) => {
    const error = headError(request);
    if (error) return answerEarly(request, response, error, { ...options, close: true });
    response.writeContinue();
    listener(request, response);
  });
}

/** Fastify's `clientErrorHandler`: a whole HTTP response with Graph's body, then the socket closes. */
export function clientErrorHandler(options: TransportGuardOptions): (error: Error & { code?: string; rawPacket?: unknown }, socket: Duplex) => void {
  return (error, socket) => {
    const inFlight = (socket as Duplex & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
    if (error.code === "ECONNRESET" || !socket.writable || inFlight?.headersSent) {
      socket.destroy();
      return;
    }
    const refused = error.code === "HPE_HEADER_OVERFLOW"
      ? (looksLikeLongUrl(Buffer.isBuffer(error.rawPacket) ? error.rawPacket : undefined) ? new UriTooLongError() : new HeadersTooLargeError())
      : error.code === "ERR_HTTP_REQUEST_TIMEOUT" ? new RequestTimeoutError() : new MalformedRequestError();
    const requestId = randomUUID();
    const mapped = errorResponse(toGraphError(refused), { requestId, clientRequestId: requestId, date: options.clock.now() });
    const pairs = [...correlationHeaders(requestId, undefined, options.https), ...Object.entries(mapped.headers).flat()];
    let head = `HTTP/1.1 ${mapped.status} ${STATUS_CODES[mapped.status] ?? ""}\r\n`;
    for (let i = 0; i < pairs.length; i += 2) head += `${pairs[i]}: ${pairs[i + 1]}\r\n`;
    head += `content-length: ${Buffer.byteLength(mapped.body)}\r\nconnection: close\r\n\r\n`;
    socket.end(head + mapped.body);
  };
}

/**
 * A head over MAX_HEAD_BYTES: the parser hands over only the chunk it failed in. The request
 * line's start with no line break yet, or a first line ending in ` HTTP/1.x`, puts the fault in
 * the target (414); anything else is counted against the headers (431), as Node counts it. A
 * guess, for heads this large only.
 */
function looksLikeLongUrl(packet: Buffer | undefined): boolean {
  if (!packet) return false;
  const end = packet.indexOf("\r\n");
  if (end < 0) return /^[A-Z]+ \//.test(packet.subarray(0, 16).toString("latin1"));
  return / HTTP\/\d\.\d$/.test(packet.subarray(Math.max(0, end - 9), end).toString("latin1"));
}

function clientRequestIdOf(request: IncomingMessage, requestId: string): string {
  const pairs = correlationHeaders(requestId, request.headers["client-request-id"], false);
  return pairs[3] as string;
}
