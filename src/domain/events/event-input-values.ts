import {
  ATTENDEE_TYPES, BODY_TYPES, LOCATION_TYPES, LOCATION_UNIQUE_ID_TYPES,
  type AttendeeType, type ItemBody, type Location, type OutlookGeoCoordinates, type PhysicalAddress,
} from "../../graph/index.js";
import { ValidationError } from "../errors.js";

// Readers for the structured values of an event body (itemBody, location, attendee, …). Each
// names the property path in its error; a wrong JSON type is 400 BadRequest, as Graph's OData
// reader answers it.

export const MAX_ATTENDEES = 500;

export function badType(property: string, expected: string): never {
  throw new ValidationError(`Invalid value for property '${property}': ${expected} is expected.`, "badRequest");
}

export function stringOf(value: unknown, property: string): string {
  if (typeof value !== "string") badType(property, "a string");
  return value;
}

export function booleanOf(value: unknown, property: string): boolean {
  if (typeof value !== "boolean") badType(property, "a boolean");
  return value;
}

export function objectOf(value: unknown, property: string, known: readonly string[]): Record<string, unknown> {
  if (value === null || typeof value !== "object" || Array.isArray(value)) badType(property, "an object");
  for (const key of Object.keys(value)) {
    if (!key.startsWith("@odata.") && !known.includes(key)) {
      throw new ValidationError(`The property '${key}' does not exist on '${property}'.`, "badRequest");
    }
  }
  return value as Record<string, unknown>;
}

/** An enum member matched case-insensitively, returned in Graph's spelling. */
export function enumOf<T extends string>(value: unknown, property: string, members: readonly T[]): T {
  const match = typeof value === "string" ? members.find((m) => m.toLowerCase() === value.toLowerCase()) : undefined;
  if (match === undefined) {
    throw new ValidationError(`Requested value '${String(value)}' was not found for property '${property}'.`, "badRequest");
  }
  return match;
}

/** itemBody: contentType is case-insensitive ("HTML" is accepted); text when left out. */
export function parseItemBody(value: unknown): ItemBody {
  const body = objectOf(value, "body", ["contentType", "content"]);
  const contentType = body.contentType === undefined ? "text" : enumOf(body.contentType, "body.contentType", BODY_TYPES);
  const content = body.content === undefined || body.content === null ? "" : stringOf(body.content, "body.content");
  return { contentType, content };
}

const ADDRESS_PROPERTIES = ["street", "city", "state", "countryOrRegion", "postalCode"] as const;
const COORDINATE_PROPERTIES = ["latitude", "longitude", "altitude", "accuracy", "altitudeAccuracy"] as const;
const LOCATION_PROPERTIES = [
  "displayName", "locationType", "uniqueId", "uniqueIdType", "locationUri", "locationEmailAddress", "address", "coordinates",
];

/**
 * A location as Graph stores it (spec §1.2): locationType "default" unless given. `role` says
 * what the server fills in: the single `location` gets uniqueId := displayName and uniqueIdType
 * "private"; an entry of `locations` gets uniqueIdType "unknown" (the 201 example).
 */
export function parseLocation(value: unknown, options: { property: string; role: "location" | "locations" }): Location {
  const { property } = options;
  const body = objectOf(value, property, LOCATION_PROPERTIES);
  const displayName = body.displayName == null ? "" : stringOf(body.displayName, `${property}.displayName`);
  const location: Location = {
    displayName,
    locationType: body.locationType == null ? "default" : enumOf(body.locationType, `${property}.locationType`, LOCATION_TYPES),
    uniqueIdType: body.uniqueIdType == null
      ? (options.role === "location" ? "private" : "unknown")
      : enumOf(body.uniqueIdType, `${property}.uniqueIdType`, LOCATION_UNIQUE_ID_TYPES),
  };
  if (body.uniqueId != null) location.uniqueId = stringOf(body.uniqueId, `${property}.uniqueId`);
  else if (options.role === "location") location.uniqueId = displayName;
  if (body.locationUri != null) location.locationUri = stringOf(body.locationUri, `${property}.locationUri`);
  if (body.locationEmailAddress != null) {
    location.locationEmailAddress = stringOf(body.locationEmailAddress, `${property}.locationEmailAddress`);
  }
  if (body.address != null) {
    const address = objectOf(body.address, `${property}.address`, ADDRESS_PROPERTIES);
    const out: PhysicalAddress = {};
    for (const key of ADDRESS_PROPERTIES) {
      if (address[key] != null) out[key] = stringOf(address[key], `${property}.address.${key}`);
    }
    location.address = out;
  }
  if (body.coordinates != null) {
    const coordinates = objectOf(body.coordinates, `${property}.coordinates`, COORDINATE_PROPERTIES);
    const out: OutlookGeoCoordinates = {};
    for (const key of COORDINATE_PROPERTIES) {
      const v = coordinates[key];
      if (v == null) continue;
      if (typeof v !== "number" || !Number.isFinite(v)) badType(`${property}.coordinates.${key}`, "a number");
      out[key] = v;
    }
    location.coordinates = out;
  }
  return location;
}

/** An attendee as a client sends it: the response status is the server's, so it is ignored. */
export interface AttendeeInput {
  type: AttendeeType;
  emailAddress: { name: string; address: string };
}

export function parseAttendees(value: unknown): AttendeeInput[] {
  if (!Array.isArray(value)) badType("attendees", "an array");
  if (value.length > MAX_ATTENDEES) {
    throw new ValidationError(`An event can have at most ${MAX_ATTENDEES} attendees; the request has ${value.length}.`);
  }
  return value.map((item: unknown, i) => {
    const property = `attendees[${i}]`;
    // status and proposedNewTime are the attendee's to set, not the organizer's: ignored.
    const body = objectOf(item, property, ["type", "emailAddress", "status", "proposedNewTime"]);
    const email = objectOf(body.emailAddress, `${property}.emailAddress`, ["name", "address"]);
    if (email.address == null || email.address === "") {
      throw new ValidationError(`The attendee '${property}' needs an emailAddress.address.`);
    }
    const address = stringOf(email.address, `${property}.emailAddress.address`);
    // Graph echoes a missing name as the address (the 201 examples always carry one; unconfirmed).
    const name = email.name == null ? address : stringOf(email.name, `${property}.emailAddress.name`);
    // "Required" → "required" (spec §1.2); an attendee without a type is required.
    const type = body.type == null ? "required" : enumOf(body.type, `${property}.type`, ATTENDEE_TYPES);
    return { type, emailAddress: { name, address } };
  });
}

export function parseCategories(value: unknown): string[] {
  if (!Array.isArray(value)) badType("categories", "an array of strings");
  return value.map((c: unknown, i) => stringOf(c, `categories[${i}]`));
}
