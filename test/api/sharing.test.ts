import { describe, expect, it } from "vitest";
import { useTestServer } from "../support/harness.js";

describe("calendar sharing", () => {
  const t = useTestServer();

  it("sharing: a delegated user reaches another user's calendar only with a share of it and a .Shared scope", async () => {
    const owner = await t.newMailbox("Owner");
    const other = await t.newMailbox("Other");
    const ownerToken = await t.userToken(owner);
    const sharedRead = await t.userToken(other, ["Calendars.Read.Shared"]);
    const plainRead = await t.userToken(other, ["Calendars.ReadWrite"]);
    const url = `/v1.0/users/${owner.userPrincipalName}/calendars`;

    expect((await t.request("GET", url, { token: sharedRead })).status).toBe(403);

    const share = await t.request("POST", "/v1.0/me/calendar/calendarPermissions", {
      token: ownerToken, body: { emailAddress: { address: other.userPrincipalName }, role: "read" },
    });
    expect(share.status).toBe(201);
    expect(share.body).toMatchObject({ role: "read", emailAddress: { address: other.userPrincipalName }, isRemovable: true });

    // The list shows the shared calendar only (not Birthdays), as its grantee sees it.
    const list = await t.request("GET", `/beta/users/${owner.id}/calendars`, { token: sharedRead });
    expect(list.status).toBe(200);
    expect(list.body.value.map((c: { name: string }) => c.name)).toEqual(["Calendar"]);
    expect(list.body.value[0]).toMatchObject({ isShared: false, isSharedWithMe: true, canShare: false, canEdit: false });
    expect((await t.request("GET", `/v1.0/users/${owner.id}/calendar`, { token: sharedRead })).status).toBe(200);
    // The owner's calendar hierarchy is not shared: calendars/delta is the whole mailbox's (ADR 0011).
    expect((await t.request("GET", `/beta/users/${owner.id}/calendars/delta`, { token: sharedRead })).status).toBe(403);
    // Without a .Shared scope the share does not help; a read share does not allow writes.
    expect((await t.request("GET", url, { token: plainRead })).status).toBe(403);
    const writeAttempt = await t.request("POST", `/v1.0/users/${owner.id}/calendar/events`, {
      token: await t.userToken(other, ["Calendars.ReadWrite.Shared"]), body: { subject: "Nope" },
    });
    expect(writeAttempt.status).toBe(403);
    // A grantee cannot manage the owner's shares.
    expect((await t.request("GET", `/v1.0/users/${owner.id}/calendar/calendarPermissions`, { token: sharedRead })).status).toBe(403);

    // Sharing changed the calendar: isShared (to its owner) and a new changeKey (a delta entry).
    const cal = await t.request("GET", "/beta/me/calendar", { token: ownerToken });
    expect(cal.body).toMatchObject({ isShared: true, isSharedWithMe: false, canShare: true, canEdit: true });

    const revoke = await t.request("DELETE", `/v1.0/me/calendar/calendarPermissions/${share.body.id}`, { token: ownerToken });
    expect(revoke.status).toBe(204);
    expect((await t.request("GET", url, { token: sharedRead })).status).toBe(403);
    const after = await t.request("GET", "/beta/me/calendar", { token: ownerToken });
    expect(after.body.isShared).toBe(false);
    expect(after.body.changeKey).not.toBe(cal.body.changeKey);
  });

  it("sharing: a write share lets a ReadWrite.Shared delegate write events in that calendar, never create calendars", async () => {
    const owner = await t.newMailbox("Owner");
    const other = await t.newMailbox("Delegate");
    await t.request("POST", "/v1.0/me/calendar/calendarPermissions", {
      token: await t.userToken(owner), body: { emailAddress: { address: other.userPrincipalName }, role: "write" },
    });
    const token = await t.userToken(other, ["Calendars.ReadWrite.Shared"]);
    // This used to answer 201: one share opened the whole mailbox (issue 14).
    expect((await t.request("POST", `/v1.0/users/${owner.id}/calendars`, { token, body: { name: "Delegated" } })).status).toBe(403);
    expect((await t.request("POST", `/v1.0/users/${owner.id}/calendarGroups`, { token, body: { name: "Delegated" } })).status).toBe(403);
    // The mailbox-wide POST /events means the default calendar, which is the shared one here.
    const res = await t.request("POST", `/v1.0/users/${owner.id}/events`, { token, body: { subject: "Delegated" } });
    expect(res.status).toBe(201);
    expect(res.body.organizer.emailAddress.address).toBe(owner.userPrincipalName);
  });

  it("sharing: bad shares are 4xx Graph errors", async () => {
    const owner = await t.newMailbox("Owner");
    const token = await t.userToken(owner);
    const cases: [unknown, number][] = [
      [{ emailAddress: { address: "nobody@contoso.com" }, role: "read" }, 400],
      [{ emailAddress: { address: owner.userPrincipalName }, role: "read" }, 400],
      [{ emailAddress: { address: owner.userPrincipalName }, role: "owner" }, 400],
      [{ role: "read" }, 400],
      [{ emailAddress: { address: "x@contoso.com" }, role: "read", bogus: 1 }, 400],
    ];
    for (const [body, status] of cases) {
      const res = await t.request("POST", "/v1.0/me/calendar/calendarPermissions", { token, body });
      expect(res.status, JSON.stringify(body)).toBe(status);
      expect(res.body.error.code).toEqual(expect.any(String));
    }
    const birthdays = (await t.request("GET", "/v1.0/me/calendars", { token })).body.value[1];
    const other = await t.newMailbox("Other");
    const res = await t.request("POST", `/v1.0/me/calendars/${birthdays.id}/calendarPermissions`, {
      token, body: { emailAddress: { address: other.userPrincipalName }, role: "read" },
    });
    expect(res.status).toBe(400);
    expect((await t.request("GET", "/v1.0/me/calendar/calendarPermissions/xyz", { token })).status).toBe(404);
  });
});
