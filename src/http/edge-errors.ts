// Errors the HTTP edge raises itself, before any route or service runs: the request is wrong as
// HTTP (path, version, method, content type), not as a calendar operation. Like domain errors
// they carry no status; http/errors.ts maps each `kind` to one (ADR 0004).

export abstract class EdgeError extends Error {
  abstract readonly kind: string;
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** A path segment that names nothing we serve; Graph names the first one it could not resolve. */
export class UnknownSegmentError extends EdgeError {
  readonly kind = "unknownSegment";
  constructor(readonly segment: string) {
    super(`Resource not found for the segment '${segment}'.`);
  }
}

/** `/v2.0/…`, `/v1/…`: looks like an API version but is not one Graph serves. */
export class InvalidApiVersionError extends EdgeError {
  readonly kind = "invalidApiVersion";
  constructor(readonly version: string) {
    super(`Invalid version: ${version}`);
  }
}

/**
 * A method the resource does not take. `allowed` is known once the path resolved to a resource;
 * paths the router turned away never got that far, so their answer has no `Allow`.
 */
export class MethodNotAllowedError extends EdgeError {
  readonly kind = "methodNotAllowed";
  readonly method: string;
  readonly allowed: readonly string[] | undefined;
  constructor(options: { method: string; allowed?: readonly string[] }) {
    super(`The HTTP method '${options.method}' is not supported for this resource.`);
    this.method = options.method;
    this.allowed = options.allowed;
  }
}

/** A POST or PATCH body that is not JSON (Graph's writes take `application/json` only). */
export class UnsupportedContentTypeError extends EdgeError {
  readonly kind = "unsupportedContentType";
  constructor(readonly contentType: string | undefined) {
    super("The content type of the request is not supported; use application/json.");
  }
}

/** A path segment whose `%` escapes do not decode (the router let it through undecoded). */
export class BadPercentEncodingError extends EdgeError {
  readonly kind = "badPercentEncoding";
  constructor(readonly segment: string) {
    super("The request URL is not correctly percent-encoded.");
  }
}

/**
 * A change-tracking function the API version does not serve: v1.0 `events/delta` (beta only,
 * spec §3.1 and §6 X5). The wording is the real service's (msgraph-metadata#608); the code is
 * not quoted anywhere, so it is Graph's generic BadRequest.
 */
export class ChangeTrackingUnsupportedError extends EdgeError {
  readonly kind = "changeTrackingUnsupported";
  constructor(readonly entityType: string) {
    super(`Unsupported request: Change tracking is not supported against '${entityType}'.`);
  }
}

/** Graph's request size limit, 4 MB for the whole body (docs-contrib#682 quotes its answer). */
export const MAX_BODY_BYTES = 4 * 1024 * 1024;

/** A body over MAX_BODY_BYTES, refused before or while it is read (transport-guard.ts). */
export class BodyTooLargeError extends EdgeError {
  readonly kind = "bodyTooLarge";
  constructor() {
    super("The maximum request length supported is 4MB.");
  }
}

/** A request target longer than the server reads (transport-guard.ts: MAX_URL_LENGTH). */
export class UriTooLongError extends EdgeError {
  readonly kind = "uriTooLong";
  constructor() {
    super("The request URL is too long.");
  }
}

/** Request headers larger than the server reads (transport-guard.ts: MAX_HEADER_BYTES). */
export class HeadersTooLargeError extends EdgeError {
  readonly kind = "headersTooLarge";
  constructor() {
    super("The request headers are too large.");
  }
}

/** Bytes that are not an HTTP/1.1 request (Node's parser gave up on them); the socket is closed after the answer. */
export class MalformedRequestError extends EdgeError {
  readonly kind = "malformedRequest";
  constructor() {
    super("The request is not valid HTTP.");
  }
}

/** A request whose head or body did not arrive within the server's request timeout. */
export class RequestTimeoutError extends EdgeError {
  readonly kind = "requestTimeout";
  constructor() {
    super("The request did not arrive in time.");
  }
}
