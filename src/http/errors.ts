import { GraphErrorCode, ODATA_CONTENT_TYPE, PROPERTY_VALIDATION_FAILURE_MESSAGE, type GraphErrorBody } from "../graph/index.js";
import {
  AccessDeniedError, BadSyncTokenError, DelegatedOnlyError, DistinguishedFolderError, DomainError, InvalidQueryError,
  MailboxNotEnabledError, MalformedIdError, NameConflictError, NotEmptyError, NotFoundError, OccurrenceCrossingBoundaryError,
  PreconditionFailedError, ResyncRequiredError, SyncStateInvalidError, SyncStateNotFoundError, UserNotFoundError, ValidationError,
  SubscriptionError, SubscriptionNotFoundError,
} from "../domain/index.js";
import { AuthenticationError, OAuthError, type OAuthErrorCode } from "../auth/index.js";
import {
  BadPercentEncodingError, BodyTooLargeError, ChangeTrackingUnsupportedError, EdgeError, HeadersTooLargeError, InvalidApiVersionError,
  MalformedRequestError, MethodNotAllowedError, RequestTimeoutError, UnknownSegmentError, UnsupportedContentTypeError, UriTooLongError,
} from "./edge-errors.js";
import {
  GatewayTimeoutError, ServiceUnavailableError, ThrottledError, UnknownFaultRuleError, UnknownServerError,
} from "./faults/fault-errors.js";

// The one place that knows HTTP statuses, Graph's error body and OAuth's (spec §8, ADR 0004).
// Domain, auth and edge errors are plain typed values; every one the app raises passes through
// toGraphError, and anything unmapped is a logged 500.
// see: https://learn.microsoft.com/graph/errors

export interface MappedError {
  status: number;
  /** Graph's error code; for an OAuth answer, the OAuth 2.0 `error`. */
  code: string;
  message: string;
  headers?: Record<string, string>;
  /** Fields `innerError` carries besides the ids and date (Graph's 429 repeats its code and status there). */
  innerError?: Record<string, string>;
  /** Present when the answer is an OAuth 2.0 error body (the token endpoint), not Graph's. */
  oauth?: { errorCodes: readonly number[] };
}

/**
 * What a row may need that the error cannot carry without learning HTTP, known only to the
 * request that failed. A handler fills it in before calling its service, and `sendError`
 * hands it to toGraphError. This keeps ResyncRequiredError free of URLs, yet lets its row
 * write the `Location` that only the delta handler can build.
 */
export interface ErrorContext {
  /**
   * The initial delta URL of the resource being synced, keeping the round's `$select`
   * (spec §7.6): where a client starts over after 410 ResyncRequired. It is a function so that
   * the link is only built when that error actually happens, not on every delta page.
   */
  deltaRestartLink?: () => string;
}

/** Graph's challenge on a 401: the authority clients acquire a token from. */
export const WWW_AUTHENTICATE = 'Bearer realm="", authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize", client_id="00000003-0000-0000-c000-000000000000"';

/**
 * The challenge for a refused token: Graph's, plus RFC 6750 §3's `invalid_token` and why. A
 * request that sent no token gets the plain challenge (RFC 6750 §3.1: no error code then).
 * see: https://www.rfc-editor.org/rfc/rfc6750#section-3
 */
export function challengeFor(error: AuthenticationError): string {
  if (error.reason === "missing") return WWW_AUTHENTICATE;
  // A quoted-string may not hold `"` or `\`, and a header no control characters.
  const description = `${error.reason}: ${error.message}`.replace(/["\\\u0000-\u001f\u007f]/g, "'");
  return `${WWW_AUTHENTICATE}, error="invalid_token", error_description="${description}"`;
}

/** Every error class the app raises on purpose; each `kind` has exactly one row below. */
type MappableError =
  | NotFoundError | MalformedIdError | UserNotFoundError | MailboxNotEnabledError | ValidationError
  | NameConflictError | DistinguishedFolderError | NotEmptyError | BadSyncTokenError | SyncStateNotFoundError
  | SyncStateInvalidError | ResyncRequiredError | InvalidQueryError | AccessDeniedError | DelegatedOnlyError
  | PreconditionFailedError | OccurrenceCrossingBoundaryError | SubscriptionError | SubscriptionNotFoundError
  | AuthenticationError | OAuthError
  | UnknownSegmentError | InvalidApiVersionError | MethodNotAllowedError | UnsupportedContentTypeError
  | BadPercentEncodingError | ChangeTrackingUnsupportedError
  | BodyTooLargeError | UriTooLongError | HeadersTooLargeError | MalformedRequestError | RequestTimeoutError
  | ThrottledError | ServiceUnavailableError | GatewayTimeoutError | UnknownServerError | UnknownFaultRuleError;

/**
 * A row sees its own error class, typed, and the request's context, so it can compute headers
 * from fields of the error (a future throttling error's `Retry-After`) or of the request.
 */
type Row<E> = (error: E, context: ErrorContext) => MappedError;
type Rows = { readonly [K in MappableError["kind"]]: Row<Extract<MappableError, { kind: K }>> };

/** Classes whose `kind` is looked up in ERROR_TABLE; other errors never reach a row. */
const MAPPED_BASES = [DomainError, EdgeError, AuthenticationError, OAuthError];

/** OAuth 2.0 errors by status: only a failed client authentication is 401 (RFC 6749 §5.2). */
export const OAUTH_STATUS: Readonly<Record<OAuthErrorCode, number>> = {
  invalid_request: 400,
  invalid_client: 401,
  invalid_grant: 400,
  unauthorized_client: 400,
  unsupported_grant_type: 400,
  invalid_scope: 400,
};

/** The catalogue: error `kind` → status, Graph code, message and headers (ADR 0004 lists it). */
export const ERROR_TABLE: Rows = {
  // Domain errors (domain/errors.ts).
  notFound: () => ({ status: 404, code: GraphErrorCode.ItemNotFound, message: "The specified object was not found in the store." }),
  malformedId: () => ({ status: 400, code: GraphErrorCode.InvalidIdMalformed, message: "Id is malformed." }),
  userNotFound: (e) => e.surface === "directory"
    ? { status: 404, code: GraphErrorCode.ResourceNotFound, message: `Resource '${e.userId}' does not exist or one of its queried reference-property objects are not present.` }
    : { status: 404, code: GraphErrorCode.InvalidUser, message: `The requested user '${e.userId}' is invalid.` },
  mailboxNotEnabled: (e) => ({ status: 404, code: GraphErrorCode.MailboxNotEnabled, message: e.message }),
  validation: (e) => {
    switch (e.detail) {
      case "badRequest": return { status: 400, code: GraphErrorCode.BadRequest, message: e.message };
      case "readOnly": return { status: 400, code: "ErrorInvalidPropertySet", message: e.message };
      // Exchange answers with a fixed sentence, whatever the property (spec §1.4, docs-contrib#1609).
      case "propertyValidation":
        return { status: 400, code: GraphErrorCode.PropertyValidationFailure, message: PROPERTY_VALIDATION_FAILURE_MESSAGE };
      case "invalidRequest": return { status: 400, code: GraphErrorCode.InvalidRequest, message: e.message };
      case "invalidParameter": return { status: 400, code: GraphErrorCode.InvalidParameter, message: e.message };
    }
  },
  nameConflict: (e) => ({ status: 409, code: GraphErrorCode.FolderExists, message: e.message }),
  distinguishedFolder: (e) => ({ status: 400, code: GraphErrorCode.DeleteDistinguishedFolder, message: e.message }),
  notEmpty: (e) => ({ status: 400, code: GraphErrorCode.InvalidRequest, message: e.message }),
  badSyncToken: (e) => ({ status: 400, code: GraphErrorCode.BadRequest, message: e.message }),
  syncStateNotFound: (e) => ({ status: 410, code: GraphErrorCode.SyncStateNotFound, message: e.message }),
  syncStateInvalid: (e) => ({ status: 410, code: GraphErrorCode.SyncStateInvalid, message: e.message }),
  // A reset tells the client where to start over: the initial delta URL (spec §7.6, decision 7).
  resyncRequired: (e, context) => ({
    status: 410, code: GraphErrorCode.ResyncRequired, message: e.message,
    ...(context.deltaRestartLink && { headers: { location: context.deltaRestartLink() } }),
  }),
  invalidQuery: (e) => ({
    status: 400, code: e.detail === "badRequest" ? GraphErrorCode.BadRequest : GraphErrorCode.InvalidUrlQuery, message: e.message,
  }),
  accessDenied: (e) => ({ status: 403, code: GraphErrorCode.AccessDenied, message: e.message }),
  delegatedOnly: (e) => ({ status: 400, code: GraphErrorCode.BadRequest, message: e.message }),
  preconditionFailed: (e) => ({ status: 412, code: GraphErrorCode.IrresolvableConflict, message: e.message }),
  occurrenceCrossingBoundary: (e) => ({ status: 400, code: GraphErrorCode.OccurrenceCrossingBoundary, message: e.message }),
  // The subscription service answers in its own codes (spec §4.2–4.3; observed bodies):
  // ValidationError / InvalidRequest for the handshake, ExtensionError for Outlook's limits.
  subscription: (e) => {
    switch (e.reason) {
      case "invalidRequest": return { status: 400, code: GraphErrorCode.SubscriptionInvalidRequest, message: e.message };
      case "validation": return { status: 400, code: GraphErrorCode.SubscriptionValidation, message: e.message };
      case "extension": return { status: 400, code: GraphErrorCode.ExtensionError, message: e.message };
      case "quota": return { status: 403, code: GraphErrorCode.ExtensionError, message: e.message };
    }
  },
  // msgraph-sdk-php#221: a subscription that is not (or no longer) there.
  subscriptionNotFound: (e) => ({ status: 404, code: GraphErrorCode.SubscriptionNotFound, message: e.message }),

  // Auth errors (auth/auth-errors.ts).
  authentication: (e) => ({
    status: 401, code: GraphErrorCode.InvalidAuthenticationToken, message: e.message, headers: { "www-authenticate": challengeFor(e) },
  }),
  // The token endpoint answers in OAuth's shape, which MSAL and other OAuth clients read.
  // see: https://learn.microsoft.com/entra/identity-platform/v2-oauth2-client-creds-grant-flow#error-response
  // Too many failed sign-ins: 429 with Retry-After, still in OAuth's shape (auth/sign-in-throttle.ts).
  oauth: (e) => ({
    status: e.retryAfterSeconds === undefined ? OAUTH_STATUS[e.error] : 429, code: e.error, message: e.message,
    oauth: { errorCodes: [e.aadstsCode] },
    headers: { "cache-control": "no-store", ...(e.retryAfterSeconds !== undefined && { "retry-after": String(e.retryAfterSeconds) }) },
  }),

  // Edge errors (http/edge-errors.ts).
  unknownSegment: (e) => ({ status: 400, code: GraphErrorCode.BadRequest, message: e.message }),
  invalidApiVersion: (e) => ({ status: 400, code: GraphErrorCode.BadRequest, message: e.message }),
  methodNotAllowed: (e) => ({
    status: 405, code: GraphErrorCode.MethodNotAllowed, message: e.message,
    ...(e.allowed && { headers: { allow: e.allowed.join(", ") } }),
  }),
  unsupportedContentType: (e) => ({ status: 415, code: GraphErrorCode.BadRequest, message: e.message }),
  badPercentEncoding: (e) => ({ status: 400, code: GraphErrorCode.InvalidUrlQuery, message: e.message }),
  // v1.0 events/delta (spec §6 X5): the message is Graph's; no source quotes its code.
  changeTrackingUnsupported: (e) => ({ status: 400, code: GraphErrorCode.BadRequest, message: e.message }),
  // The transport's own limits (transport-guard.ts). Graph's 4 MB answer is quoted with code
  // BadRequest (docs-contrib#682); the status is HTTP's for each condition.
  bodyTooLarge: (e) => ({ status: 413, code: GraphErrorCode.BadRequest, message: e.message }),
  uriTooLong: (e) => ({ status: 414, code: GraphErrorCode.BadRequest, message: e.message }),
  headersTooLarge: (e) => ({ status: 431, code: GraphErrorCode.BadRequest, message: e.message }),
  malformedRequest: (e) => ({ status: 400, code: GraphErrorCode.BadRequest, message: e.message }),
  requestTimeout: (e) => ({ status: 408, code: GraphErrorCode.BadRequest, message: e.message }),

  // Injected failures (http/faults/fault-errors.ts): fault rules and the throttling profile.
  // Graph's documented 429 repeats code and status in innerError; Outlook's concurrency 429 is
  // observed with its code and message only (spec §8.4).
  // see: https://learn.microsoft.com/graph/throttling#sample-response
  throttled: (e) => ({
    status: 429, code: e.code, message: e.message, headers: { "retry-after": String(e.retryAfterSeconds) },
    ...(e.code === "TooManyRequests" && { innerError: { code: "429", message: "Please retry after", status: "429" } }),
  }),
  serviceUnavailable: (e) => ({
    status: 503, code: GraphErrorCode.ServiceUnavailable, message: e.message, headers: { "retry-after": String(e.retryAfterSeconds) },
  }),
  gatewayTimeout: (e) => ({ status: 504, code: GraphErrorCode.GatewayTimeout, message: e.message }),
  unknownServer: (e) => ({ status: 500, code: GraphErrorCode.UnknownError, message: e.message }),
  unknownFaultRule: (e) => ({ status: 404, code: GraphErrorCode.ItemNotFound, message: e.message }),
};

/** Fastify's own errors (body parsing, limits) by their code; any other 4xx of Fastify's is a BadRequest with its message. */
export const FRAMEWORK_ERRORS: Readonly<Record<string, MappedError>> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: { status: 415, code: GraphErrorCode.BadRequest, message: "The content type of the request is not supported; use application/json." },
  FST_ERR_CTP_BODY_TOO_LARGE: ERROR_TABLE.bodyTooLarge(new BodyTooLargeError(), {}),
  FST_ERR_MAX_PARAM_LENGTH: ERROR_TABLE.uriTooLong(new UriTooLongError(), {}),
  FST_ERR_CTP_EMPTY_JSON_BODY: { status: 400, code: GraphErrorCode.BadRequest, message: "The request body is empty but its content type says JSON." },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { status: 400, code: GraphErrorCode.BadRequest, message: "The Content-Length header does not match the body." },
  FST_ERR_BAD_URL: { status: 400, code: GraphErrorCode.BadRequest, message: "The request URL is malformed." },
  FST_ERR_CTP_INVALID_CONTENT_TYPE: { status: 415, code: GraphErrorCode.BadRequest, message: "The Content-Type header is malformed." },
};

const INVALID_JSON: MappedError = {
  status: 400, code: GraphErrorCode.BadRequest,
  message: "Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format.",
};

const INTERNAL_ERROR: MappedError = { status: 500, code: GraphErrorCode.InternalServerError, message: "An internal server error occurred." };

function rowFor(error: unknown): Row<MappableError> | undefined {
  if (!MAPPED_BASES.some((base) => error instanceof base)) return undefined;
  const kind = (error as MappableError).kind;
  // Each row takes only its own class; the kind lookup guarantees the error is that class.
  return Object.hasOwn(ERROR_TABLE, kind) ? ERROR_TABLE[kind] as Row<MappableError> : undefined;
}

/** Maps an error to its answer, or undefined when it is unexpected (a bug: the caller logs it). */
export function toGraphError(error: unknown, context: ErrorContext = {}): MappedError | undefined {
  const row = rowFor(error);
  if (row) return row(error as MappableError, context);
  const code = (error as { code?: unknown })?.code;
  if (typeof code === "string" && Object.hasOwn(FRAMEWORK_ERRORS, code)) return FRAMEWORK_ERRORS[code];
  if (code === "FST_ERR_CTP_INVALID_JSON_BODY" || (error instanceof SyntaxError && (error as { statusCode?: number }).statusCode === 400)) {
    return INVALID_JSON;
  }
  const status = (error as { statusCode?: unknown })?.statusCode;
  if (typeof status === "number" && status >= 400 && status < 500) {
    return { status, code: GraphErrorCode.BadRequest, message: (error as Error).message };
  }
  return undefined;
}

/** The correlation facts every error body repeats (spec §8.1). */
export interface ErrorRequestIds {
  requestId: string;
  clientRequestId: string;
  date: Date;
}

/** The whole error response: status, headers (content type included) and the serialised body. */
export function errorResponse(mapped: MappedError | undefined, ids: ErrorRequestIds): { status: number; headers: Record<string, string>; body: string } {
  const m = mapped ?? INTERNAL_ERROR;
  const body = m.oauth
    ? oauthErrorBody({ error: m.code, description: m.message, errorCodes: m.oauth.errorCodes, ...ids })
    : graphErrorBody({ code: m.code, message: m.message, ...ids, ...(m.innerError && { extra: m.innerError }) });
  const contentType = m.oauth ? "application/json; charset=utf-8" : ODATA_CONTENT_TYPE;
  return { status: m.status, headers: { ...m.headers, "content-type": contentType }, body: JSON.stringify(body) };
}

export function graphErrorBody(args: { code: string; message: string; requestId: string; clientRequestId: string; date: Date; extra?: Record<string, unknown> }): GraphErrorBody {
  return {
    error: {
      code: args.code,
      message: args.message,
      innerError: {
        date: args.date.toISOString().slice(0, 19),
        "request-id": args.requestId,
        "client-request-id": args.clientRequestId,
        ...args.extra,
      },
    },
  };
}

/** Entra's token-endpoint error body: RFC 6749 §5.2 plus its own diagnostics. */
export interface OAuthErrorBody {
  error: string;
  error_description: string;
  error_codes: number[];
  timestamp: string;
  trace_id: string;
  correlation_id: string;
}

/**
 * Entra's ids: `trace_id` is its own request id and `correlation_id` echoes the client's
 * `client-request-id`, the same pair Graph bodies call `request-id` / `client-request-id`.
 */
export function oauthErrorBody(args: {
  error: string; description: string; errorCodes: readonly number[]; requestId: string; clientRequestId: string; date: Date;
}): OAuthErrorBody {
  return {
    error: args.error,
    error_description: args.description,
    error_codes: [...args.errorCodes],
    timestamp: entraTimestamp(args.date),
    trace_id: args.requestId,
    correlation_id: args.clientRequestId,
  };
}

/** "2026-11-25 12:00:00Z": Entra's timestamp format (space, whole seconds, Z). */
function entraTimestamp(date: Date): string {
  return `${date.toISOString().slice(0, 19).replace("T", " ")}Z`;
}
