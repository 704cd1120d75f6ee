import { startTestServer, type TestServer } from "../../support/harness.js";

// What the notification suites share: a test server whose dispatcher runs (an in-process server
// is never listened on, so it is started here) with a short poll, and a subscription body.

export const NOTIFY_ENV = { NOTIFY_POLL_MS: "20", NOTIFY_VALIDATION_TIMEOUT_MS: "300", NOTIFY_DELIVERY_TIMEOUT_MS: "300" };

export async function startNotifyServer(options: Parameters<typeof startTestServer>[0] = {}): Promise<TestServer> {
  const t = await startTestServer({ ...options, env: { ...NOTIFY_ENV, ...options.env } });
  t.server.notifications.start();
  return t;
}

/** An expiry `minutes` from the test server's (virtual) now. */
export function inMinutes(t: TestServer, minutes: number): string {
  return new Date(t.clock.now().getTime() + minutes * 60_000).toISOString();
}

export function subscriptionBody(t: TestServer, overrides: Record<string, unknown> & { notificationUrl: string }): Record<string, unknown> {
  return {
    changeType: "created,updated,deleted", resource: "me/events", expirationDateTime: inMinutes(t, 60), clientState: "secret", ...overrides,
  };
}

export const eventBody = (subject: string, day = 10) => ({
  subject,
  start: { dateTime: `2026-12-${String(day).padStart(2, "0")}T09:00:00`, timeZone: "UTC" },
  end: { dateTime: `2026-12-${String(day).padStart(2, "0")}T10:00:00`, timeZone: "UTC" },
});
