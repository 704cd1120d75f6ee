import { GraphErrorCode, type GraphErrorBody } from "../graph/index.js";
import { DomainError } from "../domain/index.js";
import { AuthenticationError } from "../auth/index.js";
import { UnknownSegmentError } from "./graph-path.js";

// The one place that knows HTTP statuses and Graph's error body (spec §8). Every error the app
// raises passes through toGraphError; anything unmapped is a logged 500.
// see: https://learn.microsoft.com/graph/errors

export interface MappedError {
  status: number;
  code: string;
  message: string;
  headers?: Record<string, string>;
}

/** Errors the HTTP edge raises itself (routing, methods, content types, throttling, faults). */
export class HttpError extends Error {
  readonly kind = "http";
  constructor(readonly status: number, readonly code: string, message: string, readonly headers: Record<string, string> = {}) {
    super(message);
  }
}

/** A domain error with the fields its class adds (userId, surface, detail …), read by kind. */
type DomainErrorFields = DomainError & Record<string, unknown>;

const DOMAIN: Record<string, (e: DomainErrorFields) => MappedError> = {
  notFound: () => ({ status: 404, code: GraphErrorCode.ItemNotFound, message: "The specified object was not found in the store." }),
  malformedId: () => ({ status: 400, code: GraphErrorCode.InvalidIdMalformed, message: "Id is malformed." }),
  userNotFound: (e) => e.surface === "directory"
    ? { status: 404, code: GraphErrorCode.ResourceNotFound, message: `Resource '${e.userId}' does not exist or one of its queried reference-property objects are not present.` }
    : { status: 404, code: GraphErrorCode.InvalidUser, message: `The requested user '${e.userId}' is invalid.` },
  mailboxNotEnabled: (e) => ({ status: 404, code: GraphErrorCode.MailboxNotEnabled, message: e.message }),
  validation: (e) => e.detail === "badRequest"
    ? { status: 400, code: GraphErrorCode.BadRequest, message: e.message }
    : e.detail === "readOnly"
      ? { status: 400, code: "ErrorInvalidPropertySet", message: e.message }
      : { status: 400, code: GraphErrorCode.InvalidRequest, message: e.message },
  nameConflict: (e) => ({ status: 409, code: GraphErrorCode.FolderExists, message: e.message }),
  distinguishedFolder: (e) => ({ status: 400, code: GraphErrorCode.DeleteDistinguishedFolder, message: e.message }),
  notEmpty: (e) => ({ status: 400, code: GraphErrorCode.InvalidRequest, message: e.message }),
  badSyncToken: (e) => ({ status: 400, code: GraphErrorCode.BadRequest, message: e.message }),
  syncStateNotFound: (e) => ({ status: 410, code: GraphErrorCode.SyncStateNotFound, message: e.message }),
  syncStateInvalid: (e) => ({ status: 410, code: GraphErrorCode.SyncStateInvalid, message: e.message }),
  resyncRequired: (e) => ({ status: 410, code: GraphErrorCode.ResyncRequired, message: e.message }),
  invalidQuery: (e) => ({ status: 400, code: GraphErrorCode.InvalidUrlQuery, message: e.message }),
  accessDenied: (e) => ({ status: 403, code: GraphErrorCode.AccessDenied, message: e.message }),
  delegatedOnly: (e) => ({ status: 400, code: GraphErrorCode.BadRequest, message: e.message }),
};

/** Fastify's own errors (body parsing, limits) by their code. */
const FRAMEWORK: Record<string, MappedError> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: { status: 415, code: GraphErrorCode.BadRequest, message: "The content type of the request is not supported; use application/json." },
  FST_ERR_CTP_BODY_TOO_LARGE: { status: 413, code: GraphErrorCode.RequestEntityTooLarge, message: "The request body is larger than the 1 MB limit." },
  FST_ERR_CTP_EMPTY_JSON_BODY: { status: 400, code: GraphErrorCode.BadRequest, message: "The request body is empty but its content type says JSON." },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { status: 400, code: GraphErrorCode.BadRequest, message: "The Content-Length header does not match the body." },
  FST_ERR_BAD_URL: { status: 400, code: GraphErrorCode.BadRequest, message: "The request URL is malformed." },
  FST_ERR_CTP_INVALID_CONTENT_TYPE: { status: 415, code: GraphErrorCode.BadRequest, message: "The Content-Type header is malformed." },
};

export function toGraphError(error: unknown, options: { wwwAuthenticate: string }): MappedError | undefined {
  if (error instanceof HttpError) return { status: error.status, code: error.code, message: error.message, headers: error.headers };
  if (error instanceof DomainError) return DOMAIN[error.kind]?.(error as DomainErrorFields);
  if (error instanceof UnknownSegmentError) return { status: 400, code: GraphErrorCode.BadRequest, message: error.message };
  if (error instanceof AuthenticationError) {
    return { status: 401, code: GraphErrorCode.InvalidAuthenticationToken, message: error.message, headers: { "www-authenticate": options.wwwAuthenticate } };
  }
  const code = (error as { code?: unknown })?.code;
  if (typeof code === "string" && code in FRAMEWORK) return FRAMEWORK[code];
  if (code === "FST_ERR_CTP_INVALID_JSON_BODY" || (error instanceof SyntaxError && (error as { statusCode?: number }).statusCode === 400)) {
    return { status: 400, code: GraphErrorCode.BadRequest, message: "Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format." };
  }
  const status = (error as { statusCode?: unknown })?.statusCode;
  if (typeof status === "number" && status >= 400 && status < 500) {
    return { status, code: GraphErrorCode.BadRequest, message: (error as Error).message };
  }
  return undefined;
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
