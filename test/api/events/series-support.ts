import { expect } from "vitest";
import type { TestResponse, TestServer } from "../../support/harness.js";

// Shared by the series and calendarView suites: a mailbox with a token, creating events and
// series through POST, and reading windows (instances, calendarView) through GET.

export interface Caller {
  t: TestServer;
  token: string;
}

export async function newCaller(t: TestServer): Promise<Caller> {
  const mailbox = await t.newMailbox();
  return { t, token: await t.userToken(mailbox) };
}

export interface EventShape {
  subject?: string;
  /** Local wall-clock "YYYY-MM-DDTHH:mm" in `zone`. */
  start: string;
  end: string;
  zone?: string;
  recurrence?: unknown;
}

export function eventBody(shape: EventShape): Record<string, unknown> {
  const zone = shape.zone ?? "UTC";
  return {
    subject: shape.subject ?? "Event",
    start: { dateTime: `${shape.start}:00`, timeZone: zone },
    end: { dateTime: `${shape.end}:00`, timeZone: zone },
    ...(shape.recurrence !== undefined && { recurrence: shape.recurrence }),
  };
}

/** POSTs an event (or series) to /me/events and returns the created body. */
export async function createEvent(c: Caller, shape: EventShape, path = "/v1.0/me/events"): Promise<any> {
  const res = await c.t.request("POST", path, { token: c.token, body: eventBody(shape) });
  expect(res.status, res.text).toBe(201);
  return res.body;
}

export function windowQuery(from: string, to: string): string {
  return `startDateTime=${encodeURIComponent(from)}&endDateTime=${encodeURIComponent(to)}`;
}

/** GET …/instances over [from, to), rendered in `zone` when given. */
export async function instances(c: Caller, id: string, from: string, to: string, zone?: string): Promise<TestResponse> {
  return c.t.request("GET", `/v1.0/me/events/${id}/instances?${windowQuery(from, to)}`, {
    token: c.token, ...(zone && { headers: { prefer: `outlook.timezone="${zone}"` } }),
  });
}

export async function calendarView(c: Caller, from: string, to: string, options: { path?: string; headers?: Record<string, string> } = {}): Promise<TestResponse> {
  return c.t.request("GET", `${options.path ?? "/v1.0/me/calendarView"}?${windowQuery(from, to)}`, {
    token: c.token, ...(options.headers && { headers: options.headers }),
  });
}

/** The start wall clocks of a page, to the minute ("2026-01-31T09:00"). */
export function starts(res: TestResponse): string[] {
  expect(res.status, res.text).toBe(200);
  return (res.body.value as { start: { dateTime: string } }[]).map((e) => e.start.dateTime.slice(0, 16));
}

export function ids(res: TestResponse): string[] {
  expect(res.status, res.text).toBe(200);
  return (res.body.value as { id: string }[]).map((e) => e.id);
}
