import { Temporal } from "temporal-polyfill";
import type { Event } from "../model.js";
import { attendeesOf, type EventTime } from "./event-defaults.js";
import { checkEventSpan, type EventInput } from "./event-input.js";
import { bodyPreviewOf, toStoredBody } from "./item-body.js";
import { formatDateTimeTimeZone, type ZonedTime } from "./time/date-time-time-zone.js";

// A PATCH applied to a stored event: the properties the body carried replace the current ones,
// the rest stay. Identity and bookkeeping (changeKey, times, seq, type) are the service's.

/** A stored time with its wall clock, as the span rules read it. */
function zoned(time: EventTime): ZonedTime {
  const wallClock = Temporal.Instant.fromEpochMilliseconds(time.epochMs).toZonedDateTimeISO(time.zone.iana).toPlainDateTime();
  return { epochMs: time.epochMs, zone: time.zone, wallClock };
}

/** `current` with `input` applied; throws the span rules' ValidationError on the merged values. */
export function applyEventInput(current: Event, input: EventInput): Event {
  const next: Event = { ...current };
  if (input.subject !== undefined) next.subject = input.subject;
  if (input.body !== undefined) {
    next.body = toStoredBody(input.body);
    next.bodyPreview = bodyPreviewOf(next.body);
  }
  if (input.start !== undefined) {
    next.start = { epochMs: input.start.epochMs, zone: input.start.zone };
    next.originalStartTimeZone = input.start.zone.name;
  }
  if (input.end !== undefined) {
    next.end = { epochMs: input.end.epochMs, zone: input.end.zone };
    next.originalEndTimeZone = input.end.zone.name;
  }
  if (input.isAllDay !== undefined) next.isAllDay = input.isAllDay;
  if (input.location !== undefined) next.location = input.location;
  if (input.locations !== undefined) next.locations = input.locations;
  if (input.attendees !== undefined) next.attendees = attendeesOf(input.attendees, current.attendees);
  if (input.showAs !== undefined) next.showAs = input.showAs;
  if (input.sensitivity !== undefined) next.sensitivity = input.sensitivity;
  if (input.importance !== undefined) next.importance = input.importance;
  if (input.isReminderOn !== undefined) next.isReminderOn = input.isReminderOn;
  if (input.reminderMinutesBeforeStart !== undefined) next.reminderMinutesBeforeStart = input.reminderMinutesBeforeStart;
  if (input.responseRequested !== undefined) next.responseRequested = input.responseRequested;
  if (input.allowNewTimeProposals !== undefined) next.allowNewTimeProposals = input.allowNewTimeProposals;
  if (input.hideAttendees !== undefined) next.hideAttendees = input.hideAttendees;
  if (input.categories !== undefined) next.categories = input.categories;
  if (input.isOnlineMeeting !== undefined) next.isOnlineMeeting = input.isOnlineMeeting;
  if (input.onlineMeetingProvider !== undefined) next.onlineMeetingProvider = input.onlineMeetingProvider;
  if (input.recurrence !== undefined) next.recurrence = input.recurrence;
  // A PATCH may send only one of start/end/isAllDay: the rules hold for the result.
  checkEventSpan({ isAllDay: next.isAllDay, start: zoned(next.start), end: zoned(next.end) });
  return next;
}

/** Whether an edit moves where the series' occurrences fall (their original starts). */
export function movesOccurrences(before: Event, after: Event): boolean {
  return before.start.epochMs !== after.start.epochMs
    || before.end.epochMs !== after.end.epochMs
    || before.start.zone.iana !== after.start.zone.iana
    || JSON.stringify(before.recurrence) !== JSON.stringify(after.recurrence);
}

/**
 * Beta's occurrenceId: `OID.{seriesMasterId}.{date of the original start}`, null outside a
 * series. The date is read in the event's own start zone (the series' zone; unconfirmed). Here,
 * not in the serialiser, so the read-only check of a PATCH echo sees the value the client read.
 * see: https://learn.microsoft.com/graph/api/resources/event?view=graph-rest-beta (occurrenceId)
 */
export function occurrenceIdOf(event: Event): string | null {
  if ((event.type !== "occurrence" && event.type !== "exception") || event.seriesMasterId === null || event.originalStart === null) return null;
  const date = formatDateTimeTimeZone({ epochMs: event.originalStart, zone: event.start.zone }).dateTime.slice(0, 10);
  return `OID.${event.seriesMasterId}.${date}`;
}

/**
 * The stored event as checkReadOnly compares a body's read-only members with it: with the
 * computed occurrenceId. (Echoed date-times were turned into epoch ms by parseEventInput.)
 */
export function readOnlyView(event: Event): Record<string, unknown> {
  return { ...event, occurrenceId: occurrenceIdOf(event) };
}
