import { describe, expect, it } from "vitest";
import { useTestServer, type TestResponse } from "../../support/harness.js";
import { expectGraphError } from "../../support/graph-assertions.js";
import { APP_ROLES, DELEGATED_SCOPES, SHARE_ROLES, type Allows } from "../../support/scopes.js";
import { EVENT_DETAIL_PROPERTIES, type Mailbox } from "../../../src/domain/index.js";

// The permission matrix of spec §3.3–3.4 applied to events: the same grants as calendars decide
// reads and writes (delegated own / shared, application roles), and Calendars.ReadBasic alone
// reads events without their details (body, bodyPreview, attendees, location(s), onlineMeeting).

const HOUR = 3_600_000;
const DEC1 = Date.UTC(2026, 11, 1, 9, 0, 0);
const WINDOW = "startDateTime=2026-11-30T00:00:00Z&endDateTime=2026-12-10T00:00:00Z";
const DENIED = "Access is denied. Check credentials and try again.";

function at(ms: number): { dateTime: string; timeZone: string } {
  return { dateTime: new Date(ms).toISOString().slice(0, 19), timeZone: "UTC" };
}

/** Scopes and roles that read events in full (Calendars.ReadBasic / ReadBasic.All alone do not). */
const FULL_DETAIL = new Set(["Calendars.Read", "Calendars.ReadWrite", "Calendars.Read.Shared", "Calendars.ReadWrite.Shared"]);

interface Target { mailbox: Mailbox; ownerToken: string; path: string; single: string; master: string; occurrences: string[] }

interface Op {
  name: string;
  write: boolean;
  ok: number;
  send(x: Target, token: string): Promise<TestResponse>;
  /** The events a successful read answers with (for the ReadBasic projection check). */
  events?(res: TestResponse): any[];
}

describe("events: permission matrix", () => {
  const t = useTestServer();

  const OPS: Op[] = [
    { name: "list events", write: false, ok: 200, send: (x, token) => t.request("GET", `/v1.0/${x.path}/events`, { token }), events: (r) => r.body.value },
    { name: "get event", write: false, ok: 200, send: (x, token) => t.request("GET", `/v1.0/${x.path}/events/${x.single}`, { token }), events: (r) => [r.body] },
    { name: "get occurrence", write: false, ok: 200, send: (x, token) => t.request("GET", `/v1.0/${x.path}/events/${x.occurrences[1]}`, { token }), events: (r) => [r.body] },
    { name: "instances", write: false, ok: 200, send: (x, token) => t.request("GET", `/v1.0/${x.path}/events/${x.master}/instances?${WINDOW}`, { token }), events: (r) => r.body.value },
    { name: "calendarView", write: false, ok: 200, send: (x, token) => t.request("GET", `/v1.0/${x.path}/calendarView?${WINDOW}`, { token }), events: (r) => r.body.value },
    { name: "calendar's calendarView", write: false, ok: 200, send: (x, token) => t.request("GET", `/beta/${x.path}/calendar/calendarView?${WINDOW}`, { token }), events: (r) => r.body.value },
    { name: "create event", write: true, ok: 201, send: (x, token) => t.request("POST", `/v1.0/${x.path}/events`, { token, body: { subject: "New" } }) },
    { name: "update event", write: true, ok: 200, send: (x, token) => t.request("PATCH", `/v1.0/${x.path}/events/${x.single}`, { token, body: { subject: "Changed" } }) },
    { name: "occurrence → exception", write: true, ok: 200, send: (x, token) => t.request("PATCH", `/v1.0/${x.path}/events/${x.occurrences[1]}`, { token, body: { subject: "Exc" } }) },
    { name: "cancel occurrence", write: true, ok: 204, send: (x, token) => t.request("DELETE", `/v1.0/${x.path}/events/${x.occurrences[2]}`, { token }) },
    { name: "delete event", write: true, ok: 204, send: (x, token) => t.request("DELETE", `/v1.0/${x.path}/events/${x.single}`, { token }) },
  ];

  /** A mailbox with a detailed single event and a daily series, addressed at `path`. */
  async function targetOf(mailbox: Mailbox, path: (m: Mailbox) => string): Promise<Target> {
    const token = await t.userToken(mailbox);
    const single = await t.request("POST", "/v1.0/me/events", {
      token, body: {
        subject: "Detailed", start: at(DEC1), end: at(DEC1 + HOUR), body: { contentType: "html", content: "<p>Secret agenda</p>" },
        location: { displayName: "Room 1" }, attendees: [{ emailAddress: { address: "a@example.com", name: "A" }, type: "required" }],
      },
    });
    expect(single.status).toBe(201);
    const master = await t.request("POST", "/v1.0/me/events", {
      token, body: {
        subject: "Daily", start: at(DEC1 + 2 * HOUR), end: at(DEC1 + 3 * HOUR), body: { contentType: "text", content: "Series body" },
        recurrence: { pattern: { type: "daily", interval: 1 }, range: { type: "numbered", startDate: "2026-12-01", numberOfOccurrences: 3 } },
      },
    });
    expect(master.status).toBe(201);
    const occ = await t.request("GET", `/v1.0/me/events/${master.body.id}/instances?${WINDOW}`, { token });
    return { mailbox, ownerToken: token, path: path(mailbox), single: single.body.id, master: master.body.id, occurrences: occ.body.value.map((o: { id: string }) => o.id) };
  }

  /** What the owner sees of their events (to prove a denied write changed nothing). */
  async function snapshot(x: Target): Promise<unknown> {
    const token = x.ownerToken;
    return [
      (await t.request("GET", "/v1.0/me/events?$top=50", { token })).body,
      (await t.request("GET", `/v1.0/me/calendarView?${WINDOW}&$top=50`, { token })).body,
    ];
  }

  /**
   * Runs every op with `token` against one target and checks status, projection and side
   * effects. Reads come first; each write touches a different event, so later ones still apply.
   */
  async function checkAll(make: () => Promise<Target>, token: string, allows: Allows, fullDetail: boolean): Promise<void> {
    const x = await make();
    for (const op of OPS) {
      const allowed = op.write ? allows.write : allows.read;
      // Reads change nothing; only writes are checked for side effects.
      const before = op.write ? await snapshot(x) : undefined;
      const res = await op.send(x, token);
      if (!allowed) {
        expectGraphError(res, 403, "ErrorAccessDenied", DENIED);
        if (op.write) expect(await snapshot(x), op.name).toEqual(before);
        continue;
      }
      expect(res.status, `${op.name}: ${res.text}`).toBe(op.ok);
      if (op.write) expect(await snapshot(x), op.name).not.toEqual(before);
      const events = op.events?.(res) ?? [];
      if (!op.write) expect(events.length, op.name).toBeGreaterThan(0);
      for (const event of events) {
        for (const p of EVENT_DETAIL_PROPERTIES) expect(p in event, `${op.name}: ${p}`).toBe(fullDetail);
        expect(event.subject, op.name).toBeTypeOf("string");
      }
    }
  }

  const me = (): string => "me";
  const byId = (m: Mailbox) => `users/${m.id}`;

  for (const d of DELEGATED_SCOPES) {
    const full = FULL_DETAIL.has(d.scope);
    it(`delegated ${d.scope} on the own mailbox (/me): read ${d.own.read}, write ${d.own.write}`, async () => {
      const mailbox = await t.newMailbox();
      await checkAll(() => targetOf(mailbox, me), await t.userToken(mailbox, [d.scope]), d.own, full);
    });
    it(`delegated ${d.scope} on the own mailbox (/users/{upn}): read ${d.own.read}, write ${d.own.write}`, async () => {
      const mailbox = await t.newMailbox();
      await checkAll(() => targetOf(mailbox, (m) => `users/${m.userPrincipalName}`), await t.userToken(mailbox, [d.scope]), d.own, full);
    });
    it(`delegated ${d.scope} on another user's mailbox without a share → 403`, async () => {
      const caller = await t.newMailbox();
      const owner = await t.newMailbox();
      await checkAll(() => targetOf(owner, byId), await t.userToken(caller, [d.scope]), { read: false, write: false }, full);
    });
    for (const share of SHARE_ROLES.filter((s) => s.role === "read" || s.role === "write")) {
      const allows = { read: d.shared.read && share.allows.read, write: d.shared.write && share.allows.write };
      it(`delegated ${d.scope} on another user's mailbox shared as '${share.role}': read ${allows.read}, write ${allows.write}`, async () => {
        const caller = await t.newMailbox();
        const owner = await t.newMailbox();
        await t.server.services.permissions.create({
          mailbox: owner, target: { defaultCalendar: true }, body: { emailAddress: { address: caller.userPrincipalName }, role: share.role },
        });
        await checkAll(() => targetOf(owner, byId), await t.userToken(caller, [d.scope]), allows, full);
      });
    }
  }

  for (const a of APP_ROLES) {
    it(`application ${a.role} on /users/{id}: read ${a.any.read}, write ${a.any.write}`, async () => {
      const mailbox = await t.newMailbox();
      await checkAll(() => targetOf(mailbox, byId), await t.appToken([a.role]), a.any, FULL_DETAIL.has(a.role));
    });
  }

  it("application tokens on /me events and calendarView → 400", async () => {
    const token = await t.appToken(["Calendars.ReadWrite"]);
    const message = "/me request is only valid with delegated authentication flow.";
    expectGraphError(await t.request("GET", "/v1.0/me/events", { token }), 400, "BadRequest", message);
    expectGraphError(await t.request("GET", `/v1.0/me/calendarView?${WINDOW}`, { token }), 400, "BadRequest", message);
    expectGraphError(await t.request("GET", `/beta/me/calendar/calendarView?${WINDOW}`, { token }), 400, "BadRequest", message);
    expectGraphError(await t.request("POST", "/v1.0/me/events", { token, body: { subject: "x" } }), 400, "BadRequest", message);
  });

  it("Calendars.ReadBasic: $select of a hidden property still leaves it out", async () => {
    const mailbox = await t.newMailbox();
    const x = await targetOf(mailbox, me);
    const token = await t.userToken(mailbox, ["Calendars.ReadBasic"]);
    const res = await t.request("GET", `/v1.0/me/events/${x.single}?$select=subject,body,attendees`, { token });
    expect(res.status).toBe(200);
    expect(res.body.subject).toBe("Detailed");
    expect(res.body.body).toBeUndefined();
    expect(res.body.attendees).toBeUndefined();
    // The full scope sees what was hidden.
    const full = await t.request("GET", `/v1.0/me/events/${x.single}?$select=subject,body,attendees`, { token: await t.userToken(mailbox, ["Calendars.Read"]) });
    expect(full.body.body.content).toContain("Secret agenda");
    expect(full.body.attendees).toHaveLength(1);
  });
});
