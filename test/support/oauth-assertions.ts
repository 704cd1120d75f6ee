import { expect } from "vitest";
import type { TestResponse, TestServer } from "./harness.js";

// The token endpoint's requests and Entra's error shape, for the identity suites.

/** A form-encoded token request (`t.request("POST", url, tokenForm({...}))`). */
export function tokenForm(fields: Record<string, string>, headers: Record<string, string> = {}) {
  return {
    payload: new URLSearchParams(fields).toString(),
    headers: { "content-type": "application/x-www-form-urlencoded", ...headers },
  };
}

/**
 * Entra's error shape: the AADSTS number leads the description and is repeated in
 * error_codes; the timestamp ("YYYY-MM-DD HH:MM:SSZ") is the server clock's, and the ids are
 * the response's correlation headers. No token ever comes with it.
 */
export function expectOAuthError(t: TestServer, res: TestResponse, expected: { status: number; error: string; aadsts: number; description?: RegExp }): void {
  expect(res.status, res.text).toBe(expected.status);
  expect(res.body, res.text).toEqual({
    error: expected.error, error_description: expect.stringMatching(new RegExp(`^AADSTS${expected.aadsts}: `)), error_codes: [expected.aadsts],
    timestamp: expect.stringMatching(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}Z$/),
    trace_id: res.headers["request-id"], correlation_id: res.headers["client-request-id"],
  });
  if (expected.description) expect(res.body.error_description).toMatch(expected.description);
  expect(Date.parse(res.body.timestamp.replace(" ", "T"))).toBe(Math.floor(t.clock.now().getTime() / 1000) * 1000);
  expect(res.headers["content-type"]).toBe("application/json; charset=utf-8");
  expect(res.headers["cache-control"]).toBe("no-store");
}
