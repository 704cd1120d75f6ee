// Case 7 (issue 9 "Performance", events): calendarView over a full mailbox against the plain
// calendar list on the same server, the cost of expanding an old never-ending series against a
// young one, and the event create rate against the calendar create rate. One graphcal child;
// its mailboxes are provisioned and filled through the domain services (EventService.create, one
// transaction per event, as a POST does), then read and written over HTTP with real tokens.
import { ServerChild } from "./children.js";
import { capture, compare, CONNECTIONS, cpuPerReq, freshDir, out, pairedRatio, ratioLine, RATIO_HEADERS, SERVER_CPU, verdicts, type Series } from "./harness.js";
import type { Target } from "./load.js";
import { fmt, table } from "./report.js";

export const DAY = 86_400_000;
export const SINGLES = 10_000;
export const SERIES = 200;
/** Mailboxes that receive the created events and calendars in 7c (spread so no one mailbox grows much). */
const WRITE_MAILBOXES = 20;
const WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"] as const;
const INDEXES = ["first", "second", "third", "fourth"] as const;
/** Connections for every variant of this case (both sides of each ratio alike); see Variant.connections. */
const EVENT_CONNECTIONS = 8;

interface Provisioned { mailbox: { id: string }; token: string }

/** Graph's dateTimeTimeZone in UTC, whole seconds. */
export const utc = (ms: number) => ({ dateTime: new Date(ms).toISOString().slice(0, 19), timeZone: "UTC" });
const weekdayOf = (ms: number) => WEEKDAYS[(new Date(ms).getUTCDay() + 6) % 7] as string;
const randomInt = (n: number) => Math.floor(Math.random() * n);

/**
 * Single events over two years around now, denser towards now (triangular: the week around now
 * holds about 10,000 / 52 ≈ 190 of them), starting on a quarter hour, 30 to 90 minutes long.
 */
export function singles(nowMs: number, count: number): unknown[] {
  return Array.from({ length: count }, (_, i) => {
    const offset = (Math.random() + Math.random() - 1) * 365 * DAY;
    const start = Math.floor((nowMs + offset) / 900_000) * 900_000;
    return { subject: `bench single ${i}`, start: utc(start), end: utc(start + (1 + randomInt(3)) * 1_800_000) };
  });
}

/** A never-ending series whose first occurrence is at `start` (the pattern is built to match it). */
function series(type: "daily" | "weekly" | "absoluteMonthly" | "relativeMonthly", start: number, i: number): unknown {
  const day = new Date(start).getUTCDate();
  const pattern = type === "daily" ? { type, interval: 1 + (i % 3 === 0 ? 1 : 0) }
    : type === "weekly" ? { type, interval: 1, daysOfWeek: [weekdayOf(start), ...(i % 2 ? [weekdayOf(start + 2 * DAY)] : [])], firstDayOfWeek: "sunday" }
      : type === "absoluteMonthly" ? { type, interval: 1, dayOfMonth: day }
        : { type, interval: 1, daysOfWeek: [weekdayOf(start)], index: INDEXES[Math.min(3, Math.floor((day - 1) / 7))] };
  return {
    subject: `bench series ${i} (${type})`, start: utc(start), end: utc(start + 3_600_000),
    recurrence: { pattern, range: { type: "noEnd", startDate: new Date(start).toISOString().slice(0, 10) } },
  };
}

/** 200 series, a quarter of each type, started between 1 week and 4 years ago at 7:00–18:00 UTC on days 1–28. */
export function manySeries(nowMs: number): unknown[] {
  const types = ["daily", "weekly", "absoluteMonthly", "relativeMonthly"] as const;
  return Array.from({ length: SERIES }, (_, i) => {
    let start = Math.floor((nowMs - (7 + randomInt(4 * 365)) * DAY) / DAY) * DAY + (7 + randomInt(12)) * 3_600_000;
    while (new Date(start).getUTCDate() > 28) start -= DAY;
    return series(types[i % types.length] as (typeof types)[number], start, i);
  });
}

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
/** The week the bench reads: now − 3 days to now + 4 days, on whole hours. */
function weekQuery(nowMs: number): string {
  const from = Math.floor(nowMs / 3_600_000) * 3_600_000 - 3 * DAY;
  const iso = (ms: number) => `${new Date(ms).toISOString().slice(0, 19)}Z`;
  return `startDateTime=${iso(from)}&endDateTime=${iso(from + 7 * DAY)}`;
}

/**
 * The same week shifted by i seconds for i < n: every request names a window of its own, so the
 * server's window cache (domain/cache/window-cache.ts, 1,000 windows) almost never answers and
 * each request expands its window from the store.
 */
function shiftedWeeks(nowMs: number, token: string, n = 20_000): Target[] {
  const from = Math.floor(nowMs / 3_600_000) * 3_600_000 - 3 * DAY;
  const iso = (ms: number) => `${new Date(ms).toISOString().slice(0, 19)}Z`;
  return Array.from({ length: n }, (_, i) => ({
    path: `/v1.0/me/calendarView?startDateTime=${iso(from + i * 1000)}&endDateTime=${iso(from + i * 1000 + 7 * DAY)}`,
    headers: bearer(token),
  }));
}

/** How many items a calendarView holds (one request with $count), checking it answers. */
async function viewCount(server: ServerChild, token: string, query: string): Promise<number> {
  const r = await capture(server.port, { path: `/v1.0/me/calendarView?${query}&$count=true&$top=1`, headers: bearer(token) });
  if (r.status !== 200) throw new Error(`calendarView: status ${r.status}: ${r.body.toString().slice(0, 300)}`);
  return (JSON.parse(r.body.toString()) as { "@odata.count": number })["@odata.count"];
}

export async function caseEvents(): Promise<void> {
  out("\n## Case 7 — events: calendarView over a full mailbox, expansion age of a never-ending series, event vs calendar create rate");
  out(`every variant of case 7 runs with ${EVENT_CONNECTIONS} connections (not ${CONNECTIONS}): a calendarView costs tens of ms, and 50 queued ones outlast a slice.`);
  const server = await ServerChild.start("graphcal:events", { BENCH_DATA_DIR: freshDir("case7") }, SERVER_CPU);
  try {
    await viewCase(server);
    await ageCase(server);
    await createCase(server);
  } finally {
    await server.close();
  }
}

async function viewCase(server: ServerChild): Promise<void> {
  const nowMs = Date.now();
  const [full] = await server.call<Provisioned[]>("provision", { count: 1, prefix: "case7-full-u" });
  if (!full) throw new Error("no mailbox");
  const t0 = performance.now();
  const a = await server.call<{ seconds: number }>("createEvents", { user: full.mailbox.id, bodies: singles(nowMs, SINGLES) });
  const b = await server.call<{ seconds: number }>("createEvents", { user: full.mailbox.id, bodies: manySeries(nowMs) });
  const setup = (performance.now() - t0) / 1000;
  const query = weekQuery(nowMs);
  const items = await viewCount(server, full.token, query);
  out(`\n### 7a — calendarView of one week (${query}) over ${SINGLES.toLocaleString("en-US")} single events + ${SERIES} never-ending series`);
  out(`setup: ${SINGLES.toLocaleString("en-US")} single events (2 years around now, densest this week) created through EventService in `
    + `${a.seconds.toFixed(1)} s (${fmt.int(SINGLES / a.seconds)}/s, one transaction each), ${SERIES} noEnd series (daily, weekly, `
    + `absoluteMonthly, relativeMonthly; started 1 week to 4 years ago) in ${b.seconds.toFixed(2)} s; ${setup.toFixed(1)} s in all. `
    + `The week holds ${items} items (single instances + occurrences); the measured request returns the default page (10, with a nextLink), `
    + "The same week read again is served from the window cache at the mailbox's change seq (as /me/calendars is from its list cache); "
    + "the 'each request a new window' variant shifts the window by a second per request, so the server expands, sorts and pages the "
    + "whole week from the store every time, and serialises 10.");
  const view: Target = { path: `/v1.0/me/calendarView?${query}`, headers: bearer(full.token) };
  const list: Target = { path: "/v1.0/me/calendars", headers: bearer(full.token) };
  const viewLabel = "GET /me/calendarView (1 week, same week re-read)";
  const coldLabel = "GET /me/calendarView (1 week, each request a new window)";
  const listLabel = "GET /me/calendars (same mailbox, baseline)";
  const m = await compare([
    { label: viewLabel, server, connections: EVENT_CONNECTIONS, targets: [view] },
    { label: coldLabel, server, connections: EVENT_CONNECTIONS, targets: shiftedWeeks(nowMs, full.token) },
    { label: listLabel, server, connections: EVENT_CONNECTIONS, targets: [list] },
  ]);
  const v = m.get(viewLabel) as Series;
  const c = m.get(coldLabel) as Series;
  const l = m.get(listLabel) as Series;
  const ratio = pairedRatio(v, l, (r) => r.rps);
  const cold = pairedRatio(c, l, (r) => r.rps);
  out();
  out(table(RATIO_HEADERS, [
    ratioLine("calendarView re-read ÷ calendars (target req/s >= 0.25x)", v, l),
    ratioLine("calendarView new window ÷ calendars (info)", c, l),
  ]));
  verdicts.push({ target: "7a. calendarView 1 week (10k events + 200 series) ÷ GET /me/calendars req/s >= 0.25x", measured: fmt.x(ratio), pass: ratio >= 0.25 });
  verdicts.push({ target: "7a. the same, each request a new window (expanded from the store) ÷ GET /me/calendars req/s", measured: fmt.x(cold), pass: undefined });
}

async function ageCase(server: ServerChild): Promise<void> {
  const nowMs = Date.now();
  const [old, young] = await server.call<Provisioned[]>("provision", { count: 2, prefix: "case7-age-u" });
  if (!old || !young) throw new Error("no mailbox");
  const at = (daysAgo: number) => Math.floor((nowMs - daysAgo * DAY) / DAY) * DAY + 9 * 3_600_000;
  await server.call("createEvents", { user: old.mailbox.id, bodies: [series("daily", at(3653), 0)] });
  await server.call("createEvents", { user: young.mailbox.id, bodies: [series("daily", at(7), 0)] });
  const query = weekQuery(nowMs);
  const counts = [await viewCount(server, old.token, query), await viewCount(server, young.token, query)];
  out("\n### 7b — expansion age: a daily noEnd series started 10 years ago vs one started last week, one-week calendarView each");
  out(`each mailbox holds only its series; the week holds ${counts[0]} / ${counts[1]} occurrences (old / young); every request names a window of its own (shifted by a second), so each expands the series from the store.`);
  const oldLabel = "calendarView, daily series from 10 years ago";
  const youngLabel = "calendarView, daily series from last week";
  const m = await compare([
    // A window of its own per request: the expansion itself is measured, not the window cache.
    { label: oldLabel, server, connections: EVENT_CONNECTIONS, targets: shiftedWeeks(nowMs, old.token) },
    { label: youngLabel, server, connections: EVENT_CONNECTIONS, targets: shiftedWeeks(nowMs, young.token) },
  ]);
  const o = m.get(oldLabel) as Series;
  const y = m.get(youngLabel) as Series;
  const cost = pairedRatio(o, y, cpuPerReq);
  const byRps = pairedRatio(y, o, (r) => r.rps);
  out();
  out(table(RATIO_HEADERS, [ratioLine("old ÷ young", o, y)]));
  out(`cost old ÷ young: server CPU per request ${fmt.x(cost)}, by throughput (young req/s ÷ old req/s) ${fmt.x(byRps)}`);
  verdicts.push({ target: "7b. calendarView cost, 10-year-old ÷ 1-week-old daily noEnd series (server CPU/req) <= 1.5x", measured: fmt.x(cost), pass: cost <= 1.5 });
}

let created = 0;
const RUN_ID = Date.now().toString(36);

async function createCase(server: ServerChild): Promise<void> {
  const writers = await server.call<Provisioned[]>("provision", { count: WRITE_MAILBOXES, prefix: "case7-write-u" });
  const nowMs = Date.now();
  out(`\n### 7c — POST /users/{id}/events vs POST /users/{id}/calendars (${WRITE_MAILBOXES} mailboxes, one picked at random per request)`);
  out("event bodies: subject, start and end (a 30-minute slot in the coming month, UTC); calendar bodies: a unique name. Expect 201.");
  const post = (kind: "events" | "calendars", body: () => unknown): Target[] => writers.map((w) => ({
    path: `/v1.0/users/${w.mailbox.id}/${kind}`, method: "POST", headers: { ...bearer(w.token), "content-type": "application/json" },
    body: () => JSON.stringify(body()),
  }));
  const eventLabel = "POST event";
  const calendarLabel = "POST calendar";
  const m = await compare([
    {
      label: eventLabel, server, connections: EVENT_CONNECTIONS, expectStatus: 201, targets: post("events", () => {
        const start = Math.floor((nowMs + randomInt(30 * DAY)) / 1_800_000) * 1_800_000;
        return { subject: `bench ${RUN_ID} ${++created}`, start: utc(start), end: utc(start + 1_800_000) };
      }),
    },
    { label: calendarLabel, server, connections: EVENT_CONNECTIONS, expectStatus: 201, targets: post("calendars", () => ({ name: `bench ${RUN_ID} ${++created}` })) },
  ]);
  const e = m.get(eventLabel) as Series;
  const c = m.get(calendarLabel) as Series;
  out();
  out(table(RATIO_HEADERS, [ratioLine("event create ÷ calendar create", e, c)]));
  const ratio = pairedRatio(e, c, (r) => r.rps);
  verdicts.push({
    target: "7c. event create ÷ calendar create POST/s (no target)",
    measured: `${fmt.int(e.median.rps)} vs ${fmt.int(c.median.rps)} /s = ${fmt.x(ratio)}`, pass: undefined,
  });
}
