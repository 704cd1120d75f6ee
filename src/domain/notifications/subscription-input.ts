import { Temporal } from "temporal-polyfill";
import {
  CHANGE_TYPES, SUBSCRIPTION_CREATE_PROPERTIES, SUBSCRIPTION_PROPERTIES, SUBSCRIPTION_UPDATE_PROPERTIES, TLS_VERSIONS,
  type ChangeType, type TlsVersion,
} from "../../graph/index.js";
import { readEntityBody } from "../entity-body.js";
import { SubscriptionError } from "../errors.js";
import { SUBSCRIPTION_LIMITS } from "./subscription.js";

// The body of POST /subscriptions and PATCH /subscriptions/{id}, field by field (spec §4.2, §4.6).
// The shape rule (a JSON object of the type's properties) is the one every entity has
// (entity-body.ts); the field rules are the subscription service's, answered in its codes.
// see: https://learn.microsoft.com/graph/api/resources/subscription#properties

const TYPE = "microsoft.graph.subscription";

export interface SubscriptionCreateInput {
  resource: string;
  changeTypes: ChangeType[];
  notificationUrl: string;
  lifecycleNotificationUrl: string | null;
  /** Epoch ms, as asked (the service applies the lifetime rules against its clock). */
  expirationMs: number;
  clientState: string | null;
  latestSupportedTlsVersion: TlsVersion;
  /** Server-set properties the body echoed: they must equal what the service sets. */
  readOnly: Record<string, unknown>;
}

export interface SubscriptionUpdateInput {
  expirationMs?: number;
  notificationUrl?: string;
  lifecycleNotificationUrl?: string | null;
  /** Properties the body carried that a PATCH cannot change: each must equal the stored value. */
  fixed: Record<string, unknown>;
}

const invalid = (message: string) => new SubscriptionError(message, "invalidRequest");

export function parseSubscriptionCreate(body: unknown): SubscriptionCreateInput {
  const { writable, readOnly } = readEntityBody(body, { type: TYPE, properties: SUBSCRIPTION_PROPERTIES, writable: SUBSCRIPTION_CREATE_PROPERTIES });
  const fields = Object.fromEntries(writable);
  const resource = requiredString(fields, "resource");
  const changeTypes = parseChangeTypes(requiredString(fields, "changeType"));
  const notificationUrl = parseUrl(requiredString(fields, "notificationUrl"), "notificationUrl");
  const lifecycle = optionalString(fields, "lifecycleNotificationUrl");
  const clientState = optionalString(fields, "clientState");
  if (clientState !== null && clientState.length > SUBSCRIPTION_LIMITS.clientStateMaxLength) {
    throw invalid(`clientState must be at most ${SUBSCRIPTION_LIMITS.clientStateMaxLength} characters long.`);
  }
  const tls = optionalString(fields, "latestSupportedTlsVersion") ?? "v1_2";
  if (!(TLS_VERSIONS as readonly string[]).includes(tls)) {
    throw invalid(`latestSupportedTlsVersion must be one of ${TLS_VERSIONS.join(", ")}.`);
  }
  // Rich notifications (encrypted resource data) are not emulated (spec §4.8: basic ones suffice).
  if (fields.includeResourceData === true) {
    throw invalid("includeResourceData is not supported by graphcal: subscribe without resource data and read changes with delta.");
  }
  if (fields.includeResourceData !== undefined && fields.includeResourceData !== null && typeof fields.includeResourceData !== "boolean") {
    throw invalid("includeResourceData must be true or false.");
  }
  return {
    resource, changeTypes, notificationUrl,
    lifecycleNotificationUrl: lifecycle === null ? null : parseUrl(lifecycle, "lifecycleNotificationUrl"),
    expirationMs: parseExpiration(requiredString(fields, "expirationDateTime")),
    clientState, latestSupportedTlsVersion: tls as TlsVersion, readOnly,
  };
}

export function parseSubscriptionUpdate(body: unknown): SubscriptionUpdateInput {
  const { writable, readOnly } = readEntityBody(body, { type: TYPE, properties: SUBSCRIPTION_PROPERTIES, writable: SUBSCRIPTION_UPDATE_PROPERTIES });
  const fields = Object.fromEntries(writable);
  const out: SubscriptionUpdateInput = { fixed: readOnly };
  if (fields.expirationDateTime !== undefined && fields.expirationDateTime !== null) {
    out.expirationMs = parseExpiration(requiredString(fields, "expirationDateTime"));
  }
  if (fields.notificationUrl !== undefined && fields.notificationUrl !== null) {
    out.notificationUrl = parseUrl(requiredString(fields, "notificationUrl"), "notificationUrl");
  }
  if (fields.lifecycleNotificationUrl !== undefined) {
    const lifecycle = optionalString(fields, "lifecycleNotificationUrl");
    out.lifecycleNotificationUrl = lifecycle === null ? null : parseUrl(lifecycle, "lifecycleNotificationUrl");
  }
  // Graph's words when neither is sent (msgraph-sdk-java#2323).
  if (out.expirationMs === undefined && out.notificationUrl === undefined) {
    throw invalid("Subscription must contain either the 'expirationDateTime' or 'notificationUrl' property and its value.");
  }
  return out;
}

function requiredString(fields: Record<string, unknown>, name: string): string {
  const value = fields[name];
  if (value === undefined || value === null || value === "") throw invalid(`The '${name}' property is required.`);
  if (typeof value !== "string") throw invalid(`The '${name}' property must be a string.`);
  return value;
}

function optionalString(fields: Record<string, unknown>, name: string): string | null {
  const value = fields[name];
  if (value === undefined || value === null || value === "") return null;
  if (typeof value !== "string") throw invalid(`The '${name}' property must be a string.`);
  return value;
}

/** `created,updated,deleted` in any order and case, each once. */
function parseChangeTypes(text: string): ChangeType[] {
  const out: ChangeType[] = [];
  for (const raw of text.split(",")) {
    const name = raw.trim().toLowerCase();
    if (!(CHANGE_TYPES as readonly string[]).includes(name)) {
      throw invalid(`'${raw.trim()}' is not a valid changeType; use a comma-separated list of ${CHANGE_TYPES.join(", ")}.`);
    }
    if (!out.includes(name as ChangeType)) out.push(name as ChangeType);
  }
  return out;
}

/**
 * Graph demands HTTPS. graphcal also takes `http://` to a loopback host, so a test's receiver
 * needs no certificate; any other `http://` URL is refused as Graph would refuse it.
 */
function parseUrl(text: string, name: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw invalid(`The '${name}' property must be an absolute URL.`);
  }
  if (url.protocol === "https:") return text;
  if (url.protocol === "http:" && isLoopback(url.hostname)) return text;
  throw invalid(`The '${name}' property must be an https URL (graphcal also accepts http:// to a loopback host).`);
}

export function isLoopback(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, "").toLowerCase();
  return host === "localhost" || host === "::1" || /^127(\.\d{1,3}){3}$/.test(host);
}

/** An ISO 8601 instant; one without an offset counts as UTC (Graph's DateTimeOffset reading). */
function parseExpiration(text: string): number {
  const withOffset = /(Z|[+-]\d{2}:?\d{2})$/i.test(text) ? text : `${text}Z`;
  try {
    return Temporal.Instant.from(withOffset).epochMilliseconds;
  } catch {
    throw invalid(`The 'expirationDateTime' property must be an ISO 8601 date-time, such as '2026-01-05T11:00:00.0000000Z'; got '${text}'.`);
  }
}
