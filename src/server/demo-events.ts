import { formatDateTimeTimeZone, NotFoundError, resolveTimeZone, type Clock, type Event, type EventService, type Mailbox, type MailboxService, type Store } from "../domain/index.js";

// A realistic week of events for the demo mailboxes, relative to the clock's current week, so a
// fresh `npm start` shows a populated calendar whatever the date. Everything goes through
// EventService, so ids, changeKeys and the event change log are exactly what a client's own
// writes would produce.

/** Each demo user's working zone (Windows names, as Outlook stores them). */
export const DEMO_USER_ZONES: Readonly<Record<string, string>> = {
  "samanthab@contoso.com": "Pacific Standard Time",
  "adelev@contoso.com": "W. Europe Standard Time",
  "meganb@contoso.com": "Eastern Standard Time",
  "alexw@contoso.com": "GMT Standard Time",
};

export const DEMO_EVENTS_MARK = "demo.events.v1";
const WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday"];
const DAY_MS = 86400_000;

/** The Monday (UTC date) of the week the clock is in. */
export function demoWeekMonday(nowMs: number): Date {
  const today = new Date(Math.floor(nowMs / DAY_MS) * DAY_MS);
  const sinceMonday = (today.getUTCDay() + 6) % 7;
  return new Date(today.getTime() - sinceMonday * DAY_MS);
}

/** "YYYY-MM-DD" of the week's day `offset` (0 = Monday). */
function day(monday: Date, offset: number): string {
  return new Date(monday.getTime() + offset * DAY_MS).toISOString().slice(0, 10);
}

const at = (date: string, time: string, timeZone: string) => ({ dateTime: `${date}T${time}:00`, timeZone });

/** An instant as Graph's dateTimeTimeZone in a named zone. */
function inZone(epochMs: number, timeZone: string) {
  const zone = resolveTimeZone(timeZone);
  if (!zone) throw new Error(`unknown demo time zone ${timeZone}`);
  return formatDateTimeTimeZone({ epochMs, zone });
}

/** The local date ("YYYY-MM-DD") an event starts on, in its own start zone. */
const startDate = (e: Event) => formatDateTimeTimeZone({ epochMs: e.start.epochMs, zone: e.start.zone }).dateTime.slice(0, 10);

/**
 * Seeds the demo week once per store: skipped when the mark is set (one read on every later
 * start), and per mailbox only when it has no events yet, so a store seeded before events
 * existed gets them and a user's own calendar is never touched. Creates carry fixed
 * transactionIds, so instances seeding the same store at once still create each event once.
 */
export async function seedDemoEvents(deps: {
  store: Store; mailboxes: MailboxService; events: EventService; clock: Clock; userPrincipalNames: readonly string[];
}): Promise<boolean> {
  if ((await deps.store.getSetting(DEMO_EVENTS_MARK)) !== undefined) return false;
  const monday = demoWeekMonday(deps.clock.nowMs());
  const users: Mailbox[] = [];
  for (const upn of deps.userPrincipalNames) {
    const user = await deps.mailboxes.findUser(upn);
    if (user) users.push(user);
  }
  for (const user of users) {
    const existing = await deps.store.countEvents({ mailboxId: user.id, filter: [] });
    if (existing > 0) continue;
    await seedWeek(deps.events, user, users.filter((u) => u.id !== user.id), monday);
  }
  await deps.store.transaction((tx) => tx.putSettingIfAbsent(DEMO_EVENTS_MARK, "done"));
  return true;
}

async function seedWeek(events: EventService, me: Mailbox, colleagues: readonly Mailbox[], monday: Date): Promise<void> {
  const zone = DEMO_USER_ZONES[me.userPrincipalName] ?? "UTC";
  const mailbox = me;
  const scope = {};
  const create = (key: string, body: Record<string, unknown>) =>
    events.create({ mailbox, scope, apiVersion: "v1.0", body: { ...body, transactionId: `graphcal-demo-${key}` } });
  const attendee = (u: Mailbox, type: "required" | "optional") =>
    ({ type, emailAddress: { name: u.displayName, address: u.mail ?? u.userPrincipalName } });

  // The daily standup: every weekday at 09:30 in the user's zone, no end.
  const standup = await create("standup", {
    subject: "Daily standup",
    body: { contentType: "text", content: "What I did, what I'll do, what blocks me." },
    start: at(day(monday, 0), "09:30", zone),
    end: at(day(monday, 0), "09:45", zone),
    location: { displayName: "Teams" },
    recurrence: {
      pattern: { type: "weekly", interval: 1, daysOfWeek: WEEKDAYS, firstDayOfWeek: "monday" },
      range: { type: "noEnd", startDate: day(monday, 0), recurrenceTimeZone: zone },
    },
  });
  const window = { startMs: monday.getTime() - DAY_MS, endMs: monday.getTime() + 8 * DAY_MS };
  const week = await events.instances({ mailbox, scope, eventId: standup.id, window });
  const tuesday = week.find((o) => startDate(o) === day(monday, 1));
  const thursday = week.find((o) => startDate(o) === day(monday, 3));
  // Tuesday's standup moves after the all-hands and is renamed: an exception.
  if (tuesday) {
    await events.update({
      mailbox, scope, eventId: tuesday.id, apiVersion: "v1.0",
      body: { subject: "Daily standup (after all-hands)", start: at(day(monday, 1), "11:00", zone), end: at(day(monday, 1), "11:15", zone) },
    });
  }
  // Thursday's is cancelled (a concurrent seeder may have cancelled it already).
  if (thursday) {
    await events.delete({ mailbox, scope, eventId: thursday.id }).catch((error: unknown) => {
      if (!(error instanceof NotFoundError)) throw error;
    });
  }

  await create("offsite", {
    subject: "Team offsite", isAllDay: true, showAs: "oof",
    start: at(day(monday, 2), "00:00", zone), end: at(day(monday, 3), "00:00", zone),
    location: { displayName: "Lakeside Lodge" },
  });
  // A meeting across zones: Tuesday 16:00–17:00 UTC, its start stated in the organizer's zone
  // and its end in the first colleague's (08:00 Pacific is 17:00 in Berlin).
  const far = DEMO_USER_ZONES[colleagues[0]?.userPrincipalName ?? ""] ?? "UTC";
  const planningStart = monday.getTime() + DAY_MS + 16 * 3600_000;
  await create("planning", {
    subject: "Quarterly planning", importance: "high",
    body: { contentType: "html", content: "<p>Roadmap review and <b>next quarter's</b> goals.</p>" },
    start: inZone(planningStart, zone), end: inZone(planningStart + 3600_000, far),
    location: { displayName: "Conference Room Rainier", locationType: "conferenceRoom" },
    attendees: colleagues.map((c, i) => attendee(c, i < 2 ? "required" : "optional")),
  });
  await create("one-on-one", {
    subject: `1:1 with ${colleagues[0]?.givenName ?? "a colleague"}`,
    start: at(day(monday, 3), "14:00", zone), end: at(day(monday, 3), "14:30", zone),
    ...(colleagues[0] && { attendees: [attendee(colleagues[0], "required")] }),
  });
  await create("lunch", {
    subject: "Lunch & learn: Graph calendars", showAs: "tentative",
    start: at(day(monday, 4), "12:00", zone), end: at(day(monday, 4), "13:00", zone),
    location: { displayName: "Cafeteria" },
  });
}
