import { afterAll, beforeAll, beforeEach, expect } from "vitest";
import { startTestServer, type TestServer } from "../../support/harness.js";
import { startReceiver, type Receiver } from "./receiver.js";

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

/** Follows a delta round to its deltaLink; returns the items and the link (a path, for inject). */
export async function drainDelta(t: TestServer, token: string, url: string): Promise<{ items: any[]; deltaLink: string }> {
  const items: any[] = [];
  let next = url;
  for (;;) {
    const res = await t.request("GET", next, { token });
    if (res.status !== 200) throw new Error(`delta ${next}: ${res.status} ${res.text}`);
    items.push(...res.body.value);
    const link = (res.body["@odata.nextLink"] ?? res.body["@odata.deltaLink"]) as string;
    const u = new URL(link);
    if (res.body["@odata.deltaLink"]) return { items, deltaLink: u.pathname + u.search };
    next = u.pathname + u.search;
  }
}

export async function adminToken(t: TestServer): Promise<string> {
  return t.appToken(["Graphcal.Admin"]);
}

/**
 * A notify server for the describe block it is called in and, before each test, fresh receivers
 * for change notifications (`hook`) and lifecycle notifications (`lifecycle`). Read them through
 * the returned object: the receivers are replaced for every test.
 */
export function lifecycleSuite(): {
  readonly t: TestServer; readonly hook: Receiver; readonly lifecycle: Receiver;
  /** An admin token minted now: the virtual clock moves hours ahead, and a token minted before a move is expired after it. */
  admin(): Promise<string>;
  /** Moves the virtual clock through the admin API (which runs the poll); with `idle`, waits for the poll and its POSTs. */
  advance(duration: string, options?: { idle?: boolean }): Promise<void>;
} {
  let t: TestServer | undefined;
  let hook: Receiver | undefined;
  let lifecycle: Receiver | undefined;
  beforeAll(async () => {
    t = await startNotifyServer();
  });
  beforeEach(async () => {
    await hook?.close();
    await lifecycle?.close();
    hook = await startReceiver();
    lifecycle = await startReceiver();
  });
  afterAll(async () => {
    await t?.close();
    await hook?.close();
    await lifecycle?.close();
  });
  const ready = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error("lifecycleSuite: used outside a test");
    return value;
  };
  const admin = () => adminToken(ready(t));
  return {
    get t() { return ready(t); },
    get hook() { return ready(hook); },
    get lifecycle() { return ready(lifecycle); },
    admin,
    async advance(duration, options = {}) {
      const res = await ready(t).request("POST", "/_graphcal/clock", { token: await admin(), body: { advance: duration } });
      expect(res.status, res.text).toBe(200);
      if (options.idle) await ready(t).server.notifications.idle();
    },
  };
}
