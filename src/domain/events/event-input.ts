import {
  EVENT_PROPERTIES, FREE_BUSY_STATUSES, IMPORTANCES, ONLINE_MEETING_PROVIDERS, SENSITIVITIES,
  type ApiVersion, type FreeBusyStatus, type Importance, type ItemBody, type Location,
  type OnlineMeetingProviderType, type Sensitivity,
} from "../../graph/index.js";
import { ValidationError } from "../errors.js";
import { readEntityBody } from "../entity-body.js";
import { isAllDaySpan, parseDateTimeTimeZone, type ZonedTime } from "./time/date-time-time-zone.js";
import { parsePatternedRecurrence, type PatternedRecurrence } from "./time/recurrence/patterned-recurrence.js";
import {
  badType, booleanOf, enumOf, parseAttendees, parseCategories, parseItemBody, parseLocation, stringOf,
  type AttendeeInput,
} from "./event-input-values.js";

// The body of POST /events and PATCH /events/{id} (spec §1.2, §1.5).
// see: https://learn.microsoft.com/graph/api/user-post-events
// see: https://learn.microsoft.com/graph/api/event-update

/** What a client may set on an event, validated and normalised (enums in Graph's spelling). */
export interface EventInput {
  subject?: string;
  body?: ItemBody;
  /** Each keeps its own zone: it becomes originalStartTimeZone / originalEndTimeZone. */
  start?: ZonedTime;
  end?: ZonedTime;
  isAllDay?: boolean;
  /** Set together: `location` replaces all `locations`, and `locations` sets `location`. */
  location?: Location;
  locations?: Location[];
  attendees?: AttendeeInput[];
  showAs?: FreeBusyStatus;
  sensitivity?: Sensitivity;
  importance?: Importance;
  isReminderOn?: boolean;
  reminderMinutesBeforeStart?: number;
  responseRequested?: boolean;
  allowNewTimeProposals?: boolean;
  hideAttendees?: boolean;
  categories?: string[];
  /** null: none (create) or remove it (update). */
  recurrence?: PatternedRecurrence | null;
  /** Create only. */
  transactionId?: string;
  isOnlineMeeting?: boolean;
  onlineMeetingProvider?: OnlineMeetingProviderType;
}

export interface ParsedEventInput {
  input: EventInput;
  /** Read-only properties the body carried; the caller checks them with checkReadOnly. */
  readOnly: Record<string, unknown>;
}

/**
 * Everything else in EVENT_PROPERTIES is read-only and lands in `readOnly`. §1.5 [REC] says
 * PATCH echoes of read-only properties (originalStartTimeZone, responseStatus, …) are silently
 * ignored; like the calendar code (decision 12) the caller accepts echoes of the current value
 * and rejects changes. `organizer` is read-only here: it is always the mailbox owner.
 */
export const EVENT_WRITABLE_PROPERTIES: readonly string[] = [
  "subject", "body", "start", "end", "isAllDay", "location", "locations", "attendees", "showAs",
  "sensitivity", "importance", "isReminderOn", "reminderMinutesBeforeStart", "responseRequested",
  "allowNewTimeProposals", "hideAttendees", "categories", "recurrence", "transactionId",
  "isOnlineMeeting", "onlineMeetingProvider",
];

const INT32_MAX = 2_147_483_647;

const READ_ONLY_INSTANTS = ["createdDateTime", "lastModifiedDateTime", "originalStart"] as const;

/** Validates an event body for POST (`create`) or PATCH (`update`). */
export function parseEventInput(body: unknown, options: { apiVersion: ApiVersion; mode: "create" | "update" }): ParsedEventInput {
  const { writable, readOnly } = readEntityBody(body, {
    type: "microsoft.graph.event",
    properties: EVENT_PROPERTIES[options.apiVersion],
    writable: EVENT_WRITABLE_PROPERTIES,
  });
  // An echoed DateTimeOffset ("…00.0000000Z") is compared as the instant it names: the stored
  // event holds epoch ms, so a PATCH that sends back what GET returned is an echo, not a change.
  for (const key of READ_ONLY_INSTANTS) {
    const value = readOnly[key];
    if (typeof value === "string" && /(Z|[+-]\d{2}:\d{2})$/i.test(value) && Number.isFinite(Date.parse(value))) readOnly[key] = Date.parse(value);
  }
  const input: EventInput = {};
  let recurrence: unknown;
  let locationGiven = false;
  for (const [key, value] of writable) {
    switch (key) {
      case "subject": input.subject = value === null ? "" : stringOf(value, key); break;
      case "body": input.body = parseItemBody(value); break;
      case "start": input.start = parseDateTimeTimeZone(value, { property: "start" }); break;
      case "end": input.end = parseDateTimeTimeZone(value, { property: "end" }); break;
      case "isAllDay": input.isAllDay = booleanOf(value, key); break;
      case "location":
        locationGiven = true;
        input.location = value === null ? emptyLocation() : parseLocation(value, { property: key, role: "location" });
        break;
      case "locations":
        if (!Array.isArray(value)) badType(key, "an array");
        input.locations = value.map((v: unknown, i) => parseLocation(v, { property: `locations[${i}]`, role: "locations" }));
        break;
      case "attendees": input.attendees = parseAttendees(value); break;
      case "showAs": input.showAs = enumOf(value, key, FREE_BUSY_STATUSES); break;
      case "sensitivity": input.sensitivity = enumOf(value, key, SENSITIVITIES); break;
      case "importance": input.importance = enumOf(value, key, IMPORTANCES); break;
      case "isReminderOn": input.isReminderOn = booleanOf(value, key); break;
      case "reminderMinutesBeforeStart": input.reminderMinutesBeforeStart = reminderMinutes(value); break;
      case "responseRequested": input.responseRequested = booleanOf(value, key); break;
      case "allowNewTimeProposals": input.allowNewTimeProposals = booleanOf(value, key); break;
      case "hideAttendees": input.hideAttendees = booleanOf(value, key); break;
      case "categories": input.categories = parseCategories(value); break;
      case "recurrence": recurrence = value; break; // read after start: its zone is the default
      case "transactionId":
        if (options.mode === "update") {
          throw new ValidationError("The property 'transactionId' cannot be changed after the event is created.", "readOnly");
        }
        input.transactionId = stringOf(value, key);
        break;
      case "isOnlineMeeting": input.isOnlineMeeting = booleanOf(value, key); break;
      case "onlineMeetingProvider": input.onlineMeetingProvider = enumOf(value, key, ONLINE_MEETING_PROVIDERS); break;
    }
  }
  if (recurrence !== undefined) {
    input.recurrence = recurrence === null
      ? null
      : parsePatternedRecurrence(recurrence, input.start ? { defaultTimeZone: input.start.zone.name } : {});
  }
  linkLocations(input, locationGiven);
  if (input.start && input.end) checkEventSpan({ isAllDay: input.isAllDay ?? false, start: input.start, end: input.end });
  if (options.mode === "create" && input.isAllDay === true && (!input.start || !input.end)) {
    // Spec silent; the next-slot default (§1.5) can never be an all-day span, so say so.
    throw new ValidationError("An all-day event needs both 'start' and 'end', each at midnight.");
  }
  return { input, readOnly };
}

/**
 * The span rules, for the merged values too (a PATCH may send only one of them): end not before
 * start (spec silent: Outlook cannot store it), and the all-day rule of §1.2.
 */
export function checkEventSpan(options: { isAllDay: boolean; start: ZonedTime; end: ZonedTime }): void {
  const { isAllDay, start, end } = options;
  if (end.epochMs < start.epochMs) {
    throw new ValidationError("The event's 'end' must not be before its 'start'.");
  }
  if (isAllDay && !isAllDaySpan({ start, end })) {
    throw new ValidationError(
      "An all-day event must start and end at midnight, in the same time zone, and end after it starts.");
  }
}

function reminderMinutes(value: unknown): number {
  if (typeof value !== "number" || !Number.isInteger(value)) badType("reminderMinutesBeforeStart", "an integer");
  if (value < 0 || value > INT32_MAX) {
    throw new ValidationError("Invalid value for property 'reminderMinutesBeforeStart': it must be 0 or more.");
  }
  return value;
}

/** What `location` is when there is none (a fresh POST without one; `location: null`). */
export function emptyLocation(): Location {
  return { displayName: "", locationType: "default", uniqueIdType: "unknown", address: {}, coordinates: {} };
}

/**
 * `location` and `locations` always correspond (spec §1.2): setting `location` replaces all
 * `locations` (with one entry, or none when it is empty); setting only `locations` makes
 * `location` their names joined by "; " (Outlook's display; the exact form is unconfirmed).
 */
function linkLocations(input: EventInput, locationGiven: boolean): void {
  if (locationGiven && input.location) {
    const { displayName } = input.location;
    // The server's "private" fill-in becomes the entry's "unknown" (the 201 example); a type the
    // client chose (directory, locationStore, …) is the client's data and is kept with its uniqueId.
    const serverFilled = input.location.uniqueIdType === "private";
    input.locations = displayName === "" ? [] : [{ ...input.location, ...(serverFilled && { uniqueIdType: "unknown" as const }) }];
    if (displayName !== "" && serverFilled) delete input.locations[0]?.uniqueId;
    return;
  }
  if (input.locations) {
    const names = input.locations.map((l) => l.displayName).filter((n) => n !== "");
    if (input.locations.length === 1 && input.locations[0]) {
      const only = input.locations[0];
      input.location = {
        ...only, uniqueId: only.uniqueId ?? only.displayName,
        uniqueIdType: only.uniqueIdType === "unknown" ? "private" : only.uniqueIdType,
      };
    } else if (names.length === 0) {
      input.location = emptyLocation();
    } else {
      const displayName = names.join("; ");
      input.location = { displayName, locationType: "default", uniqueId: displayName, uniqueIdType: "private" };
    }
  }
}
