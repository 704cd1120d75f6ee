import { describe, expect, it } from "vitest";
import { useTestServer } from "../support/harness.js";
import { expectGraphError } from "../support/graph-assertions.js";
import { expectSeen, sharingWorld, WINDOW } from "../support/sharing-world.js";

// A share's end and change take effect at once (ADR 0011): no cache — calendar lists, calendarView
// windows, delta rounds, no-change poll answers — keeps serving a grantee what a revoke took away.
// And the scopes: a share helps only a token with a .Shared scope.

const DENIED = "Access is denied. Check credentials and try again.";

describe("sharing: revoking and changing a share", () => {
  const t = useTestServer();

  it("revoke: every read the grantee made (and the caches behind them) is 403 at once", async () => {
    const w = await sharingWorld(t, "read");
    const reads = [
      `/v1.0${w.base}/calendars`,
      `/v1.0${w.base}/calendars/${w.teamId}`,
      `/v1.0${w.base}/calendars/${w.teamId}/events`,
      `/v1.0${w.base}/calendars/${w.teamId}/events/${w.standupId}`,
      `/v1.0${w.base}/calendars/${w.teamId}/calendarView?${WINDOW}`,
    ];
    // Each twice: the second answer of the calendar list and the window comes from their caches.
    for (const url of [...reads, ...reads]) expect((await t.request("GET", url, { token: w.token })).status, url).toBe(200);
    const revoke = await t.request("DELETE", `/v1.0/me/calendars/${w.teamId}/calendarPermissions/${w.permissionId}`, { token: w.ownerToken });
    expect(revoke.status).toBe(204);
    for (const url of reads) expectGraphError(await t.request("GET", url, { token: w.token }), 403, "ErrorAccessDenied", DENIED);
    // The owner still reads everything.
    expect((await t.request("GET", `/v1.0/me/calendars/${w.teamId}/calendarView?${WINDOW}`, { token: w.ownerToken })).body.value).toHaveLength(2);
  });

  it("revoke: the grantee's delta links stop working at once (403, not a replayed empty page)", async () => {
    const w = await sharingWorld(t, "read");
    const viewDelta = await t.request("GET", `/v1.0${w.base}/calendars/${w.teamId}/calendarView/delta?${WINDOW}`, { token: w.token });
    const eventsDelta = await t.request("GET", `/beta${w.base}/calendars/${w.teamId}/events/delta`, { token: w.token });
    const links = [viewDelta.body["@odata.deltaLink"], eventsDelta.body["@odata.deltaLink"]].map((link: string) => new URL(link));
    for (const link of links) {
      // Polled twice unchanged: the answer an owner's poll could be replayed from.
      for (let i = 0; i < 2; i++) {
        const poll = await t.request("GET", `${link.pathname}${link.search}`, { token: w.token });
        expect(poll.status).toBe(200);
        expect(poll.body.value).toEqual([]);
      }
    }
    await t.request("DELETE", `/v1.0/me/calendars/${w.teamId}/calendarPermissions/${w.permissionId}`, { token: w.ownerToken });
    for (const link of links) {
      expectGraphError(await t.request("GET", `${link.pathname}${link.search}`, { token: w.token }), 403, "ErrorAccessDenied", DENIED);
    }
  });

  it("revoke: a mid-round skip link is 403 too", async () => {
    const w = await sharingWorld(t, "read");
    const first = await t.request("GET", `/v1.0${w.base}/calendars/${w.teamId}/calendarView/delta?${WINDOW}`, {
      token: w.token, headers: { prefer: "odata.maxpagesize=1" },
    });
    const next = new URL(first.body["@odata.nextLink"]);
    await t.request("DELETE", `/v1.0/me/calendars/${w.teamId}/calendarPermissions/${w.permissionId}`, { token: w.ownerToken });
    expectGraphError(await t.request("GET", `${next.pathname}${next.search}`, { token: w.token }), 403, "ErrorAccessDenied", DENIED);
  });

  it("role change: a write share turned freeBusyRead shows free/busy and refuses writes at once", async () => {
    const w = await sharingWorld(t, "write");
    const event = `/v1.0${w.base}/calendars/${w.teamId}/events/${w.standupId}`;
    expectSeen((await t.request("GET", event, { token: w.token })).body, "full", "Standup");
    expect((await t.request("GET", `/v1.0${w.base}/calendars/${w.teamId}/calendarView?${WINDOW}`, { token: w.token })).status).toBe(200);
    const patched = await t.request("PATCH", `/v1.0/me/calendars/${w.teamId}/calendarPermissions/${w.permissionId}`, {
      token: w.ownerToken, body: { role: "freeBusyRead" },
    });
    expect(patched.status).toBe(200);
    expectSeen((await t.request("GET", event, { token: w.token })).body, "freeBusy", "Standup");
    const view = await t.request("GET", `/v1.0${w.base}/calendars/${w.teamId}/calendarView?${WINDOW}`, { token: w.token });
    for (const e of view.body.value) expect("subject" in e).toBe(false);
    expect((await t.request("GET", `/beta${w.base}/calendars/${w.teamId}`, { token: w.token })).body.canEdit).toBe(false);
    expectGraphError(await t.request("PATCH", event, { token: w.token, body: { subject: "x" } }), 403, "ErrorAccessDenied", DENIED);
  });

  it("scopes: a share helps only a .Shared scope, and only ReadWrite.Shared writes", async () => {
    const w = await sharingWorld(t, "write");
    const events = `/v1.0${w.base}/calendars/${w.teamId}/events`;
    const body = { subject: "By grantee" };
    for (const scope of ["Calendars.Read", "Calendars.ReadWrite", "Calendars.ReadBasic"]) {
      const token = await t.userToken(w.grantee, [scope]);
      expectGraphError(await t.request("GET", events, { token }), 403, "ErrorAccessDenied", DENIED);
      expectGraphError(await t.request("POST", events, { token, body }), 403, "ErrorAccessDenied", DENIED);
    }
    const readShared = await t.userToken(w.grantee, ["Calendars.Read.Shared"]);
    expect((await t.request("GET", events, { token: readShared })).status).toBe(200);
    expectGraphError(await t.request("POST", events, { token: readShared, body }), 403, "ErrorAccessDenied", DENIED);
    expect((await t.request("POST", events, { token: w.token, body })).status).toBe(201);
  });

  it("a share is per grantee: another user of the tenant reaches nothing", async () => {
    const w = await sharingWorld(t, "delegateWithPrivateEventAccess");
    const stranger = await t.newMailbox("Stranger");
    const token = await t.userToken(stranger, ["Calendars.ReadWrite.Shared"]);
    for (const url of [`/v1.0${w.base}/calendars`, `/v1.0${w.base}/calendars/${w.teamId}/events`, `/v1.0${w.base}/calendars/${w.teamId}`]) {
      expectGraphError(await t.request("GET", url, { token }), 403, "ErrorAccessDenied", DENIED);
    }
  });
});
