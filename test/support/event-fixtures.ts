import { expect } from "vitest";
import type { Mailbox } from "../../src/domain/index.js";
import type { TestServer } from "./harness.js";

// Small helpers shared by the event API suites (test/api/events/): a fresh user, zoned times,
// and a POST that must succeed.

/** DateTimeOffset as Graph writes audit times: UTC, seven fractional digits, Z. */
export const UTC_TICKS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{7}Z$/;

export interface User {
  mailbox: Mailbox;
  token: string;
}

/** A fresh mailbox and a Calendars.ReadWrite token for it. */
export async function freshUser(t: TestServer, displayName = "Event Owner"): Promise<User> {
  const mailbox = await t.newMailbox(displayName);
  return { mailbox, token: await t.userToken(mailbox) };
}

/** A dateTimeTimeZone as clients send it. */
export function at(dateTime: string, timeZone = "UTC"): { dateTime: string; timeZone: string } {
  return { dateTime, timeZone };
}

/** POSTs an event and asserts 201; returns the response body. */
export async function postEvent(
  t: TestServer, token: string, body: Record<string, unknown>, path = "/v1.0/me/events",
): Promise<Record<string, any>> {
  const res = await t.request("POST", path, { token, body });
  expect(res.status, res.text.slice(0, 300)).toBe(201);
  return res.body;
}

/** An hour-long event on `day` (YYYY-MM-DD) starting at `hour` UTC. */
export function hourOn(day: string, hour: number, subject = "Meeting"): Record<string, unknown> {
  const hh = String(hour).padStart(2, "0");
  const end = String(hour + 1).padStart(2, "0");
  return { subject, start: at(`${day}T${hh}:00:00`), end: at(`${day}T${end}:00:00`) };
}

/** The id of the mailbox's calendar called `name` (Calendar, Birthdays, …). */
export async function calendarIdNamed(t: TestServer, token: string, name: string): Promise<string> {
  const res = await t.request("GET", "/v1.0/me/calendars?$top=100", { token });
  const found = res.body.value.find((c: any) => c.name === name);
  if (!found) throw new Error(`no calendar named ${name}`);
  return found.id as string;
}

/** The id of the mailbox's default calendar group ("My Calendars"). */
export async function defaultGroupId(t: TestServer, token: string): Promise<string> {
  const res = await t.request("GET", "/v1.0/me/calendarGroups", { token });
  return res.body.value[0].id as string;
}
