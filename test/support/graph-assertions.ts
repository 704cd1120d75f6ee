import { expect } from "vitest";
import type { TestResponse, TestServer } from "./harness.js";
import type { Calendar, Mailbox } from "../../src/domain/index.js";

// Assertions and small fixtures shared by the API suites (calendars, groups, users, auth,
// bad input, headers). Test-only; reaches src only through public services.

/** Graph's response content type, verbatim (spec §2.5). */
export const GRAPH_CONTENT_TYPE =
  "application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8";

export const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Asserts a Graph error response: the status, the code, and the full body shape of spec §8.1,
 * with the innerError ids equal to the response's correlation headers.
 */
export function expectGraphError(res: TestResponse, status: number, code: string, message?: string | RegExp): void {
  const context = `${status} ${code} expected, got ${res.status}: ${res.text.slice(0, 300)}`;
  expect(res.status, context).toBe(status);
  expect(res.headers["content-type"], context).toBe(GRAPH_CONTENT_TYPE);
  expect(Object.keys(res.body ?? {}), context).toEqual(["error"]);
  expect(res.body.error, context).toEqual({
    code,
    message: expect.any(String),
    innerError: {
      date: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/),
      "request-id": expect.stringMatching(GUID),
      "client-request-id": expect.any(String),
    },
  });
  expect(res.body.error.message.length, context).toBeGreaterThan(0);
  if (typeof message === "string") expect(res.body.error.message, context).toBe(message);
  else if (message) expect(res.body.error.message, context).toMatch(message);
  expect(res.body.error.innerError["request-id"], context).toBe(res.headers["request-id"]);
  expect(res.body.error.innerError["client-request-id"], context).toBe(res.headers["client-request-id"]);
}

/** The path and query of an absolute link the server emitted, to follow it through inject. */
export function pathOf(link: string): string {
  const url = new URL(link);
  return `${url.pathname}${url.search}`;
}

/** Creates a calendar straight through the service (fixtures that are not under test). */
export async function seedCalendar(t: TestServer, mailbox: Mailbox, name: string): Promise<Calendar> {
  return t.server.services.calendars.create({ mailbox, body: { name }, apiVersion: "beta" });
}

/** A response body without its @odata.context, for comparing the same entity across requests. */
export function entityOf(body: Record<string, unknown>): Record<string, unknown> {
  const { "@odata.context": _context, ...rest } = body;
  void _context;
  return rest;
}
