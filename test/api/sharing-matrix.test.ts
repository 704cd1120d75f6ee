import { beforeAll, describe, expect, it } from "vitest";
import { useTestServer, type TestResponse } from "../support/harness.js";
import { expectGraphError } from "../support/graph-assertions.js";
import { at, DEC1, expectSeen, sharingWorld, WINDOW, type Seen, type SharingWorld } from "../support/sharing-world.js";

// Per-calendar sharing as Graph does it (ADR 0011): for each role, what a grantee holding
// Calendars.ReadWrite.Shared may do with the one calendar shared with them, what it sees of its
// events, and that nothing else of the owner's mailbox opens.
// see: https://learn.microsoft.com/graph/outlook-share-or-delegate-calendar

const DENIED = "Access is denied. Check credentials and try again.";
const NOT_FOUND = "The specified object was not found in the store.";

interface RoleCase {
  role: string;
  /** What a normal event shows. */
  detail: "full" | "limited" | "freeBusy";
  privateItems: boolean;
  writes: boolean;
}

const ROLES: readonly RoleCase[] = [
  { role: "freeBusyRead", detail: "freeBusy", privateItems: false, writes: false },
  { role: "limitedRead", detail: "limited", privateItems: false, writes: false },
  { role: "read", detail: "full", privateItems: false, writes: false },
  { role: "write", detail: "full", privateItems: false, writes: true },
  { role: "delegateWithoutPrivateEventAccess", detail: "full", privateItems: false, writes: true },
  { role: "delegateWithPrivateEventAccess", detail: "full", privateItems: true, writes: true },
];

const byId = (res: TestResponse, id: string) => (res.body.value as Record<string, any>[]).find((e) => e.id === id);

describe("sharing: the role matrix", () => {
  const t = useTestServer();

  for (const c of ROLES) {
    describe(`a '${c.role}' share of one calendar`, () => {
      let w: SharingWorld;
      const privateSeen: Seen = c.privateItems ? "full" : "private";
      const get = (path: string) => t.request("GET", path, { token: w.token });
      /** What the owner has: a denied write must leave it as it was. */
      const ownerState = async () => [
        (await t.request("GET", "/beta/me/calendars", { token: w.ownerToken })).body.value.map((x: any) => [x.name, x.color]),
        (await t.request("GET", "/v1.0/me/calendarGroups", { token: w.ownerToken })).body.value.length,
        (await t.request("GET", `/v1.0/me/calendars/${w.teamId}/events`, { token: w.ownerToken })).body.value.map((e: any) => [e.subject, e.changeKey]),
      ];
      beforeAll(async () => {
        w = await sharingWorld(t, c.role);
      });

      it("list calendars: only the shared one, as its grantee sees it", async () => {
        const res = await get(`/beta${w.base}/calendars`);
        expect(res.status, res.text).toBe(200);
        expect(res.body.value).toHaveLength(1);
        expect(res.body.value[0]).toMatchObject({
          id: w.teamId, name: "Team", canShare: false, canEdit: c.writes, canViewPrivateItems: c.privateItems,
          isShared: false, isSharedWithMe: true, owner: { address: w.owner.userPrincipalName },
        });
        expect((await get(`/v1.0${w.base}/calendars?$count=true`)).body["@odata.count"]).toBe(1);
        expect((await get(`/v1.0${w.base}/calendarGroups/${(await t.request("GET", "/v1.0/me/calendarGroups", { token: w.ownerToken })).body.value[0].id}/calendars`)).body.value
          .map((x: any) => x.id)).toEqual([w.teamId]);
      });

      it("get calendar: the shared one → 200; the default and any other → 403", async () => {
        const res = await get(`/beta${w.base}/calendars/${w.teamId}`);
        expect(res.status).toBe(200);
        expect(res.body).toMatchObject({ isSharedWithMe: true, isShared: false, canShare: false, canEdit: c.writes });
        expectGraphError(await get(`/v1.0${w.base}/calendars/${w.otherId}`), 403, "ErrorAccessDenied", DENIED);
        expectGraphError(await get(`/v1.0${w.base}/calendar`), 403, "ErrorAccessDenied", DENIED);
        expectGraphError(await get(`/v1.0${w.base}/calendars/AAMkNoSuchCalendar`), 403, "ErrorAccessDenied", DENIED);
      });

      it("calendar and group writes, groups and calendars/delta: 403, nothing changes", async () => {
        const before = await ownerState();
        const attempts: [string, string, unknown?][] = [
          ["PATCH", `/v1.0${w.base}/calendars/${w.teamId}`, { name: "Renamed" }],
          ["PATCH", `/v1.0${w.base}/calendars/${w.otherId}`, { name: "Renamed" }],
          ["DELETE", `/v1.0${w.base}/calendars/${w.teamId}`],
          ["DELETE", `/v1.0${w.base}/calendars/${w.otherId}`],
          ["POST", `/v1.0${w.base}/calendars/${w.teamId}/permanentDelete`],
          ["POST", `/v1.0${w.base}/calendars`, { name: "Planted" }],
          ["POST", `/v1.0${w.base}/calendarGroups`, { name: "Planted" }],
          ["GET", `/v1.0${w.base}/calendarGroups`],
          ["GET", `/beta${w.base}/calendars/delta`],
          ["GET", `/v1.0${w.base}/calendars/${w.teamId}/calendarPermissions`],
          // The mailbox-wide event forms mean the default calendar, which is not shared.
          ["GET", `/v1.0${w.base}/events`],
          ["GET", `/v1.0${w.base}/calendarView?${WINDOW}`],
        ];
        for (const [method, url, body] of attempts) {
          expectGraphError(await t.request(method, url, { token: w.token, body }), 403, "ErrorAccessDenied", DENIED);
        }
        expect(await ownerState()).toEqual(before);
      });

      it(`events, calendarView and their delta: a normal event ${c.detail}, a private one ${privateSeen}`, async () => {
        const reads = [
          await get(`/v1.0${w.base}/calendars/${w.teamId}/events`),
          await get(`/v1.0${w.base}/calendars/${w.teamId}/calendarView?${WINDOW}`),
          await get(`/v1.0${w.base}/calendars/${w.teamId}/calendarView/delta?${WINDOW}`),
          await get(`/beta${w.base}/calendarGroup/calendars/${w.teamId}/calendarView?${WINDOW}`),
        ];
        for (const res of reads) {
          expect(res.status, res.text).toBe(200);
          expectSeen(byId(res, w.standupId) as Record<string, any>, c.detail, "Standup");
          expectSeen(byId(res, w.doctorId) as Record<string, any>, privateSeen, "Doctor");
        }
        // beta events/delta lists skeletons, the same for every role.
        const delta = await get(`/beta${w.base}/calendars/${w.teamId}/events/delta`);
        expect(delta.status).toBe(200);
        expect(delta.body.value.map((e: any) => e.id).sort()).toEqual([w.standupId, w.doctorId].sort());
        // $select cannot bring back what the view hides.
        const selected = await get(`/v1.0${w.base}/calendars/${w.teamId}/events/${w.standupId}?$select=subject,body,showAs`);
        expect(selected.status).toBe(200);
        expect("body" in selected.body).toBe(c.detail === "full");
        expect("subject" in selected.body).toBe(c.detail !== "freeBusy");
      });

      it(`$filter and $orderby read what the grantee sees`, async () => {
        const subjects = async (query: string) =>
          (await get(`/v1.0${w.base}/calendars/${w.teamId}/events?${query}`)).body.value.map((e: any) => e.id);
        expect(await subjects("$filter=subject eq 'Doctor'")).toEqual(c.privateItems ? [w.doctorId] : []);
        expect(await subjects("$filter=subject eq 'Standup'")).toEqual(c.detail === "freeBusy" ? [] : [w.standupId]);
        expect(await subjects("$filter=categories/any(x:x eq 'Blue')")).toEqual(c.detail === "full" ? [w.standupId] : []);
        const counted = await get(`/v1.0${w.base}/calendars/${w.teamId}/events?$count=true&$filter=subject eq 'Doctor'`);
        expect(counted.body["@odata.count"]).toBe(c.privateItems ? 1 : 0);
        const view = await get(`/v1.0${w.base}/calendars/${w.teamId}/calendarView?${WINDOW}&$filter=startswith(subject,'Doc')`);
        expect(view.body.value.map((e: any) => e.id)).toEqual(c.privateItems ? [w.doctorId] : []);
      });

      it(`get by id: the normal event → 200; the private one → ${c.privateItems ? 200 : 404}`, async () => {
        const standup = await get(`/v1.0${w.base}/calendars/${w.teamId}/events/${w.standupId}`);
        expect(standup.status).toBe(200);
        expectSeen(standup.body, c.detail, "Standup");
        const doctor = await get(`/v1.0${w.base}/calendars/${w.teamId}/events/${w.doctorId}`);
        if (c.privateItems) expectSeen(doctor.body, "full", "Doctor");
        else expectGraphError(doctor, 404, "ErrorItemNotFound", NOT_FOUND);
        // Through the mailbox-wide path the event is looked for in the default calendar, not shared.
        expectGraphError(await get(`/v1.0${w.base}/events/${w.standupId}`), 403, "ErrorAccessDenied", DENIED);
      });

      it(`event writes in the shared calendar → ${c.writes ? "allowed" : "403"}; a private event → ${c.privateItems ? "allowed" : "404"} for writers`, async () => {
        const events = `/v1.0${w.base}/calendars/${w.teamId}/events`;
        const before = await ownerState();
        const created = await t.request("POST", events, { token: w.token, body: { subject: "By grantee", start: at(DEC1 + 5 * 3_600_000), end: at(DEC1 + 6 * 3_600_000) } });
        const patched = await t.request("PATCH", `${events}/${w.standupId}`, { token: w.token, body: { subject: "Moved" } });
        if (!c.writes) {
          for (const res of [created, patched]) expectGraphError(res, 403, "ErrorAccessDenied", DENIED);
          expectGraphError(await t.request("DELETE", `${events}/${w.standupId}`, { token: w.token }), 403, "ErrorAccessDenied", DENIED);
          expectGraphError(await t.request("PATCH", `${events}/${w.doctorId}`, { token: w.token, body: { subject: "x" } }), 403, "ErrorAccessDenied", DENIED);
          expect(await ownerState()).toEqual(before);
          return;
        }
        expect(created.status, created.text).toBe(201);
        expect(created.body.subject).toBe("By grantee");
        expect(patched.status).toBe(200);
        expect(patched.body.subject).toBe("Moved");
        const doctor = await t.request("PATCH", `${events}/${w.doctorId}`, { token: w.token, body: { subject: "Dentist" } });
        const doctorDelete = await t.request("DELETE", `${events}/${w.doctorId}`, { token: w.token });
        if (c.privateItems) {
          expect(doctor.status).toBe(200);
          expect(doctorDelete.status).toBe(204);
        } else {
          expectGraphError(doctor, 404, "ErrorItemNotFound", NOT_FOUND);
          expectGraphError(doctorDelete, 404, "ErrorItemNotFound", NOT_FOUND);
        }
        expect((await t.request("DELETE", `${events}/${created.body.id}`, { token: w.token })).status).toBe(204);
        const owners = (await t.request("GET", `/v1.0/me/calendars/${w.teamId}/events`, { token: w.ownerToken })).body.value.map((e: any) => e.subject);
        expect(owners.sort()).toEqual(c.privateItems ? ["Moved"] : ["Doctor", "Moved"]);
      });
    });
  }
});
