import {
  NO_RESPONSE_TIME,
  type Attendee, type EmailAddress, type EventType, type FreeBusyStatus, type Importance, type ItemBody,
  type Location, type OnlineMeetingProviderType, type Recipient, type ResponseStatus, type Sensitivity,
} from "../../graph/index.js";
import { emptyLocation, type EventInput } from "./event-input.js";
import type { AttendeeInput } from "./event-input-values.js";
import { bodyPreviewOf, toStoredBody } from "./item-body.js";
import type { PatternedRecurrence } from "./time/recurrence/patterned-recurrence.js";
import { resolveTimeZone, type ResolvedTimeZone } from "./time/time-zones.js";

// What a fresh POST /events returns (spec §1.2 "default" column, §1.5 for a missing start/end).
// Identity and bookkeeping (id, changeKey, iCalUId, webLink, createdDateTime,
// lastModifiedDateTime) are the service's: it owns the id source, the clock and the seq.

/** An instant and the zone it was given in (the zone becomes original{Start,End}TimeZone). */
export interface EventTime {
  epochMs: number;
  zone: ResolvedTimeZone;
}

export interface NewEventValues {
  subject: string;
  body: ItemBody;
  bodyPreview: string;
  start: EventTime;
  end: EventTime;
  originalStartTimeZone: string;
  originalEndTimeZone: string;
  isAllDay: boolean;
  isCancelled: boolean;
  isOrganizer: boolean;
  isDraft: boolean;
  showAs: FreeBusyStatus;
  sensitivity: Sensitivity;
  importance: Importance;
  isReminderOn: boolean;
  reminderMinutesBeforeStart: number;
  responseRequested: boolean;
  allowNewTimeProposals: boolean;
  hideAttendees: boolean;
  isOnlineMeeting: boolean;
  onlineMeetingProvider: OnlineMeetingProviderType;
  onlineMeeting: null;
  onlineMeetingUrl: null;
  categories: string[];
  hasAttachments: boolean;
  type: EventType;
  seriesMasterId: null;
  recurrence: PatternedRecurrence | null;
  organizer: Recipient;
  responseStatus: ResponseStatus;
  attendees: Attendee[];
  location: Location;
  locations: Location[];
  /** Only when the client gave one ("only returned if set", spec §1.2, X3). */
  transactionId?: string;
}

const SLOT_MS = 30 * 60_000;
const DAY_MS = 24 * 60 * 60_000;

// resolveTimeZone("UTC") always succeeds: ICU knows UTC.
const UTC: ResolvedTimeZone = resolveTimeZone("UTC") ?? { name: "UTC", iana: "UTC" };

/**
 * The start of the next 30-minute slot at or after `nowMs` (spec §1.5 OBS: a POST without
 * start/end lands "in the next 30-minute slot"). An instant exactly on a slot boundary is its own
 * slot (spec silent; it is not in the past).
 */
export function nextSlotStart(nowMs: number): number {
  return Math.ceil(nowMs / SLOT_MS) * SLOT_MS;
}

/**
 * start/end as stored. Both missing → the next slot, 30 minutes long, in UTC. One missing (spec
 * silent) → it is placed 30 minutes (a day for an all-day event) from the other, in its zone.
 */
function eventSpan(input: EventInput, nowMs: number): { start: EventTime; end: EventTime } {
  const length = input.isAllDay ? DAY_MS : SLOT_MS;
  const start = input.start && { epochMs: input.start.epochMs, zone: input.start.zone };
  const end = input.end && { epochMs: input.end.epochMs, zone: input.end.zone };
  if (start && end) return { start, end };
  if (start) return { start, end: { epochMs: start.epochMs + length, zone: start.zone } };
  if (end) return { start: { epochMs: end.epochMs - length, zone: end.zone }, end };
  const slot = nextSlotStart(nowMs);
  return { start: { epochMs: slot, zone: UTC }, end: { epochMs: slot + SLOT_MS, zone: UTC } };
}

/**
 * Attendees as stored: a new one has not responded yet; one already invited (same address, any
 * casing) keeps the response it gave when a PATCH resends the list.
 */
export function attendeesOf(inputs: readonly AttendeeInput[], previous: readonly Attendee[] = []): Attendee[] {
  const known = new Map(previous.map((a) => [a.emailAddress.address.toLowerCase(), a.status]));
  return inputs.map((a) => ({
    type: a.type,
    status: { ...(known.get(a.emailAddress.address.toLowerCase()) ?? { response: "none", time: NO_RESPONSE_TIME }) },
    emailAddress: { ...a.emailAddress },
  }));
}

/** The property values of an event the owner creates from `input` at `nowMs`. */
export function newEvent(args: { owner: EmailAddress; input: EventInput; nowMs: number }): NewEventValues {
  const { input, owner } = args;
  const { start, end } = eventSpan(input, args.nowMs);
  const body = toStoredBody(input.body ?? { contentType: "html", content: "" });
  const recurrence = input.recurrence ?? null;
  const values: NewEventValues = {
    subject: input.subject ?? "",
    body,
    bodyPreview: bodyPreviewOf(body),
    start,
    end,
    originalStartTimeZone: start.zone.name,
    originalEndTimeZone: end.zone.name,
    isAllDay: input.isAllDay ?? false,
    isCancelled: false,
    isOrganizer: true,
    isDraft: false,
    showAs: input.showAs ?? "busy",
    sensitivity: input.sensitivity ?? "normal",
    importance: input.importance ?? "normal",
    isReminderOn: input.isReminderOn ?? true,
    reminderMinutesBeforeStart: input.reminderMinutesBeforeStart ?? 15,
    responseRequested: input.responseRequested ?? true,
    allowNewTimeProposals: input.allowNewTimeProposals ?? true,
    hideAttendees: input.hideAttendees ?? false,
    isOnlineMeeting: input.isOnlineMeeting ?? false,
    onlineMeetingProvider: input.onlineMeetingProvider ?? "unknown",
    onlineMeeting: null,
    onlineMeetingUrl: null,
    categories: input.categories ?? [],
    hasAttachments: false,
    type: recurrence ? "seriesMaster" : "singleInstance",
    seriesMasterId: null,
    recurrence,
    organizer: { emailAddress: { name: owner.name, address: owner.address } },
    responseStatus: { response: "organizer", time: NO_RESPONSE_TIME },
    attendees: attendeesOf(input.attendees ?? []),
    location: input.location ?? emptyLocation(),
    locations: input.locations ?? [],
  };
  if (input.transactionId !== undefined) values.transactionId = input.transactionId;
  return values;
}
