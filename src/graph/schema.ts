// The types behind the property lists, for `$metadata` (http/odata/metadata.ts). Which
// properties an entity has, and in which order, stays with the lists the serializers use
// (calendar.ts, event.ts); this file only says what type each name has, and which complex and
// enum types those are. A property a list gains without a type here fails the metadata test.
// see: https://learn.microsoft.com/graph/api/resources/calendar (and event, calendarGroup, user, calendarPermission)

import {
  CALENDAR_COLORS, CALENDAR_ROLES, ONLINE_MEETING_PROVIDERS,
} from "./calendar.js";
import {
  ATTENDEE_TYPES, BODY_TYPES, EVENT_TYPES, FREE_BUSY_STATUSES, IMPORTANCES, LOCATION_TYPES, LOCATION_UNIQUE_ID_TYPES,
  RESPONSE_TYPES, SENSITIVITIES,
} from "./event.js";

/** Property name → CSDL type, per entity type (every API version's names together). */
export const ENTITY_PROPERTY_TYPES: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  user: {
    id: "Edm.String", displayName: "Edm.String", userPrincipalName: "Edm.String", mail: "Edm.String",
    givenName: "Edm.String", surname: "Edm.String",
  },
  calendar: {
    id: "Edm.String", name: "Edm.String", color: "graph.calendarColor", hexColor: "Edm.String", groupClassId: "Edm.String",
    isDefaultCalendar: "Edm.Boolean", changeKey: "Edm.String", canShare: "Edm.Boolean", canViewPrivateItems: "Edm.Boolean",
    isShared: "Edm.Boolean", isSharedWithMe: "Edm.Boolean", canEdit: "Edm.Boolean", calendarGroupId: "Edm.String",
    allowedOnlineMeetingProviders: "Collection(graph.onlineMeetingProviderType)", defaultOnlineMeetingProvider: "graph.onlineMeetingProviderType",
    isTallyingResponses: "Edm.Boolean", isRemovable: "Edm.Boolean", owner: "graph.emailAddress",
  },
  calendarGroup: { id: "Edm.String", name: "Edm.String", classId: "Edm.Guid", changeKey: "Edm.String" },
  calendarPermission: {
    id: "Edm.String", emailAddress: "graph.emailAddress", isRemovable: "Edm.Boolean", isInsideOrganization: "Edm.Boolean",
    role: "graph.calendarRoleType", allowedRoles: "Collection(graph.calendarRoleType)",
  },
  event: {
    id: "Edm.String", createdDateTime: "Edm.DateTimeOffset", lastModifiedDateTime: "Edm.DateTimeOffset", changeKey: "Edm.String",
    categories: "Collection(Edm.String)", transactionId: "Edm.String", originalStartTimeZone: "Edm.String",
    originalEndTimeZone: "Edm.String", originalStart: "Edm.DateTimeOffset", iCalUId: "Edm.String", uid: "Edm.String",
    reminderMinutesBeforeStart: "Edm.Int32", isReminderOn: "Edm.Boolean", hasAttachments: "Edm.Boolean", subject: "Edm.String",
    bodyPreview: "Edm.String", importance: "graph.importance", sensitivity: "graph.sensitivity", isAllDay: "Edm.Boolean",
    isCancelled: "Edm.Boolean", isOrganizer: "Edm.Boolean", responseRequested: "Edm.Boolean", seriesMasterId: "Edm.String",
    showAs: "graph.freeBusyStatus", type: "graph.eventType", webLink: "Edm.String", onlineMeetingUrl: "Edm.String",
    isOnlineMeeting: "Edm.Boolean", onlineMeetingProvider: "graph.onlineMeetingProviderType", allowNewTimeProposals: "Edm.Boolean",
    occurrenceId: "Edm.String", isDraft: "Edm.Boolean", hideAttendees: "Edm.Boolean", responseStatus: "graph.responseStatus",
    body: "graph.itemBody", start: "graph.dateTimeTimeZone", end: "graph.dateTimeTimeZone", location: "graph.location",
    locations: "Collection(graph.location)", recurrence: "graph.patternedRecurrence", attendees: "Collection(graph.attendee)",
    organizer: "graph.recipient", onlineMeeting: "graph.onlineMeetingInfo",
  },
};

/** The structured values the entities carry, with their members in Graph's order. */
export const COMPLEX_TYPES: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  emailAddress: { name: "Edm.String", address: "Edm.String" },
  dateTimeTimeZone: { dateTime: "Edm.String", timeZone: "Edm.String" },
  itemBody: { contentType: "graph.bodyType", content: "Edm.String" },
  physicalAddress: { street: "Edm.String", city: "Edm.String", state: "Edm.String", countryOrRegion: "Edm.String", postalCode: "Edm.String" },
  outlookGeoCoordinates: {
    altitude: "Edm.Double", latitude: "Edm.Double", longitude: "Edm.Double", accuracy: "Edm.Double", altitudeAccuracy: "Edm.Double",
  },
  location: {
    displayName: "Edm.String", locationType: "graph.locationType", uniqueId: "Edm.String", uniqueIdType: "graph.locationUniqueIdType",
    locationUri: "Edm.String", locationEmailAddress: "Edm.String", address: "graph.physicalAddress", coordinates: "graph.outlookGeoCoordinates",
  },
  recipient: { emailAddress: "graph.emailAddress" },
  responseStatus: { response: "graph.responseType", time: "Edm.DateTimeOffset" },
  attendee: { emailAddress: "graph.emailAddress", type: "graph.attendeeType", status: "graph.responseStatus" },
  patternedRecurrence: { pattern: "graph.recurrencePattern", range: "graph.recurrenceRange" },
  recurrencePattern: {
    type: "graph.recurrencePatternType", interval: "Edm.Int32", month: "Edm.Int32", dayOfMonth: "Edm.Int32",
    daysOfWeek: "Collection(graph.dayOfWeek)", firstDayOfWeek: "graph.dayOfWeek", index: "graph.weekIndex",
  },
  recurrenceRange: {
    type: "graph.recurrenceRangeType", startDate: "Edm.Date", endDate: "Edm.Date", recurrenceTimeZone: "Edm.String",
    numberOfOccurrences: "Edm.Int32",
  },
  // Always null here (no online meetings), declared for the property's type.
  onlineMeetingInfo: { conferenceId: "Edm.String", joinUrl: "Edm.String", quickDial: "Edm.String", tollFreeNumbers: "Collection(Edm.String)", tollNumber: "Edm.String" },
};

/** Enum types by name, members in Graph's order (their CSDL values are the positions). */
export const ENUM_TYPES: Readonly<Record<string, readonly string[]>> = {
  calendarColor: CALENDAR_COLORS,
  onlineMeetingProviderType: ONLINE_MEETING_PROVIDERS,
  calendarRoleType: CALENDAR_ROLES,
  freeBusyStatus: FREE_BUSY_STATUSES,
  sensitivity: SENSITIVITIES,
  importance: IMPORTANCES,
  eventType: EVENT_TYPES,
  attendeeType: ATTENDEE_TYPES,
  responseType: RESPONSE_TYPES,
  locationType: LOCATION_TYPES,
  locationUniqueIdType: LOCATION_UNIQUE_ID_TYPES,
  bodyType: BODY_TYPES,
  recurrencePatternType: ["daily", "weekly", "absoluteMonthly", "relativeMonthly", "absoluteYearly", "relativeYearly"],
  recurrenceRangeType: ["endDate", "noEnd", "numbered"],
  dayOfWeek: ["sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"],
  weekIndex: ["first", "second", "third", "fourth", "last"],
};
