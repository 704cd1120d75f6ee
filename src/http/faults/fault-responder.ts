import { Readable } from "node:stream";
import { AuthenticationError } from "../../auth/index.js";
import { ResyncRequiredError, SyncStateNotFoundError } from "../../domain/index.js";
import type { ErrorContext } from "../errors.js";
import { GatewayTimeoutError, ServiceUnavailableError, ThrottledError, UnknownServerError } from "./fault-errors.js";
import { FAULT_STATUSES, retryAfterOf, type FaultAnswer, type FaultStatus } from "./fault-rule.js";

// How a fired rule answers. A status becomes the same typed error the app would raise for that
// failure, so its body and headers come from the one error table (http/errors.ts). A drop lets
// the normal answer start and cuts it: the status line, the headers and half the body go out,
// then the socket is destroyed, as when a connection dies mid-page.

/** The error a status answer stands for, and the context its row needs (ResyncRequired's Location). */
export function faultErrorOf(answer: FaultAnswer & { status: FaultStatus }, restartLink: () => string): { error: Error; context: ErrorContext } {
  const code = answer.code ?? FAULT_STATUSES[answer.status][0];
  switch (answer.status) {
    case 429: return { error: new ThrottledError(code as "TooManyRequests" | "ApplicationThrottled", retryAfterOf(answer)), context: {} };
    case 503: return { error: new ServiceUnavailableError(retryAfterOf(answer)), context: {} };
    case 504: return { error: new GatewayTimeoutError(), context: {} };
    case 500: return { error: new UnknownServerError(), context: {} };
    case 401: return { error: new AuthenticationError("Lifetime validation failed, the token is expired.", { reason: "expired" }), context: {} };
    case 410:
      // Real Graph says nothing of generations here; 0 and 0 only fill the message's blanks.
      return code === "ResyncRequired"
        ? { error: new ResyncRequiredError(), context: { deltaRestartLink: restartLink } }
        : { error: new SyncStateNotFoundError(0, 0), context: {} };
  }
}

/** Where a client starts over after 410 ResyncRequired: the request without its tokens (spec §7.6). */
export function restartLinkOf(origin: string, url: string): string {
  const q = url.indexOf("?");
  if (q < 0) return origin + url;
  const params = new URLSearchParams(url.slice(q + 1));
  for (const name of ["$deltatoken", "deltatoken", "$skiptoken", "skiptoken"]) params.delete(name);
  const query = params.toString();
  return origin + url.slice(0, q) + (query ? `?${query}` : "");
}

/** What the log and the server log say was done. */
export function describeAnswer(answer: FaultAnswer): string {
  const parts: string[] = [];
  if (answer.latencyMs !== undefined) parts.push(`latency ${answer.latencyMs}ms`);
  if (answer.status !== undefined) parts.push(`status ${answer.status}${answer.code ? ` ${answer.code}` : ""}`);
  if (answer.drop) parts.push("drop");
  return parts.join(", ");
}

/** Time for the half body to reach the socket before it is destroyed. */
const DROP_FLUSH_MS = 20;

/**
 * The body of a dropped answer: the first half of `payload`, then an error, which makes Fastify
 * destroy the response (its headers are already sent). `onDropped` runs as it does.
 */
export function truncatedBody(payload: string | Buffer, onDropped: () => void): Readable {
  const whole = typeof payload === "string" ? Buffer.from(payload) : payload;
  let sent = false;
  return new Readable({
    read() {
      if (sent) return;
      sent = true;
      this.push(whole.subarray(0, Math.floor(whole.length / 2)));
      setTimeout(() => {
        onDropped();
        this.destroy(new Error("graphcal fault: connection dropped mid-response"));
      }, DROP_FLUSH_MS).unref();
    },
  });
}
