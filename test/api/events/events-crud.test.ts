import { describe, expect, it } from "vitest";
import { useTestServer } from "../../support/harness.js";
import { entityOf, expectGraphError, pathOf } from "../../support/graph-assertions.js";
import { calendarIdNamed, defaultGroupId, freshUser, hourOn, postEvent, UTC_TICKS } from "../../support/event-fixtures.js";

// Event CRUD over HTTP (spec §1.1, §1.2 etag/changeKey, §1.5): every endpoint form, status codes,
// Location, @odata.context, ids, If-Match, and what deleting a calendar does to its events.

describe("events: CRUD over every endpoint form", () => {
  const t = useTestServer();

  it("POST/GET/PATCH/DELETE answer 201/200/200/204 on every collection form, v1.0 and beta, /me and /users/{id|upn}", async () => {
    const { mailbox, token } = await freshUser(t);
    const other = (await t.request("POST", "/v1.0/me/calendars", { token, body: { name: "Work" } })).body.id as string;
    const defaultId = await calendarIdNamed(t, token, "Calendar");
    const groupId = await defaultGroupId(t, token);
    const collections: Array<{ path: string; context: string; calendarId: string }> = [
      { path: "events", context: "events", calendarId: defaultId },
      { path: "calendar/events", context: "calendar/events", calendarId: defaultId },
      { path: `calendars/${other}/events`, context: `calendars('${other}')/events`, calendarId: other },
      { path: `calendarGroups/${groupId}/calendars/${defaultId}/events`, context: `calendarGroups('${groupId}')/calendars('${defaultId}')/events`, calendarId: defaultId },
    ];
    const subjects = [
      { path: "me", context: "me" },
      { path: `users/${mailbox.id}`, context: `users('${mailbox.id}')` },
      { path: `users/${mailbox.userPrincipalName}`, context: `users('${encodeURIComponent(mailbox.userPrincipalName)}')` },
    ];
    for (const version of ["v1.0", "beta"]) {
      for (const subject of subjects) {
        for (const collection of collections) {
          const base = `/${version}/${subject.path}/${collection.path}`;
          const label = `${base}`;
          const created = await t.request("POST", base, { token, body: hourOn("2026-12-01", 9, label) });
          expect(created.status, `${label}: ${created.text.slice(0, 200)}`).toBe(201);
          expect(created.body["@odata.context"], label).toBe(`http://localhost:80/${version}/$metadata#${subject.context}/${collection.context}/$entity`);
          expect(created.body.subject).toBe(label);
          const location = created.headers.location as string;
          expect(location, label).toMatch(new RegExp(`^http://localhost:80/${version}/users/${mailbox.id}/events/${created.body.id}$`));
          const viaLocation = await t.request("GET", pathOf(location), { token });
          expect(viaLocation.status, label).toBe(200);
          expect(entityOf(viaLocation.body)).toEqual(entityOf(created.body));

          const item = `${base}/${created.body.id}`;
          const got = await t.request("GET", item, { token });
          expect(got.status, label).toBe(200);
          expect(got.body["@odata.context"]).toBe(`http://localhost:80/${version}/$metadata#${subject.context}/${collection.context}/$entity`);
          expect(entityOf(got.body)).toEqual(entityOf(created.body));
          // The event landed in the calendar the path named (the default one for /events).
          const inCalendar = await t.request("GET", `/${version}/me/calendars/${collection.calendarId}/events/${created.body.id}`, { token });
          expect(inCalendar.status, label).toBe(200);

          const patched = await t.request("PATCH", item, { token, body: { subject: `${label} (2)` } });
          expect(patched.status, label).toBe(200);
          expect(patched.body.subject).toBe(`${label} (2)`);
          expect(patched.body["@odata.context"]).toBe(got.body["@odata.context"]);

          const deleted = await t.request("DELETE", item, { token });
          expect(deleted.status, label).toBe(204);
          expect(deleted.text).toBe("");
          expectGraphError(await t.request("GET", item, { token }), 404, "ErrorItemNotFound");
        }
      }
    }
    // Nothing is left behind: every created event was deleted.
    expect((await t.request("GET", "/v1.0/me/events", { token })).body.value).toEqual([]);
  });

  it("an event of calendar A addressed under calendar B is 404 for GET, PATCH and DELETE, and stays untouched", async () => {
    const { token } = await freshUser(t);
    const a = (await t.request("POST", "/v1.0/me/calendars", { token, body: { name: "A" } })).body.id as string;
    const b = (await t.request("POST", "/v1.0/me/calendars", { token, body: { name: "B" } })).body.id as string;
    const event = await postEvent(t, token, hourOn("2026-12-02", 10, "in A"), `/v1.0/me/calendars/${a}/events`);
    const wrong = `/v1.0/me/calendars/${b}/events/${event.id}`;
    expectGraphError(await t.request("GET", wrong, { token }), 404, "ErrorItemNotFound", "The specified object was not found in the store.");
    expectGraphError(await t.request("PATCH", wrong, { token, body: { subject: "moved?" } }), 404, "ErrorItemNotFound");
    expectGraphError(await t.request("DELETE", wrong, { token }), 404, "ErrorItemNotFound");
    // The default calendar is not A either.
    expectGraphError(await t.request("GET", `/v1.0/me/calendar/events/${event.id}`, { token }), 404, "ErrorItemNotFound");
    const still = await t.request("GET", `/v1.0/me/calendars/${a}/events/${event.id}`, { token });
    expect(still.body.subject).toBe("in A");
    expect(still.body.changeKey).toBe(event.changeKey);
  });

  it("a malformed id is 400 ErrorInvalidIdMalformed; an unknown well-formed id is 404 ErrorItemNotFound", async () => {
    const { token } = await freshUser(t);
    for (const method of ["GET", "PATCH", "DELETE"]) {
      const body = method === "PATCH" ? { subject: "x" } : undefined;
      expectGraphError(await t.request(method, "/v1.0/me/events/not-an-id", { token, body }), 400, "ErrorInvalidIdMalformed");
    }
    const gone = await postEvent(t, token, hourOn("2026-12-03", 9));
    expect((await t.request("DELETE", `/v1.0/me/events/${gone.id}`, { token })).status).toBe(204);
    for (const method of ["GET", "PATCH", "DELETE"]) {
      const body = method === "PATCH" ? { subject: "x" } : undefined;
      expectGraphError(await t.request(method, `/beta/me/events/${gone.id}`, { token, body }), 404, "ErrorItemNotFound");
    }
    // Ids are case-sensitive (spec §1.1): another casing of a live id is not that event.
    const live = await postEvent(t, token, hourOn("2026-12-03", 11));
    const flipped = live.id.replace(/[a-z]/, (c: string) => c.toUpperCase());
    expect(flipped).not.toBe(live.id);
    const res = await t.request("GET", `/v1.0/me/events/${flipped}`, { token });
    expect([400, 404]).toContain(res.status);
  });
});

describe("events: etag, changeKey, lastModifiedDateTime and If-Match", () => {
  const t = useTestServer();

  it("@odata.etag is W/\"{changeKey}\"; every write gives a new changeKey and the clock's lastModifiedDateTime", async () => {
    const { token } = await freshUser(t);
    const createdAt = t.clock.now().getTime();
    const created = await postEvent(t, token, hourOn("2026-12-04", 9));
    expect(created["@odata.etag"]).toBe(`W/"${created.changeKey}"`);
    expect(created.createdDateTime).toBe(new Date(createdAt).toISOString().replace(/Z$/, "0000Z"));
    expect(created.lastModifiedDateTime).toBe(created.createdDateTime);
    expect(created.createdDateTime).toMatch(UTC_TICKS);
    const keys = new Set<string>([created.changeKey]);
    let last = created;
    for (const [i, step] of [1234, 1, 60_000].entries()) {
      t.clock.advance(step);
      const res = await t.request("PATCH", `/v1.0/me/events/${created.id}`, { token, body: { subject: `edit ${i}` } });
      expect(res.status).toBe(200);
      expect(res.body["@odata.etag"]).toBe(`W/"${res.body.changeKey}"`);
      expect(res.body.createdDateTime).toBe(created.createdDateTime);
      const expected = new Date(t.clock.now().getTime()).toISOString().replace(/\.(\d{3})Z$/, ".$10000Z");
      expect(res.body.lastModifiedDateTime).toBe(expected);
      expect(res.body.lastModifiedDateTime).not.toBe(last.lastModifiedDateTime);
      // The first edit, 1234 ms after the suite's start instant, written out literally.
      if (i === 0) expect(res.body.lastModifiedDateTime).toBe("2026-11-25T12:00:01.2340000Z");
      keys.add(res.body.changeKey);
      last = res.body;
    }
    expect(keys.size).toBe(4);
    const got = await t.request("GET", `/v1.0/me/events/${created.id}`, { token });
    expect(got.body["@odata.etag"]).toBe(last["@odata.etag"]);
    expect(got.body.lastModifiedDateTime).toBe(last.lastModifiedDateTime);
  });

  it("PATCH with If-Match: the current weak or strong etag or * succeeds; a stale one is 412 and changes nothing", async () => {
    const { token } = await freshUser(t);
    let current = await postEvent(t, token, hourOn("2026-12-05", 9, "v0"));
    const url = `/v1.0/me/events/${current.id}`;
    const tags = [(e: any) => e["@odata.etag"], (e: any) => `"${e.changeKey}"`, () => "*"];
    for (const [i, tag] of tags.entries()) {
      t.clock.advance(1000);
      const res = await t.request("PATCH", url, { token, body: { subject: `v${i + 1}` }, headers: { "if-match": tag(current) } });
      expect(res.status, res.text.slice(0, 200)).toBe(200);
      expect(res.body.subject).toBe(`v${i + 1}`);
      current = res.body;
    }
    const stale = created0Tag(current);
    t.clock.advance(1000);
    expectGraphError(await t.request("PATCH", url, { token, body: { subject: "lost" }, headers: { "if-match": stale } }), 412, "ErrorIrresolvableConflict");
    const after = (await t.request("GET", url, { token })).body;
    expect(entityOf(after)).toEqual(entityOf(current));
  });

  it("DELETE with a stale If-Match is 412 and keeps the event; with the current etag it deletes", async () => {
    const { token } = await freshUser(t);
    const created = await postEvent(t, token, hourOn("2026-12-06", 9));
    const url = `/beta/me/events/${created.id}`;
    t.clock.advance(500);
    const edited = (await t.request("PATCH", url, { token, body: { subject: "edited" } })).body;
    expectGraphError(await t.request("DELETE", url, { token, headers: { "if-match": created["@odata.etag"] } }), 412, "ErrorIrresolvableConflict");
    expect((await t.request("GET", url, { token })).body.changeKey).toBe(edited.changeKey);
    const res = await t.request("DELETE", url, { token, headers: { "if-match": edited["@odata.etag"] } });
    expect(res.status).toBe(204);
    expectGraphError(await t.request("GET", url, { token }), 404, "ErrorItemNotFound");
    const other = await postEvent(t, token, hourOn("2026-12-06", 11));
    expect((await t.request("DELETE", `/beta/me/events/${other.id}`, { token, headers: { "if-match": "*" } })).status).toBe(204);
  });
});

/** An etag no event carries any more: a changeKey that was replaced. */
function created0Tag(current: Record<string, any>): string {
  const key = String(current.changeKey);
  // Flip one character of the current key: well-formed, but not the current one.
  const flipped = key[0] === "A" ? `B${key.slice(1)}` : `A${key.slice(1)}`;
  return `W/"${flipped}"`;
}

describe("events: calendars that go away or cannot be written", () => {
  const t = useTestServer();

  it("deleting a calendar deletes its events: GET is 404 and /me/events no longer lists them", async () => {
    const { token } = await freshUser(t);
    const calendar = (await t.request("POST", "/v1.0/me/calendars", { token, body: { name: "Doomed" } })).body.id as string;
    const doomed = [
      await postEvent(t, token, hourOn("2026-12-07", 9, "doomed 1"), `/v1.0/me/calendars/${calendar}/events`),
      await postEvent(t, token, hourOn("2026-12-07", 11, "doomed 2"), `/v1.0/me/calendars/${calendar}/events`),
    ];
    const kept = await postEvent(t, token, hourOn("2026-12-07", 13, "kept"));
    expect((await t.request("GET", "/v1.0/me/events", { token })).body.value).toHaveLength(3);
    expect((await t.request("DELETE", `/v1.0/me/calendars/${calendar}`, { token })).status).toBe(204);
    for (const e of doomed) expectGraphError(await t.request("GET", `/v1.0/me/events/${e.id}`, { token }), 404, "ErrorItemNotFound");
    const list = (await t.request("GET", "/v1.0/me/events", { token })).body.value;
    expect(list.map((e: any) => e.id)).toEqual([kept.id]);
  });

  it("the Birthdays calendar refuses POST of events with 403 ErrorAccessDenied and stores nothing", async () => {
    const { token } = await freshUser(t);
    const birthdays = await calendarIdNamed(t, token, "Birthdays");
    for (const version of ["v1.0", "beta"]) {
      const res = await t.request("POST", `/${version}/me/calendars/${birthdays}/events`, { token, body: hourOn("2026-12-08", 9) });
      expectGraphError(res, 403, "ErrorAccessDenied");
    }
    expect((await t.request("GET", `/v1.0/me/calendars/${birthdays}/events`, { token })).body.value).toEqual([]);
    expect((await t.request("GET", "/v1.0/me/events", { token })).body.value).toEqual([]);
  });

  it("an event in the Birthdays calendar (seeded through the store, as the server would) refuses PATCH and DELETE with 403", async () => {
    const { mailbox, token } = await freshUser(t);
    const birthdays = await calendarIdNamed(t, token, "Birthdays");
    const created = await postEvent(t, token, hourOn("2026-12-09", 0, "Ann's birthday"));
    // No API writes there, so move the row into Birthdays with the real store.
    const event = await t.server.services.events.get({ mailbox, eventId: created.id, scope: {} });
    await t.server.store.transaction((tx) => tx.updateEvent({
      mailboxId: mailbox.id, event: { ...event, calendarId: birthdays }, extent: { startMs: event.start.epochMs, endMs: event.end.epochMs },
    }));
    const url = `/v1.0/me/calendars/${birthdays}/events/${created.id}`;
    expect((await t.request("GET", url, { token })).status).toBe(200);
    expectGraphError(await t.request("PATCH", url, { token, body: { subject: "renamed" } }), 403, "ErrorAccessDenied");
    expectGraphError(await t.request("PATCH", `/v1.0/me/events/${created.id}`, { token, body: { subject: "renamed" } }), 403, "ErrorAccessDenied");
    expectGraphError(await t.request("DELETE", url, { token }), 403, "ErrorAccessDenied");
    const after = (await t.request("GET", url, { token })).body;
    expect(after.subject).toBe("Ann's birthday");
    expect(after.changeKey).toBe(created.changeKey);
  });
});
