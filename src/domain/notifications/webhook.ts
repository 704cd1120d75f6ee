// The one thing notifications need from the network: POST a body to a URL with a timeout. The
// domain decides what to send and what an answer means; server/webhook-transport.ts sends it.

export interface WebhookRequest {
  url: string;
  body: string;
  contentType: string;
  timeoutMs: number;
  /** Aborts the request (a closing server). */
  signal?: AbortSignal;
}

export interface WebhookResult {
  /** The receiver's status; null when no answer came. */
  status: number | null;
  /** The answer's body (the handshake compares it to the token). */
  text: string;
  /** Wall-clock milliseconds from sending to the answer (or the failure). */
  latencyMs: number;
  /** Why no answer came: the timeout, a connection failure, or the caller's abort. */
  error: "timeout" | "network" | "aborted" | null;
  /** The network error's message, for the deliveries log. */
  detail?: string;
}

export interface WebhookTransport {
  post(request: WebhookRequest): Promise<WebhookResult>;
}

/** A 2xx answer within the timeout: the receiver has the notifications (spec §4.5). */
export function acknowledged(result: WebhookResult): boolean {
  return result.status !== null && result.status >= 200 && result.status < 300;
}

/** What a failed attempt's log entry says. */
export function failureOf(result: WebhookResult): string | null {
  if (acknowledged(result)) return null;
  if (result.error === "timeout") return "timeout";
  if (result.error !== null) return result.detail ? `${result.error}: ${result.detail}` : result.error;
  return `HTTP ${result.status}`;
}
