// What the edge reads of a request's head before Fastify (the transport guard's limits, the fault
// gate, the poll replay), from one pass over its raw header lines. Node's `request.headers` builds
// an object of every header with lower-cased names on first use; a replayed poll never needs it
// (issue 15: building it was ~3 % of a replayed poll's CPU). Fastify builds it for every request
// it handles, as before.

export interface RequestHead {
  /** Name and value characters of all header lines plus 4 per line, as the 431 limit counts them. */
  bytes: number;
  /** Authorization lines (Node keeps the first of two and drops the other without a word). */
  authorizations: number;
  authorization: string | undefined;
  host: string | undefined;
  prefer: string | undefined;
  clientRequestId: string | undefined;
  contentLength: string | undefined;
  /** Content-Length or Transfer-Encoding sent: a body may follow. */
  body: boolean;
  /** X-Graphcal-Fault sent (a one-off fault: faults/fault-header.ts). */
  fault: boolean;
  /**
   * Host, Prefer, Client-Request-Id or Content-Length sent more than once: Node joins or drops
   * such lines, so only the pipeline (which reads `request.headers`) may read them.
   */
  repeated: boolean;
}

/** The lines the replay compares, by lower-case name: the RequestHead field each goes in. */
const COMPARED = { host: "host", prefer: "prefer", "client-request-id": "clientRequestId", "content-length": "contentLength" } as const;

/** The lengths of the names read below: any other name is skipped without lower-casing it. */
const READ_LENGTHS = new Set([4, 6, 13, 14, 16, 17]);

/** Reads `raw` (IncomingMessage.rawHeaders: name, value, name, value …) once. */
export function readHead(raw: readonly string[]): RequestHead {
  const head: RequestHead = {
    bytes: 0, authorizations: 0, authorization: undefined, host: undefined, prefer: undefined, clientRequestId: undefined,
    contentLength: undefined, body: false, fault: false, repeated: false,
  };
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i] as string;
    const value = raw[i + 1] as string;
    head.bytes += name.length + value.length + 4;
    if (!READ_LENGTHS.has(name.length)) continue;
    const lower = name.toLowerCase();
    switch (lower) {
      case "authorization":
        head.authorizations++;
        head.authorization ??= value;
        break;
      case "host":
      case "prefer":
      case "client-request-id":
      case "content-length": {
        // Node keeps the first of these (or joins them): the replay reads one, so a second marks the head.
        const field = COMPARED[lower as keyof typeof COMPARED];
        if (head[field] !== undefined) head.repeated = true;
        else head[field] = value;
        if (field === "contentLength") head.body = true;
        break;
      }
      case "transfer-encoding":
        head.body = true;
        break;
      case "x-graphcal-fault":
        head.fault = true;
        break;
    }
  }
  return head;
}

