import type { Event, Mailbox } from "../model.js";
import type { StoreReader } from "../store.js";
import { compareEvents, matchesEventFilter, type EventFilter, type EventOrder } from "../events/event-query.js";
import type { CalendarRights } from "./calendar-rights.js";
import { eventQueryView } from "./shared-event-view.js";

// An event list's $filter and $orderby for a grantee who sees some events reduced (ADR 0011).
// The SQL store filters on the stored values, which would let `subject eq '…'` probe a subject
// the grantee cannot see; here they read what the grantee sees, in memory. A grantee's query
// covers one shared calendar, not a mailbox.

/** How many events one such query reads at most. */
const SHARED_QUERY_LIMIT = 100_000;

/** The calendar's single instances and series masters matching `filter` as seen with `rights`, ordered by `orderBy`. */
export async function queryAsSeen(reader: StoreReader, args: {
  mailbox: Mailbox; calendarId: string | undefined; filter: EventFilter; orderBy: readonly EventOrder[]; rights?: CalendarRights | undefined;
}): Promise<Event[]> {
  const rows = await reader.listEvents({
    mailboxId: args.mailbox.id, filter: [], orderBy: [], offset: 0, limit: SHARED_QUERY_LIMIT,
    ...(args.calendarId !== undefined && { calendarId: args.calendarId }),
  });
  const order = compareEvents(args.orderBy);
  return rows
    .map((event) => ({ event, view: eventQueryView(event, args.rights) }))
    .filter(({ view }) => matchesEventFilter(view, args.filter))
    .sort((a, b) => order(a.view, b.view))
    .map(({ event }) => event);
}
