// When and how long to wait before retrying a Graph request.
// see: https://learn.microsoft.com/graph/throttling (429 + Retry-After; 503/504 the same way)

/**
 * How a {@link DeltaSync} retries throttled and failed requests.
 *
 * @example
 * const sync = new DeltaSync({ ...options, retry: { maxRetries: 4, maxDelayMs: 30_000 } });
 */
export interface RetryOptions {
  /** Retries per request after the first attempt (default 8). */
  maxRetries: number;
  /** First backoff delay when the server gives no Retry-After (default 1 s). */
  baseDelayMs: number;
  /** Cap of the exponential backoff (default 60 s). */
  maxDelayMs: number;
  /** A Retry-After longer than this is cut to it, so a bad header cannot stall a sync for days (default 10 min). */
  maxRetryAfterMs: number;
}

/**
 * The retry settings a DeltaSync starts from; its `retry` option overrides single fields.
 *
 * @example
 * const patient = { ...DEFAULT_RETRY, maxRetries: 20 };
 */
export const DEFAULT_RETRY: Readonly<RetryOptions> = Object.freeze({
  maxRetries: 8,
  baseDelayMs: 1000,
  maxDelayMs: 60_000,
  maxRetryAfterMs: 600_000,
});

/** Statuses Graph documents as "wait and try again": throttled, unavailable, gateway timeout. */
export function isRetryableStatus(status: number): boolean {
  return status === 429 || status === 503 || status === 504;
}

/**
 * Reads a Retry-After header: delay-seconds (Graph sends fractions such as `2.128`) or an
 * HTTP date. Returns milliseconds from `nowMs`, or undefined when absent or unreadable.
 *
 * @example
 * parseRetryAfter("2.5", Date.now()); // 2500
 * parseRetryAfter("Wed, 21 Oct 2015 07:28:00 GMT", Date.parse("2015-10-21T07:27:58Z")); // 2000
 */
export function parseRetryAfter(header: string | null | undefined, nowMs: number): number | undefined {
  const value = header?.trim();
  if (!value) return undefined;
  if (/^\d+(?:\.\d+)?$/.test(value)) return Math.round(Number(value) * 1000);
  // Anything else must be an HTTP date; Date.parse also reads "1e3" or "-1", which the
  // digits-only test above keeps from being mistaken for dates.
  if (!/[a-z]/i.test(value)) return undefined;
  const at = Date.parse(value);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - nowMs);
}

/**
 * The wait before retry number `attempt` (0 for the first retry): the server's Retry-After
 * when it gave one (capped by `maxRetryAfterMs`), else capped exponential backoff with
 * "equal jitter" — half the step fixed, half random — so clients that failed together do
 * not retry together, yet every wait still grows.
 *
 * @example
 * retryDelay({ attempt: 2, retryAfterMs: undefined, options: DEFAULT_RETRY, random: Math.random }); // 2000..4000
 */
export function retryDelay(args: {
  attempt: number;
  retryAfterMs: number | undefined;
  options: Readonly<RetryOptions>;
  random: () => number;
}): number {
  const { attempt, retryAfterMs, options, random } = args;
  if (retryAfterMs !== undefined) return Math.min(retryAfterMs, options.maxRetryAfterMs);
  const step = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** Math.min(attempt, 30));
  return Math.round(step / 2 + (step / 2) * random());
}

/** Waits `ms`, or rejects with the signal's reason as soon as it aborts. */
export function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
