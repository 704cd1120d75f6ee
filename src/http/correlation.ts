// Graph's correlation and protocol headers (spec §8.3), on every response: the Fastify pipeline
// sets them in its first hook, the poll replay (poll-replay.ts) writes them itself. One list, so
// a replayed answer carries exactly the headers the pipeline would have sent.

const MAX_CLIENT_REQUEST_ID = 200;

/** Name/value pairs, flat (as `writeHead` takes them), in lower case (as Fastify sends names). */
export function correlationHeaders(requestId: string, clientRequestId: unknown, https: boolean): string[] {
  const echoed = typeof clientRequestId === "string" && clientRequestId.length <= MAX_CLIENT_REQUEST_ID ? clientRequestId : requestId;
  const pairs = ["request-id", requestId, "client-request-id", echoed, "odata-version", "4.0", "cache-control", "private"];
  if (https) pairs.push("strict-transport-security", "max-age=31536000");
  return pairs;
}
