import { ValidationError } from "./errors.js";

// The one rule for a POST/PATCH body of any Graph entity: a JSON object whose members are
// properties of the entity's type. Graph refuses an unknown property outright (400 BadRequest)
// and ignores OData annotations (SDKs send `@odata.type`). A property the type defines but the
// client may not set is kept aside: echoing back what was read is fine, changing it is not
// (checkReadOnly).
// see: https://learn.microsoft.com/graph/api/calendar-update

export interface EntityBody {
  /** Writable properties as sent, in body order; their values are the caller's to validate. */
  writable: [name: string, value: unknown][];
  /** Read-only properties the body carried, to be checked against the result. */
  readOnly: Record<string, unknown>;
}

/**
 * Splits a request body into writable and read-only properties of `type` (e.g.
 * "microsoft.graph.calendar"), or throws the ValidationError Graph answers with.
 */
export function readEntityBody(body: unknown, options: {
  type: string;
  /** Every property the type defines (in this API version). */
  properties: Iterable<string>;
  /** The properties a client may set in this request. */
  writable: Iterable<string>;
}): EntityBody {
  if (body === null || typeof body !== "object" || Array.isArray(body)) {
    throw new ValidationError("The request body must be a JSON object.", "badRequest");
  }
  const known = new Set(options.properties);
  const writable = new Set(options.writable);
  const out: EntityBody = { writable: [], readOnly: {} };
  for (const [key, value] of Object.entries(body as Record<string, unknown>)) {
    if (key.startsWith("@odata.")) continue;
    if (writable.has(key)) out.writable.push([key, value]);
    else if (known.has(key)) out.readOnly[key] = value;
    else {
      throw new ValidationError(
        `The property '${key}' does not exist on type '${options.type}'. Make sure to only use property names that are defined by the type.`,
        "badRequest");
    }
  }
  return out;
}

/** Rejects read-only properties whose value differs from the entity's (echoing them back is fine). */
export function checkReadOnly(readOnly: Record<string, unknown>, entity: object): void {
  for (const [key, value] of Object.entries(readOnly)) {
    const actual = (entity as Record<string, unknown>)[key];
    if (JSON.stringify(actual) !== JSON.stringify(value)) {
      throw new ValidationError(`The property '${key}' is read-only and cannot be set.`, "readOnly");
    }
  }
}
