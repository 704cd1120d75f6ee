// The event resource as Microsoft Graph puts it on the wire.
// see: https://learn.microsoft.com/graph/api/resources/event
// see: https://learn.microsoft.com/graph/api/user-post-events (the 201 example fixes the order)

import type { ApiVersion, EmailAddress } from "./calendar.js";

export const EVENT_ODATA_TYPE = "#microsoft.graph.event";

// v1.0 in the order of the documented 201 response. `originalStart` appears only on occurrences
// and exceptions; its place next to the other "original" properties is our choice (unconfirmed).
const V1_EVENT_PROPERTIES = [
  "id", "createdDateTime", "lastModifiedDateTime", "changeKey", "categories", "transactionId",
  "originalStartTimeZone", "originalEndTimeZone", "originalStart", "iCalUId",
  "reminderMinutesBeforeStart", "isReminderOn", "hasAttachments", "subject", "bodyPreview",
  "importance", "sensitivity", "isAllDay", "isCancelled", "isOrganizer", "responseRequested",
  "seriesMasterId", "showAs", "type", "webLink", "onlineMeetingUrl", "isOnlineMeeting",
  "onlineMeetingProvider", "allowNewTimeProposals", "isDraft", "hideAttendees", "responseStatus",
  "body", "start", "end", "location", "locations", "recurrence", "attendees", "organizer",
  "onlineMeeting",
] as const;

/**
 * Property names in the order Graph serialises them. Beta is a superset of v1.0: it adds only
 * `uid` (after iCalUId) and `occurrenceId` (after allowNewTimeProposals), both read-only; other
 * beta-only members (cancelledOccurrences, exceptionOccurrences) are relationships, left out.
 */
export const EVENT_PROPERTIES: Readonly<Record<ApiVersion, readonly string[]>> = {
  "v1.0": V1_EVENT_PROPERTIES,
  beta: V1_EVENT_PROPERTIES.flatMap((name) =>
    name === "iCalUId" ? [name, "uid"] : name === "allowNewTimeProposals" ? [name, "occurrenceId"] : [name]),
};

export const FREE_BUSY_STATUSES = ["free", "tentative", "busy", "oof", "workingElsewhere", "unknown"] as const;
export type FreeBusyStatus = (typeof FREE_BUSY_STATUSES)[number];

export const SENSITIVITIES = ["normal", "personal", "private", "confidential"] as const;
export type Sensitivity = (typeof SENSITIVITIES)[number];

export const IMPORTANCES = ["low", "normal", "high"] as const;
export type Importance = (typeof IMPORTANCES)[number];

export const EVENT_TYPES = ["singleInstance", "occurrence", "exception", "seriesMaster"] as const;
export type EventType = (typeof EVENT_TYPES)[number];

export const ATTENDEE_TYPES = ["required", "optional", "resource"] as const;
export type AttendeeType = (typeof ATTENDEE_TYPES)[number];

export const RESPONSE_TYPES = ["none", "organizer", "tentativelyAccepted", "accepted", "declined", "notResponded"] as const;
export type ResponseType = (typeof RESPONSE_TYPES)[number];

export const LOCATION_TYPES = [
  "default", "conferenceRoom", "homeAddress", "businessAddress", "geoCoordinates", "streetAddress",
  "hotel", "restaurant", "localBusiness", "postalAddress",
] as const;
export type LocationType = (typeof LOCATION_TYPES)[number];

export const LOCATION_UNIQUE_ID_TYPES = ["unknown", "locationStore", "directory", "private", "bing"] as const;
export type LocationUniqueIdType = (typeof LOCATION_UNIQUE_ID_TYPES)[number];

export const BODY_TYPES = ["text", "html"] as const;
export type BodyType = (typeof BODY_TYPES)[number];

/** Graph's zero time, used for a response nobody has given yet. */
export const NO_RESPONSE_TIME = "0001-01-01T00:00:00Z";

export interface DateTimeTimeZone {
  dateTime: string;
  timeZone: string;
}

export interface ItemBody {
  contentType: BodyType;
  content: string;
}

export interface PhysicalAddress {
  street?: string;
  city?: string;
  state?: string;
  countryOrRegion?: string;
  postalCode?: string;
}

export interface OutlookGeoCoordinates {
  latitude?: number;
  longitude?: number;
  altitude?: number;
  accuracy?: number;
  altitudeAccuracy?: number;
}

export interface Location {
  displayName: string;
  locationType: LocationType;
  uniqueId?: string;
  uniqueIdType: LocationUniqueIdType;
  locationUri?: string;
  locationEmailAddress?: string;
  address?: PhysicalAddress;
  coordinates?: OutlookGeoCoordinates;
}

export interface Recipient {
  emailAddress: EmailAddress;
}

export interface ResponseStatus {
  response: ResponseType;
  time: string;
}

export interface Attendee extends Recipient {
  type: AttendeeType;
  status: ResponseStatus;
}
