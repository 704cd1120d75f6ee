// One HTTP exchange with retries: network failures (refused, reset, dropped mid-body, timed
// out) and 429/503/504 are retried after Retry-After or a jittered backoff. The body is read
// inside the loop, so a connection that dies after the headers is retried like one that never
// answered. Every other status goes back to the caller.
import { abortableSleep, isRetryableStatus, parseRetryAfter, retryDelay, type RetryOptions } from "./retry-policy.js";

/**
 * What a DeltaSync reports before it waits to retry (for logs and progress displays).
 *
 * @example
 * onEvent: (e) => e.type === "retry" && console.warn(`${e.reason}: retry ${e.attempt} in ${e.delayMs} ms`)
 */
export interface RetryEvent {
  url: string;
  /** 1 for the first retry. */
  attempt: number;
  delayMs: number;
  /** The status that caused the retry, if the server answered. */
  status?: number;
  /** `429`, `503`, `network: ECONNRESET`, `timeout` … */
  reason: string;
}

/** The time and I/O a DeltaSync uses: injectable so tests neither wait nor touch the network. */
export interface Runtime {
  fetch: typeof globalThis.fetch;
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  now: () => number;
  random: () => number;
  retry: Readonly<RetryOptions>;
  /** Per-attempt limit; a request that takes longer is retried like a dropped connection. */
  requestTimeoutMs: number;
  onRetry?: ((event: RetryEvent) => void) | undefined;
}

export const defaultRuntime = (): Omit<Runtime, "retry"> => ({
  fetch: (input, init) => globalThis.fetch(input, init),
  sleep: abortableSleep,
  now: Date.now,
  random: Math.random,
  requestTimeoutMs: 100_000,
});

export interface FetchedResponse {
  status: number;
  headers: Headers;
  text: string;
}

function describeNetworkError(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  if ((error as Error).name === "TimeoutError") return "timeout";
  return `network: ${cause?.code ?? cause?.message ?? (error as Error).message}`;
}

/**
 * Sends the request `init()` builds (rebuilt per attempt, so headers can change) and returns
 * the final response with its body read. Throws the last network error when retries run out,
 * and the signal's reason as soon as it aborts.
 */
export async function fetchWithRetry(rt: Runtime, url: string, init: () => Promise<RequestInit> | RequestInit, signal?: AbortSignal): Promise<FetchedResponse> {
  for (let attempt = 0; ; attempt++) {
    let retry: { status?: number; reason: string; retryAfterMs?: number | undefined };
    // Built outside the try: a failing token source is not a network error to retry.
    const requestInit = await init();
    try {
      const timeout = AbortSignal.timeout(rt.requestTimeoutMs);
      const response = await rt.fetch(url, { ...requestInit, signal: signal ? AbortSignal.any([signal, timeout]) : timeout });
      const text = await response.text();
      if (!isRetryableStatus(response.status) || attempt >= rt.retry.maxRetries) {
        return { status: response.status, headers: response.headers, text };
      }
      retry = { status: response.status, reason: String(response.status), retryAfterMs: parseRetryAfter(response.headers.get("retry-after"), rt.now()) };
    } catch (error) {
      if (signal?.aborted) throw signal.reason;
      if (attempt >= rt.retry.maxRetries) throw error;
      retry = { reason: describeNetworkError(error) };
    }
    const delayMs = retryDelay({ attempt, retryAfterMs: retry.retryAfterMs, options: rt.retry, random: rt.random });
    rt.onRetry?.({ url, attempt: attempt + 1, delayMs, reason: retry.reason, ...(retry.status !== undefined && { status: retry.status }) });
    await rt.sleep(delayMs, signal);
  }
}
