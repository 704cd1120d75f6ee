import { SubscriptionError } from "../errors.js";
import type { IdSource } from "../ids.js";
import type { WebhookResult, WebhookTransport } from "./webhook.js";

// The validation handshake (spec §4.3): before a subscription exists, Graph POSTs to the
// notification URL (and the lifecycle URL) with a `validationToken` query parameter; the endpoint
// must answer 200 within 10 seconds with the URL-decoded token as its plain-text body. Any other
// answer fails the create (or the PATCH that changed the URL) with the observed 400 bodies.
// see: https://learn.microsoft.com/graph/change-notifications-delivery-webhooks#notificationurl-validation

/** What every observed failure says first. */
const FAILED = "Subscription validation request failed.";

export const VALIDATION_MESSAGES = Object.freeze({
  not200: `${FAILED} Notification endpoint must respond with 200 OK to validation request.`,
  mismatch: `${FAILED} Response must exactly match validationToken query parameter.`,
  timeout: "Subscription validation request timed out.",
});

/**
 * Runs the handshake against `url`; resolves when the endpoint passed, throws the
 * SubscriptionError Graph answers with otherwise. `record` hears of the attempt (deliveries log).
 */
export async function validateNotificationUrl(args: {
  url: string; transport: WebhookTransport; ids: IdSource; timeoutMs: number;
  record?: (result: WebhookResult, failure: string | null) => void;
}): Promise<void> {
  // The token Graph sends reads like this one: spaces and a colon, so the endpoint must decode it.
  const token = `Validation: Testing client application reachability for subscription Request-Id: ${args.ids.guid()}`;
  const separator = args.url.includes("?") ? "&" : "?";
  const result = await args.transport.post({
    url: `${args.url}${separator}validationToken=${encodeURIComponent(token)}`,
    body: "", contentType: "text/plain; charset=utf-8", timeoutMs: args.timeoutMs,
  });
  const failure = result.error === "timeout" ? "timeout"
    : result.status !== 200 ? (result.status === null ? `no answer (${result.error ?? "network"})` : `HTTP ${result.status}`)
      : result.text !== token ? "body does not match the validationToken" : null;
  args.record?.(result, failure);
  if (result.error === "timeout") throw new SubscriptionError(VALIDATION_MESSAGES.timeout, "invalidRequest");
  if (result.status !== 200) throw new SubscriptionError(VALIDATION_MESSAGES.not200, "validation");
  if (result.text !== token) throw new SubscriptionError(VALIDATION_MESSAGES.mismatch, "validation");
}
