import { describe, expect, it } from "vitest";
import * as domain from "../domain/index.js";
import * as auth from "../auth/index.js";
import * as edge from "./edge-errors.js";
import * as faults from "./faults/fault-errors.js";
import {
  ERROR_TABLE, FRAMEWORK_ERRORS, OAUTH_STATUS, WWW_AUTHENTICATE, challengeFor, errorResponse, toGraphError, type ErrorContext,
} from "./errors.js";

// The error table must cover every error class the domain, auth and edge modules export, and
// nothing else. The classes are found by walking the modules' exports, so a class added later
// without a row (or without a sample here) fails this file rather than becoming a 500.

type ErrorClass = abstract new (...args: never[]) => Error;

const MODULES: Record<string, Record<string, unknown>> = { domain, auth, "http/edge-errors": edge, "http/faults/fault-errors": faults };

/** Abstract bases: never thrown themselves, only their subclasses are. */
const BASES = new Set<unknown>([domain.DomainError, edge.EdgeError]);

/** Every concrete error class the modules export, by name. */
function exportedErrorClasses(): Map<string, ErrorClass> {
  const classes = new Map<string, ErrorClass>();
  for (const module of Object.values(MODULES)) {
    for (const [name, value] of Object.entries(module)) {
      if (typeof value !== "function" || !(value.prototype instanceof Error) || BASES.has(value)) continue;
      classes.set(name, value as ErrorClass);
    }
  }
  return classes;
}

interface Sample {
  /** Constructor arguments; samples are looked up by class name, whichever module exports it. */
  args: unknown[];
  status: number;
  code: string;
  /** Graph's wording, when the row does not pass the error's own message on. */
  message?: string;
  headers?: Record<string, string>;
  context?: ErrorContext;
}

const RESTART = "https://graph.test/v1.0/me/calendars/delta?$select=name";

/** One instance of each class and its expected answer. A new class needs a line here. */
const SAMPLES: Record<string, Sample> = {
  NotFoundError: { args: ["calendar", "c1"], status: 404, code: "ErrorItemNotFound", message: "The specified object was not found in the store." },
  MalformedIdError: { args: ["x"], status: 400, code: "ErrorInvalidIdMalformed" },
  UserNotFoundError: { args: ["u1", "mailbox"], status: 404, code: "ErrorInvalidUser", message: "The requested user 'u1' is invalid." },
  MailboxNotEnabledError: { args: ["u1"], status: 404, code: "MailboxNotEnabledForRESTAPI" },
  ValidationError: { args: ["bad"], status: 400, code: "ErrorInvalidRequest" },
  NameConflictError: { args: ["Work"], status: 409, code: "ErrorFolderExists" },
  DistinguishedFolderError: { args: [], status: 400, code: "ErrorDeleteDistinguishedFolder" },
  NotEmptyError: { args: ["not empty"], status: 400, code: "ErrorInvalidRequest" },
  BadSyncTokenError: { args: ["mac"], status: 400, code: "BadRequest" },
  SyncStateNotFoundError: { args: [1, 2], status: 410, code: "SyncStateNotFound" },
  SyncStateInvalidError: { args: [3, 2], status: 410, code: "SyncStateInvalid" },
  ResyncRequiredError: {
    args: [], status: 410, code: "ResyncRequired", headers: { location: RESTART }, context: { deltaRestartLink: () => RESTART },
  },
  InvalidQueryError: { args: ["bad $top"], status: 400, code: "ErrorInvalidUrlQuery" },
  AuthenticationError: { args: ["Access token is empty.", { reason: "missing" }], status: 401, code: "InvalidAuthenticationToken", headers: { "www-authenticate": WWW_AUTHENTICATE } },
  AccessDeniedError: { args: [], status: 403, code: "ErrorAccessDenied" },
  DelegatedOnlyError: { args: [], status: 400, code: "BadRequest" },
  PreconditionFailedError: { args: [], status: 412, code: "ErrorIrresolvableConflict" },
  OccurrenceCrossingBoundaryError: {
    args: [], status: 400, code: "ErrorOccurrenceCrossingBoundary", message: "Modified occurrence is crossing or overlapping adjacent occurrence.",
  },
  SubscriptionError: { args: ["Subscription expiration can only be 10080 minutes in the future.", "extension"], status: 400, code: "ExtensionError" },
  SubscriptionNotFoundError: { args: ["s1"], status: 404, code: "ResourceNotFound", message: "The object was not found." },
  OAuthError: {
    args: [{ error: "invalid_client", aadstsCode: 7000215, description: "Invalid client secret provided." }],
    status: 401, code: "invalid_client", headers: { "cache-control": "no-store" },
  },
  UnknownSegmentError: { args: ["calendarz"], status: 400, code: "BadRequest" },
  InvalidApiVersionError: { args: ["v2.0"], status: 400, code: "BadRequest" },
  MethodNotAllowedError: { args: [{ method: "PUT", allowed: ["GET", "POST"] }], status: 405, code: "ErrorInvalidRequest", headers: { allow: "GET, POST" } },
  UnsupportedContentTypeError: { args: ["text/plain"], status: 415, code: "BadRequest" },
  BadPercentEncodingError: { args: ["%ZZ"], status: 400, code: "ErrorInvalidUrlQuery" },
  ChangeTrackingUnsupportedError: {
    args: ["microsoft.graph.event"], status: 400, code: "BadRequest",
    message: "Unsupported request: Change tracking is not supported against 'microsoft.graph.event'.",
  },
  BodyTooLargeError: { args: [], status: 413, code: "BadRequest", message: "The maximum request length supported is 4MB." },
  UriTooLongError: { args: [], status: 414, code: "BadRequest" },
  HeadersTooLargeError: { args: [], status: 431, code: "BadRequest" },
  MalformedRequestError: { args: [], status: 400, code: "BadRequest" },
  RequestTimeoutError: { args: [], status: 408, code: "BadRequest" },
  ThrottledError: {
    args: ["ApplicationThrottled", 3], status: 429, code: "ApplicationThrottled", headers: { "retry-after": "3" },
    message: "Application is over its MailboxConcurrency limit.",
  },
  ServiceUnavailableError: { args: [2.5], status: 503, code: "ServiceUnavailable", headers: { "retry-after": "2.5" } },
  GatewayTimeoutError: { args: [], status: 504, code: "GatewayTimeout" },
  UnknownServerError: { args: [], status: 500, code: "UnknownError" },
  UnknownFaultRuleError: { args: ["f-9"], status: 404, code: "ErrorItemNotFound" },
};

function sampleOf(name: string, errorClass: ErrorClass): Error {
  const sample = SAMPLES[name];
  if (!sample) throw new Error(`${name} has no sample in errors.test.ts (and maybe no row in http/errors.ts)`);
  return Reflect.construct(errorClass, sample.args) as Error;
}

describe("error table", () => {
  const classes = exportedErrorClasses();

  it("toGraphError: finds the error classes (the walk itself works)", () => {
    expect(classes.size).toBeGreaterThanOrEqual(20);
    expect(classes.get("ResyncRequiredError")).toBe(domain.ResyncRequiredError);
    expect(classes.has("DomainError")).toBe(false);
  });

  for (const [name, errorClass] of exportedErrorClasses()) {
    it(`toGraphError: maps ${name}`, () => {
      const error = sampleOf(name, errorClass);
      expect(error).toBeInstanceOf(errorClass);
      const sample = SAMPLES[name] as Sample;
      const mapped = toGraphError(error, sample.context);
      expect(mapped, `${name} has no row in http/errors.ts`).toBeDefined();
      expect(mapped?.status).toBe(sample.status);
      expect(mapped?.code).toBe(sample.code);
      expect(mapped?.message).toBe(sample.message ?? error.message);
      expect(mapped?.message.length).toBeGreaterThan(0);
      expect(mapped?.headers ?? {}).toEqual(sample.headers ?? {});
    });
  }

  it("toGraphError: has no dead rows (each row's kind belongs to an exported class)", () => {
    const kinds = new Set([...classes].map(([name, errorClass]) => (sampleOf(name, errorClass) as Error & { kind: string }).kind));
    expect(Object.keys(ERROR_TABLE).filter((kind) => !kinds.has(kind))).toEqual([]);
    expect(kinds.size).toBe(classes.size); // kinds are unique, so one row serves one class
  });

  it("toGraphError: every sample names an exported class", () => {
    expect(Object.keys(SAMPLES).filter((name) => !classes.has(name))).toEqual([]);
  });

  it("toGraphError: the row, not the error, picks the code from the error's fields", () => {
    expect(toGraphError(new domain.ValidationError("x", "badRequest"))?.code).toBe("BadRequest");
    expect(toGraphError(new domain.ValidationError("x", "readOnly"))?.code).toBe("ErrorInvalidPropertySet");
    expect(toGraphError(new domain.InvalidQueryError("Invalid filter clause", "badRequest"))?.code).toBe("BadRequest");
    expect(toGraphError(new domain.ValidationError("window", "invalidParameter"))).toEqual({
      status: 400, code: "ErrorInvalidParameter", message: "window",
    });
    expect(toGraphError(new domain.ValidationError("unknown time zone 'Mars'", "propertyValidation"))).toEqual({
      status: 400, code: "ErrorPropertyValidationFailure", message: "At least one property failed validation.",
    });
    expect(toGraphError(new domain.UserNotFoundError("u1", "directory"))).toMatchObject({ status: 404, code: "Request_ResourceNotFound" });
    expect(toGraphError(new edge.MethodNotAllowedError({ method: "PUT" }))?.headers).toBeUndefined();
    // Without the delta handler's note there is no URL to point at, and no Location is invented.
    expect(toGraphError(new domain.ResyncRequiredError())?.headers).toBeUndefined();
  });

  it("toGraphError: unknown errors stay unmapped, even when they look like ours", () => {
    expect(toGraphError(new Error("boom"))).toBeUndefined();
    expect(toGraphError(Object.assign(new Error("boom"), { kind: "notFound" }))).toBeUndefined();
    expect(toGraphError({ kind: "constructor" })).toBeUndefined();
    expect(toGraphError(undefined)).toBeUndefined();
  });

  it("toGraphError: Fastify's own errors map by their code", () => {
    for (const [code, row] of Object.entries(FRAMEWORK_ERRORS)) {
      expect(toGraphError(Object.assign(new Error("fastify"), { code, statusCode: 400 }))).toBe(row);
    }
    expect(toGraphError(Object.assign(new Error("x"), { code: "FST_ERR_CTP_INVALID_JSON_BODY" }))).toMatchObject({ status: 400, code: "BadRequest" });
    expect(toGraphError(Object.assign(new Error("nope"), { statusCode: 404 }))).toEqual({ status: 404, code: "BadRequest", message: "nope" });
  });
});

describe("OAuth table", () => {
  it("toGraphError: maps every OAuth error code (invalid_client is 401, the rest 400)", () => {
    for (const code of auth.OAUTH_ERROR_CODES) {
      const mapped = toGraphError(new auth.OAuthError({ error: code, aadstsCode: 90014, description: "Something is missing." }));
      expect(mapped).toEqual({
        status: code === "invalid_client" ? 401 : 400, code, message: "AADSTS90014: Something is missing.",
        oauth: { errorCodes: [90014] }, headers: { "cache-control": "no-store" },
      });
    }
  });

  it("toGraphError: an attempt refused for too many failures is 429 with Retry-After, in OAuth's shape", () => {
    const mapped = toGraphError(new auth.OAuthError({ error: "invalid_grant", aadstsCode: 50053, description: "Locked.", retryAfterSeconds: 42 }));
    expect(mapped).toEqual({
      status: 429, code: "invalid_grant", message: "AADSTS50053: Locked.", oauth: { errorCodes: [50053] },
      headers: { "cache-control": "no-store", "retry-after": "42" },
    });
  });

  it("toGraphError: has no dead OAuth rows", () => {
    expect(Object.keys(OAUTH_STATUS).sort()).toEqual([...auth.OAUTH_ERROR_CODES].sort());
  });
});

describe("401 challenge", () => {
  it("challengeFor: no token gets Graph's plain challenge; a refused one adds invalid_token and why", () => {
    expect(challengeFor(new auth.AuthenticationError("Access token is empty.", { reason: "missing" }))).toBe(WWW_AUTHENTICATE);
    expect(challengeFor(new auth.AuthenticationError("Lifetime validation failed, the token is expired.", { reason: "expired" }))).toBe(
      `${WWW_AUTHENTICATE}, error="invalid_token", error_description="expired: Lifetime validation failed, the token is expired."`,
    );
  });

  it("challengeFor: quotes, backslashes and control characters never reach the header", () => {
    const header = challengeFor(new auth.AuthenticationError('missing required "exp" claim \\ \r\n', { reason: "badClaims" }));
    expect(header).toMatch(/error_description="badClaims: missing required 'exp' claim ' ''"$/);
  });
});

describe("errorResponse", () => {
  const ids = { requestId: "r-1", clientRequestId: "c-1", date: new Date(Date.UTC(2026, 10, 25, 12, 0, 0, 750)) };

  it("errorResponse: writes Graph's body with the OData content type and the row's headers", () => {
    const response = errorResponse(toGraphError(new domain.ResyncRequiredError(), { deltaRestartLink: () => RESTART }), ids);
    expect(response.status).toBe(410);
    expect(response.headers).toEqual({ location: RESTART, "content-type": expect.stringMatching(/^application\/json;odata\.metadata=minimal/) });
    expect(JSON.parse(response.body)).toEqual({
      error: {
        code: "ResyncRequired", message: new domain.ResyncRequiredError().message,
        innerError: { date: "2026-11-25T12:00:00", "request-id": "r-1", "client-request-id": "c-1" },
      },
    });
  });

  it("errorResponse: a TooManyRequests 429 repeats its code and status in innerError, as Graph's sample does", () => {
    const response = errorResponse(toGraphError(new faults.ThrottledError("TooManyRequests", 2)), ids);
    expect(response.status).toBe(429);
    expect(response.headers["retry-after"]).toBe("2");
    expect(JSON.parse(response.body)).toEqual({
      error: {
        code: "TooManyRequests", message: "Please retry again later.",
        innerError: { code: "429", message: "Please retry after", status: "429", date: "2026-11-25T12:00:00", "request-id": "r-1", "client-request-id": "c-1" },
      },
    });
  });

  it("errorResponse: writes OAuth's body at the token endpoint, stamped by the given clock", () => {
    const error = new auth.OAuthError({ error: "invalid_grant", aadstsCode: 50126, description: "Error validating credentials due to invalid username or password." });
    const response = errorResponse(toGraphError(error), ids);
    expect(response.status).toBe(400);
    expect(response.headers).toEqual({ "cache-control": "no-store", "content-type": "application/json; charset=utf-8" });
    expect(JSON.parse(response.body)).toEqual({
      error: "invalid_grant", error_description: error.message, error_codes: [50126],
      timestamp: "2026-11-25 12:00:00Z", trace_id: "r-1", correlation_id: "c-1",
    });
  });

  it("errorResponse: an unmapped error is a generic 500", () => {
    const response = errorResponse(undefined, ids);
    expect(response.status).toBe(500);
    expect(JSON.parse(response.body).error).toMatchObject({ code: "ErrorInternalServerError", message: "An internal server error occurred." });
  });
});
