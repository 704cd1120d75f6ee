import { expect } from "vitest";
import { hydrateEvents, type LocalStore } from "../../src/client/index.js";
import type { Mailbox } from "../../src/domain/index.js";
import type { TestServer } from "../support/harness.js";

// Shared by the events sync suites: a mailbox with singles and a series (with an exception and a
// cancellation) around a window, writes between rounds, and the comparison of the local store's
// calendar view with the server's calendarView of the same window.

export const FROM = "2026-03-01T00:00:00Z";
export const TO = "2026-04-01T00:00:00Z";

const at = (dateTime: string) => ({ dateTime, timeZone: "UTC" });
const hour = (day: string, h: number, subject: string, extra: Record<string, unknown> = {}) => ({
  subject, start: at(`${day}T${String(h).padStart(2, "0")}:00:00`), end: at(`${day}T${String(h + 1).padStart(2, "0")}:00:00`), ...extra,
});

export interface EventsMailbox {
  mailbox: Mailbox;
  token: string;
  /** Named ids: singles s1…, outside o1…, the series master, its occurrences by day. */
  ids: Record<string, string>;
}

async function call(t: Pick<TestServer, "request">, token: string, method: string, path: string, body?: unknown) {
  const res = await t.request(method, `/v1.0/me${path}`, { token, ...(body !== undefined && { body }) });
  expect(res.status, `${method} ${path}: ${res.text.slice(0, 300)}`).toBeLessThan(300);
  return res.body;
}

/** Singles in and out of the window, and a daily series of 6 from 03-10 with an exception (03-11) and a cancellation (03-12). */
export async function seedEvents(t: TestServer, singles = 4): Promise<EventsMailbox> {
  const mailbox = await t.newMailbox("Events Owner");
  const token = await t.userToken(mailbox);
  const ids: Record<string, string> = {};
  for (let i = 1; i <= singles; i++) {
    ids[`s${i}`] = (await call(t, token, "POST", "/events", hour(`2026-03-${String(i + 1).padStart(2, "0")}`, 9, `single ${i}`, { location: { displayName: `Room ${i}` }, body: { contentType: "text", content: `about ${i}` } }))).id;
  }
  ids.o1 = (await call(t, token, "POST", "/events", hour("2026-05-04", 9, "outside 1"))).id;
  ids.o2 = (await call(t, token, "POST", "/events", hour("2026-02-10", 9, "outside 2"))).id;
  const master = await call(t, token, "POST", "/events", {
    ...hour("2026-03-10", 8, "Standup", { location: { displayName: "Hall" } }),
    recurrence: { pattern: { type: "daily", interval: 1 }, range: { type: "numbered", startDate: "2026-03-10", numberOfOccurrences: 6 } },
  });
  ids.master = master.id;
  const occurrences = await call(t, token, "GET", `/events/${master.id}/instances?startDateTime=${FROM}&endDateTime=${TO}`);
  for (const o of occurrences.value) ids[`occ-${o.start.dateTime.slice(5, 10)}`] = o.id;
  await call(t, token, "PATCH", `/events/${ids["occ-03-11"]}`, { subject: "Standup (moved)", start: at("2026-03-11T10:00:00"), end: at("2026-03-11T11:00:00") });
  await call(t, token, "DELETE", `/events/${ids["occ-03-12"]}`);
  return { mailbox, token, ids };
}

/** A burst of writes: a create, edits, moves out of and into the window, a delete, an exception edit. */
export async function writeBurst(t: TestServer, m: EventsMailbox, tag: string): Promise<void> {
  const { token, ids } = m;
  ids[`new-${tag}`] = (await call(t, token, "POST", "/events", hour("2026-03-20", 14, `new ${tag}`))).id;
  await call(t, token, "PATCH", `/events/${ids.s1}`, { subject: `single 1 (${tag})` });
  await call(t, token, "PATCH", `/events/${ids.s2}`, hour("2026-06-01", 9, `moved out ${tag}`)); // out of the window
  await call(t, token, "PATCH", `/events/${ids.o1}`, hour("2026-03-25", 9, `moved in ${tag}`)); // into the window
  await call(t, token, "DELETE", `/events/${ids.s3}`);
  await call(t, token, "PATCH", `/events/${ids["occ-03-11"]}`, { subject: `exception ${tag}` });
  // Keep the next burst's targets: s2/s3 come back as fresh singles, o1 goes back out.
  ids.s2 = (await call(t, token, "POST", "/events", hour("2026-03-03", 9, `single 2 again ${tag}`))).id;
  ids.s3 = (await call(t, token, "POST", "/events", hour("2026-03-04", 9, `single 3 again ${tag}`))).id;
  await call(t, token, "PATCH", `/events/${ids.o1}`, hour("2026-05-05", 9, `outside again ${tag}`));
}

/** A pattern edit of the series master (more occurrences, a new subject every occurrence inherits). */
export async function editPattern(t: TestServer, m: EventsMailbox, subject: string, occurrences: number): Promise<void> {
  await call(t, m.token, "PATCH", `/events/${m.ids.master}`, {
    subject,
    recurrence: { pattern: { type: "daily", interval: 1 }, range: { type: "numbered", startDate: "2026-03-10", numberOfOccurrences: occurrences } },
  });
}

/** What both sides must agree on, per event. */
function comparable(events: Array<Record<string, any>>) {
  return events
    .map((e) => ({
      id: e.id, type: e.type, seriesMasterId: e.seriesMasterId ?? null, subject: e.subject, isCancelled: e.isCancelled ?? false,
      start: e.start, end: e.end, location: e.location?.displayName ?? null, bodyPreview: e.bodyPreview ?? null,
    }))
    .sort((a, b) => (a.id < b.id ? -1 : 1));
}

/** The server's calendarView of the window, every page. */
export async function serverView(t: Pick<TestServer, "request">, m: EventsMailbox): Promise<Array<Record<string, any>>> {
  const res = await t.request("GET", `/v1.0/me/calendarView?startDateTime=${FROM}&endDateTime=${TO}&$top=500`, { token: m.token });
  expect(res.status, res.text).toBe(200);
  expect(res.body["@odata.nextLink"]).toBeUndefined();
  return res.body.value;
}

/** Asserts the store's view equals the server's (of at least `minimum` events); returns the server's count. */
export async function expectInStep(t: Pick<TestServer, "request">, m: EventsMailbox, store: LocalStore, minimum = 4): Promise<number> {
  const server = await serverView(t, m);
  expect(server.length).toBeGreaterThanOrEqual(minimum);
  expect(comparable(hydrateEvents(await store.listEvents()))).toEqual(comparable(server));
  return server.length;
}
