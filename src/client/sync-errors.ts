// The errors a DeltaSync throws. They carry what Graph said (status, code, request-id) so an
// operator can quote it to Microsoft support or find it in graphcal's logs.

/**
 * A Graph request that failed for good: a non-retryable status, or a retryable one (429, 503,
 * 504) that outlasted every retry.
 *
 * @example
 * try {
 *   await sync.runRound();
 * } catch (error) {
 *   if (error instanceof GraphRequestError && error.status === 403) console.error("missing Calendars.Read");
 * }
 */
export class GraphRequestError extends Error {
  readonly status: number;
  /** Graph's `error.code` (e.g. `ErrorAccessDenied`), or `HttpError` when the body had none. */
  readonly code: string;
  readonly requestId: string | undefined;
  readonly url: string;

  constructor(args: { status: number; code: string; message: string; requestId?: string | undefined; url: string }) {
    super(`${args.status} ${args.code}: ${args.message}`);
    this.name = "GraphRequestError";
    this.status = args.status;
    this.code = args.code;
    this.requestId = args.requestId;
    this.url = args.url;
  }

  /** Client errors other than 429 will not go away by retrying later. */
  get permanent(): boolean {
    return this.status >= 400 && this.status < 500 && this.status !== 429;
  }
}

/**
 * Something the client cannot work with: a page without `value`, a link to another origin
 * (following it would hand the bearer token to that origin), a round that never ends.
 *
 * @example
 * if (error instanceof DeltaProtocolError) console.error("not a Graph delta endpoint?", error.message);
 */
export class DeltaProtocolError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "DeltaProtocolError";
  }
}

/**
 * The server no longer knows the sync state (410 `SyncStateNotFound`, `SyncStateInvalid`,
 * `ResyncRequired`). DeltaSync handles it by a full resync; it only escapes when resyncs keep
 * failing.
 *
 * @example
 * if (error instanceof SyncStateLostError) console.error(`resync failed: ${error.code}`);
 */
export class SyncStateLostError extends Error {
  readonly code: string;
  /** Where the server said to start over (`Location`), if it said. */
  readonly location: string | undefined;

  constructor(args: { code: string; message: string; location?: string | undefined }) {
    super(`${args.code}: ${args.message}`);
    this.name = "SyncStateLostError";
    this.code = args.code;
    this.location = args.location;
  }
}
