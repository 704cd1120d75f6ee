import type { WebhookRequest, WebhookResult, WebhookTransport } from "../domain/index.js";

/**
 * Sends change notifications and validation handshakes over HTTP(S) with Node's fetch, whose
 * connection pool keeps receivers' sockets alive between POSTs (the latency target, issue 12).
 * Redirects are not followed: Graph posts to the URL it was given.
 */
export const webhookTransport: WebhookTransport = {
  async post(request: WebhookRequest): Promise<WebhookResult> {
    const started = performance.now();
    const timeout = AbortSignal.timeout(request.timeoutMs);
    const signal = request.signal ? AbortSignal.any([timeout, request.signal]) : timeout;
    try {
      const res = await fetch(request.url, {
        method: "POST", headers: { "content-type": request.contentType }, body: request.body, signal, redirect: "manual",
      });
      const text = await res.text();
      return { status: res.status, text, latencyMs: performance.now() - started, error: null };
    } catch (error) {
      const latencyMs = performance.now() - started;
      if (request.signal?.aborted) return { status: null, text: "", latencyMs, error: "aborted" };
      if (timeout.aborted) return { status: null, text: "", latencyMs, error: "timeout" };
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      return { status: null, text: "", latencyMs, error: "network", detail: cause?.code ?? cause?.message ?? (error as Error).message };
    }
  },
};
