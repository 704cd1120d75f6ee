// Exports a synced events store as an iCalendar file (RFC 5545, via ical-generator): what the
// store's calendar view holds — single instances, exceptions, occurrences hydrated from their
// master — one VEVENT each, times in UTC. Series masters are not exported as RRULEs: the store
// holds a window, and the expanded instances inside it are exactly what the window shows.
// ical-generator, Temporal and windows-iana load lazily, on export only.
import { hydrateEvents } from "./event-view.js";
import type { EventRecord } from "./local-store.js";

interface GraphDateTime {
  dateTime: string;
  timeZone?: string;
}

const UTC_NAMES = new Set(["utc", "etc/utc", "gmt", "etc/gmt", "tzone://microsoft/utc", "coordinated universal time"]);

/** A Graph dateTimeTimeZone as an instant: zone names may be IANA or Windows ("W. Europe Standard Time"). */
async function instantOf(value: unknown): Promise<Date | undefined> {
  const { dateTime, timeZone } = (value ?? {}) as Partial<GraphDateTime>;
  if (typeof dateTime !== "string") return undefined;
  const wall = dateTime.replace(/(\.\d{3})\d*$/, "$1"); // Graph sends 7 fractional digits
  if (timeZone === undefined || UTC_NAMES.has(timeZone.toLowerCase())) return new Date(`${wall}Z`);
  const { Temporal } = await import("temporal-polyfill");
  const { findIana } = await import("windows-iana");
  const zone = findIana(timeZone)[0] ?? timeZone;
  const epoch = Temporal.PlainDateTime.from(wall).toZonedDateTime(zone).epochMilliseconds;
  return new Date(epoch);
}

const text = (value: unknown): string | undefined => (typeof value === "string" && value !== "" ? value : undefined);

/**
 * The events of `stored` (as {@link LocalStore.listEvents} returns them) as an iCalendar text.
 * UID is the event's `iCalUId` where it has one, else its Graph id (hydrated occurrences have
 * no iCalUId of their own).
 *
 * @example
 * await writeFile("calendar.ics", await eventsToIcs(await store.listEvents()));
 */
export async function eventsToIcs(stored: readonly EventRecord[], options: { name?: string } = {}): Promise<string> {
  const { default: ical, ICalEventStatus } = await import("ical-generator");
  const calendar = ical({ name: options.name ?? "graphcal", prodId: { company: "graphcal", product: "sync", language: "EN" } });
  for (const event of hydrateEvents(stored)) {
    const start = await instantOf(event.start);
    const end = await instantOf(event.end);
    if (start === undefined) continue; // a skeleton without times cannot be placed
    const location = (event.location ?? {}) as { displayName?: unknown };
    calendar.createEvent({
      id: text(event.iCalUId) ?? event.id,
      start,
      end: end ?? start,
      timezone: "UTC",
      summary: text(event.subject) ?? "",
      location: text(location.displayName) ?? null,
      description: text(event.bodyPreview) ?? null,
      status: event.isCancelled === true ? ICalEventStatus.CANCELLED : null,
    });
  }
  return calendar.toString();
}
