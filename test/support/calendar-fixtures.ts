// Calendars made and compared for the sync suites: writes go through the service layer of an
// in-process server (as fast as it gets), reads through the HTTP API (what a client sees).
import type { Mailbox } from "../../src/domain/index.js";
import type { TestServer } from "./harness.js";

/** Drops `@odata.*` annotations and sorts by id: the shape a sync store holds. */
export function comparable(calendars: Array<Record<string, unknown>>): Array<Record<string, unknown>> {
  return calendars
    .map((c) => Object.fromEntries(Object.entries(c).filter(([k]) => !k.includes("@"))))
    .sort((a, b) => (String(a.id) < String(b.id) ? -1 : String(a.id) > String(b.id) ? 1 : 0));
}

/** GET /beta/users/{id}/calendars with every page, as `comparable` shapes. */
export async function serverCalendars(t: TestServer, mailbox: Mailbox, token: string): Promise<Array<Record<string, unknown>>> {
  const all: Array<Record<string, unknown>> = [];
  let url: string | undefined = `/beta/users/${mailbox.id}/calendars?$top=1000`;
  while (url) {
    const res = await t.request("GET", url, { token });
    if (res.status !== 200) throw new Error(`list calendars: ${res.status} ${res.text}`);
    all.push(...res.body.value);
    url = res.body["@odata.nextLink"] && new URL(res.body["@odata.nextLink"]).pathname + new URL(res.body["@odata.nextLink"]).search;
  }
  return comparable(all);
}

export async function createCalendars(t: TestServer, mailbox: Mailbox, count: number, prefix: string): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const calendar = await t.server.services.calendars.create({ mailbox, body: { name: `${prefix}-${i}` }, apiVersion: "beta" });
    ids.push(calendar.id);
  }
  return ids;
}

/** A burst of changes: renames/recolours `update` calendars, deletes `remove`, creates `create`. */
export async function mutate(t: TestServer, mailbox: Mailbox, args: { ids: string[]; update: number; remove: number; create: number; tag: string }): Promise<string[]> {
  const ids = [...args.ids];
  for (const calendarId of ids.slice(0, args.update)) {
    await t.server.services.calendars.update({ mailbox, target: { calendarId }, body: { name: `${args.tag}-${calendarId.slice(-6)}`, color: "lightRed" }, apiVersion: "beta" });
  }
  for (const calendarId of ids.splice(args.update, args.remove)) {
    await t.server.services.calendars.delete({ mailbox, target: { calendarId } });
  }
  return [...ids, ...await createCalendars(t, mailbox, args.create, args.tag)];
}
