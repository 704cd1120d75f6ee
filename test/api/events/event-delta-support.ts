import { expect } from "vitest";
import type { TestResponse, TestServer } from "../../support/harness.js";

// Shared by the calendarView/delta suites (test/api/events/event-delta*.test.ts): a fresh user,
// events written through HTTP, page-shape checks, and a client that follows a round to its end
// the way the docs describe (upsert items by id, drop @removed ones).

export type Json = Record<string, any>;

/** The window most tests sync: one December week (the clock starts on 2026-11-25). */
export const WIN = { from: "2026-12-01T00:00:00Z", to: "2026-12-08T00:00:00Z" } as const;

export const SKELETON_KEYS = ["@odata.etag", "@odata.type", "end", "id", "seriesMasterId", "start", "type"];

export interface User {
  t: TestServer;
  token: string;
  mailboxId: string;
}

export async function newUser(t: TestServer, scopes?: string[]): Promise<User> {
  const mailbox = await t.newMailbox();
  return { t, mailboxId: mailbox.id, token: await t.userToken(mailbox, scopes ?? ["Calendars.ReadWrite", "User.Read"]) };
}

export function pathOf(link: string): string {
  if (!/^https?:\/\//.test(link)) return link;
  const url = new URL(link);
  return `${url.pathname}${url.search}`;
}

export function windowQuery(from: string = WIN.from, to: string = WIN.to): string {
  return `startDateTime=${encodeURIComponent(from)}&endDateTime=${encodeURIComponent(to)}`;
}

/** The initial URL of calendarView/delta under `base` (e.g. /v1.0/me, /v1.0/me/calendars/{id}). */
export function deltaUrl(base = "/v1.0/me", extra = "", from?: string, to?: string): string {
  return `${base}/calendarView/delta?${windowQuery(from, to)}${extra}`;
}

/** An event body: `start`/`end` are UTC wall clocks "YYYY-MM-DDTHH:mm". */
export function eventBody(start: string, end: string, subject = "Event", extra: Json = {}): Json {
  return { subject, start: { dateTime: `${start}:00`, timeZone: "UTC" }, end: { dateTime: `${end}:00`, timeZone: "UTC" }, ...extra };
}

/** A daily series of `count` one-hour occurrences from `startDate` at `hour` UTC. */
export function dailySeries(startDate: string, count: number, subject = "Daily", hour = 9): Json {
  const hh = String(hour).padStart(2, "0");
  const end = String(hour + 1).padStart(2, "0");
  return eventBody(`${startDate}T${hh}:00`, `${startDate}T${end}:00`, subject, {
    recurrence: { pattern: { type: "daily", interval: 1 }, range: { type: "numbered", startDate, numberOfOccurrences: count } },
  });
}

export async function send(u: User, method: string, url: string, body?: unknown, expected?: number): Promise<TestResponse> {
  const res = await u.t.request(method, url, { token: u.token, ...(body !== undefined && { body }) });
  if (expected !== undefined) expect(res.status, `${method} ${url}: ${res.text.slice(0, 300)}`).toBe(expected);
  return res;
}

export async function create(u: User, body: Json, path = "/v1.0/me/events"): Promise<Json> {
  return (await send(u, "POST", path, body, 201)).body;
}

export async function patch(u: User, id: string, body: Json): Promise<Json> {
  return (await send(u, "PATCH", `/v1.0/me/events/${id}`, body, 200)).body;
}

export async function remove(u: User, id: string): Promise<void> {
  await send(u, "DELETE", `/v1.0/me/events/${id}`, undefined, 204);
}

/** The occurrences (and exceptions) of a series in [from, to), in start order. */
export async function instancesOf(u: User, masterId: string, from: string = WIN.from, to: string = WIN.to): Promise<Json[]> {
  const res = await send(u, "GET", `/v1.0/me/events/${masterId}/instances?${windowQuery(from, to)}&$top=1000`, undefined, 200);
  return res.body.value;
}

/** GET {base}/calendarView over the window, every page: what a complete sync must end with. */
export async function calendarViewAll(u: User, base = "/v1.0/me", from?: string, to?: string): Promise<Json[]> {
  const out: Json[] = [];
  let url: string | undefined = `${base}/calendarView?${windowQuery(from, to)}&$top=1000`;
  while (url) {
    const res = await send(u, "GET", pathOf(url), undefined, 200);
    out.push(...res.body.value);
    url = res.body["@odata.nextLink"];
  }
  return out;
}

/** What every calendarView/delta page must look like (spec §3.4): exactly one link, typed items. */
export function expectEventDeltaPage(body: Json, apiVersion = "v1.0"): void {
  expect(Array.isArray(body.value)).toBe(true);
  const next = typeof body["@odata.nextLink"] === "string";
  const delta = typeof body["@odata.deltaLink"] === "string";
  expect(next !== delta, "exactly one of nextLink and deltaLink").toBe(true);
  expect(body["@odata.context"]).toMatch(new RegExp(`^https?://[^/]+/${apiVersion.replace(".", "\\.")}/\\$metadata#Collection\\(event\\)$`));
  const link = (body["@odata.nextLink"] ?? body["@odata.deltaLink"]) as string;
  expect(link).toMatch(new RegExp(`^https?://[^/]+/${apiVersion.replace(".", "\\.")}/.+/calendarView/delta\\?\\$(skiptoken|deltatoken)=[A-Za-z0-9_.-]+$`));
  expect(link.includes("$skiptoken")).toBe(next);
  for (const item of body.value as Json[]) {
    expect(item["@odata.type"]).toBe("#microsoft.graph.event");
    expect(typeof item.id).toBe("string");
    if ("@removed" in item) expect(item).toEqual({ "@odata.type": "#microsoft.graph.event", id: item.id, "@removed": { reason: "deleted" } });
    else expect(item["@odata.etag"]).toMatch(/^W\/".+"$/);
  }
}

export const isRemoved = (item: Json): boolean => "@removed" in item;
export const removedIds = (items: Json[]): string[] => items.filter(isRemoved).map((i) => i.id as string).sort();
export const liveIds = (items: Json[]): string[] => items.filter((i) => !isRemoved(i)).map((i) => i.id as string).sort();

export interface Round {
  pages: Json[];
  items: Json[];
  ids: string[];
  deltaLink: string;
}

/**
 * A client as the docs describe one: follows nextLinks to a deltaLink, upserts by id, drops
 * `@removed`, keeps the deltaLink. Asserts the page shape and that no id comes twice in a round.
 */
export class EventDeltaClient {
  readonly state = new Map<string, Json>();
  deltaLink: string | undefined;

  constructor(readonly u: User, readonly initialUrl: string, readonly apiVersion = "v1.0") {}

  async round(options: { pageSize?: number; headers?: Record<string, string>; between?: (page: number) => Promise<void> } = {}): Promise<Round> {
    const headers: Record<string, string> = { ...options.headers };
    if (options.pageSize !== undefined) headers.prefer = [headers.prefer, `odata.maxpagesize=${options.pageSize}`].filter(Boolean).join(", ");
    const pages: Json[] = [];
    let url: string | undefined = this.deltaLink ?? this.initialUrl;
    while (url) {
      if (pages.length > 0) await options.between?.(pages.length - 1);
      const res = await this.u.t.request("GET", pathOf(url), { token: this.u.token, headers });
      expect(res.status, res.text.slice(0, 400)).toBe(200);
      expectEventDeltaPage(res.body, this.apiVersion);
      for (const item of res.body.value as Json[]) {
        if (isRemoved(item)) this.state.delete(item.id);
        else this.state.set(item.id, item);
      }
      pages.push(res.body);
      url = res.body["@odata.nextLink"];
      if (pages.length > 1000) throw new Error("round does not end");
    }
    const items = pages.flatMap((p) => p.value as Json[]);
    const ids = items.map((i) => i.id as string);
    expect(new Set(ids).size, `an id was served twice in one round: ${ids.join(",")}`).toBe(ids.length);
    this.deltaLink = (pages.at(-1) as Json)["@odata.deltaLink"];
    return { pages, items, ids, deltaLink: this.deltaLink as string };
  }

  ids(): string[] {
    return [...this.state.keys()].sort();
  }
}
