import { EdgeError } from "../edge-errors.js";

// Failures the emulator answers on purpose: a fault rule or the Outlook throttling profile
// decided this request fails the way real Graph sometimes does. Like the other edge errors they
// carry no status; http/errors.ts has their rows (ADR 0004), so an injected 503 has exactly the
// body and headers of any other error the app sends.

/** Which limit a 429 reports (spec §8.4): Outlook's concurrency limit, or Graph's generic one. */
export type ThrottleCode = "TooManyRequests" | "ApplicationThrottled";

/** 429: too many requests (a fault rule, or the throttling profile's concurrency or window limit). */
export class ThrottledError extends EdgeError {
  readonly kind = "throttled";
  constructor(readonly code: ThrottleCode, readonly retryAfterSeconds: number) {
    super(code === "ApplicationThrottled" ? "Application is over its MailboxConcurrency limit." : "Please retry again later.");
  }
}

/** 503: the service is down for a while; the client waits `Retry-After` and tries again. */
export class ServiceUnavailableError extends EdgeError {
  readonly kind = "serviceUnavailable";
  constructor(readonly retryAfterSeconds: number) {
    super("The service is temporarily unavailable. Please retry after the delay in the Retry-After header.");
  }
}

/** 504: the gateway gave up waiting for the mailbox server. */
export class GatewayTimeoutError extends EdgeError {
  readonly kind = "gatewayTimeout";
  constructor() {
    super("The request timed out before the mailbox server answered.");
  }
}

/** 500 `UnknownError`: what Graph answers for a transient failure it does not explain. */
export class UnknownServerError extends EdgeError {
  readonly kind = "unknownServer";
  constructor() {
    super("An unknown error occurred while processing the request.");
  }
}

/** `DELETE /_graphcal/faults/{id}` named no loaded rule. */
export class UnknownFaultRuleError extends EdgeError {
  readonly kind = "unknownFaultRule";
  constructor(readonly id: string) {
    super(`No fault rule with id '${id}'.`);
  }
}
