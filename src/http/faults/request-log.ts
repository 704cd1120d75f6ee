// The recent requests, kept so that a failing CI run can show its user what the emulator did
// (`GET /_graphcal/requests`): each request's method, path, status, time, and the fault rule or
// throttling limit that touched it. A fixed-size ring: recording is one array write, so it stays
// on for every request, the replayed no-change polls included.

export interface RequestLogEntry {
  time: string;
  method: string;
  /** Path only: queries carry delta tokens, which are long and say little here. */
  path: string;
  status: number;
  requestId: string;
  /** The fault rule that answered or delayed the request. */
  rule?: string;
  /** What was done to it: `status 429`, `latency 200ms`, `drop`, `throttle concurrency` … */
  fault?: string;
}

/** As recorded: the time stays a number until someone reads the log (formatting costs more than the rest). */
export type RecordedRequest = Omit<RequestLogEntry, "time"> & { timeMs: number };

export const REQUEST_LOG_SIZE = 1000;

/**
 * A path of its own. One sliced from the request URL is a view that keeps the whole URL, delta
 * token and all, alive for as long as the ring keeps the entry (a thousand requests): long enough
 * to be promoted out of the young generation on every request. Paths repeat (a client polls the
 * same one), so a copy is made once and shared; past PATHS_KEPT distinct paths each entry gets a
 * copy of its own. The URL's characters are below 256 (Node reads the request line as latin1).
 */
const PATHS_KEPT = 4096;
const paths = new Map<string, string>();

function ownPath(path: string): string {
  const kept = paths.get(path);
  if (kept !== undefined) return kept;
  const copy = Buffer.from(path, "latin1").toString("latin1");
  if (paths.size < PATHS_KEPT) paths.set(copy, copy);
  return copy;
}

export class RequestLog {
  readonly #entries: (RecordedRequest | undefined)[];
  #next = 0;
  #count = 0;

  constructor(readonly capacity = REQUEST_LOG_SIZE) {
    this.#entries = new Array<RecordedRequest | undefined>(capacity);
  }

  record(entry: RecordedRequest): void {
    entry.path = ownPath(entry.path);
    this.#entries[this.#next] = entry;
    this.#next = (this.#next + 1) % this.capacity;
    if (this.#count < this.capacity) this.#count++;
  }

  /** The last `limit` entries, oldest first. */
  recent(limit = this.capacity): RequestLogEntry[] {
    const n = Math.min(limit, this.#count);
    const out: RequestLogEntry[] = [];
    for (let i = n; i > 0; i--) {
      const { timeMs, ...rest } = this.#entries[(this.#next - i + this.capacity) % this.capacity] as RecordedRequest;
      out.push({ time: new Date(timeMs).toISOString(), ...rest });
    }
    return out;
  }

  clear(): void {
    this.#entries.fill(undefined);
    this.#next = 0;
    this.#count = 0;
  }
}
