// The calendar resource as Microsoft Graph puts it on the wire.
// see: https://learn.microsoft.com/graph/api/resources/calendar?view=graph-rest-beta

export const CALENDAR_COLORS = [
  "auto", "lightBlue", "lightGreen", "lightOrange", "lightGray", "lightYellow",
  "lightTeal", "lightPink", "lightBrown", "lightRed", "maxColor",
] as const;
export type CalendarColor = (typeof CALENDAR_COLORS)[number];

export const ONLINE_MEETING_PROVIDERS = [
  "unknown", "skypeForBusiness", "skypeForConsumer", "teamsForBusiness",
] as const;
export type OnlineMeetingProviderType = (typeof ONLINE_MEETING_PROVIDERS)[number];

export interface EmailAddress {
  name: string;
  address: string;
}

export type ApiVersion = "v1.0" | "beta";
export const API_VERSIONS: readonly ApiVersion[] = ["v1.0", "beta"];

/**
 * Property names in the order Graph serialises them. The beta order follows the seed's
 * example response; v1.0 has no calendarGroupId, isShared, isSharedWithMe or groupClassId.
 */
export const CALENDAR_PROPERTIES: Readonly<Record<ApiVersion, readonly string[]>> = {
  beta: [
    "id", "name", "color", "hexColor", "groupClassId", "isDefaultCalendar", "changeKey",
    "canShare", "canViewPrivateItems", "isShared", "isSharedWithMe", "canEdit",
    "calendarGroupId", "allowedOnlineMeetingProviders", "defaultOnlineMeetingProvider",
    "isTallyingResponses", "isRemovable", "owner",
  ],
  "v1.0": [
    "id", "name", "color", "hexColor", "isDefaultCalendar", "changeKey", "canShare",
    "canViewPrivateItems", "canEdit", "allowedOnlineMeetingProviders",
    "defaultOnlineMeetingProvider", "isTallyingResponses", "isRemovable", "owner",
  ],
};

export const CALENDAR_GROUP_PROPERTIES: readonly string[] = ["id", "name", "classId", "changeKey"];

export const USER_PROPERTIES: readonly string[] = [
  "id", "displayName", "userPrincipalName", "mail", "givenName", "surname",
];

/** Outlook's class id of the "My Calendars" group (the "My Folders" class). */
export const MY_CALENDARS_CLASS_ID = "0006f0b7-0000-0000-c000-000000000046";

export const CALENDAR_ODATA_TYPE = "#microsoft.graph.calendar";

/** calendarRoleType: what a calendarPermission grants. */
export const CALENDAR_ROLES = [
  "none", "freeBusyRead", "limitedRead", "read", "write",
  "delegateWithoutPrivateEventAccess", "delegateWithPrivateEventAccess", "custom",
] as const;
export type CalendarRole = (typeof CALENDAR_ROLES)[number];

export const CALENDAR_PERMISSION_PROPERTIES: readonly string[] = [
  "id", "emailAddress", "isRemovable", "isInsideOrganization", "role", "allowedRoles",
];
