import { describe, expect, it } from "vitest";
import { useTestServer } from "../support/harness.js";
import { entityOf, expectGraphError, GUID, pathOf } from "../support/graph-assertions.js";
import { MY_CALENDARS_CLASS_ID } from "../../src/graph/index.js";
import { newEntityId, randomIds, type Mailbox } from "../../src/domain/index.js";

// Calendar groups and the calendars inside them (spec §4.2 L2/C2/G2, §4.3).

describe("calendar groups", () => {
  const t = useTestServer();

  async function fresh(): Promise<{ mailbox: Mailbox; token: string }> {
    const mailbox = await t.newMailbox();
    return { mailbox, token: await t.userToken(mailbox) };
  }

  async function createGroup(token: string, name: string): Promise<{ id: string; name: string; classId: string; changeKey: string }> {
    const res = await t.request("POST", "/v1.0/me/calendarGroups", { token, body: { name } });
    expect(res.status, res.text).toBe(201);
    return entityOf(res.body) as { id: string; name: string; classId: string; changeKey: string };
  }

  describe("groups", () => {
    it("list calendarGroups: a new mailbox has only My Calendars with Outlook's class id", async () => {
      const { token } = await fresh();
      const res = await t.request("GET", "/v1.0/me/calendarGroups", { token });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        "@odata.context": "http://localhost:80/v1.0/$metadata#me/calendarGroups",
        value: [{ id: expect.stringMatching(/^[A-Za-z0-9_-]+$/), name: "My Calendars", classId: MY_CALENDARS_CLASS_ID, changeKey: expect.any(String) }],
      });
      expect(Object.keys(res.body.value[0])).toEqual(["id", "name", "classId", "changeKey"]);
    });

    it("create calendarGroup: 201 with a new class id, a Location that GETs it, and a listing", async () => {
      const { token } = await fresh();
      const res = await t.request("POST", "/v1.0/me/calendarGroups", { token, body: { name: "Projects" } });
      expect(res.status).toBe(201);
      expect(entityOf(res.body)).toEqual({ id: expect.any(String), name: "Projects", classId: expect.stringMatching(GUID), changeKey: expect.any(String) });
      expect(res.body.classId).not.toBe(MY_CALENDARS_CLASS_ID);
      const location = res.headers.location as string;
      expect(location).toMatch(new RegExp(`/v1\\.0/users/[0-9a-f-]{36}/calendarGroups/${res.body.id}$`));
      const got = await t.request("GET", pathOf(location), { token });
      expect(got.status).toBe(200);
      expect(entityOf(got.body)).toEqual(entityOf(res.body));
      const list = await t.request("GET", "/v1.0/me/calendarGroups", { token });
      expect(list.body.value.map((g: { name: string }) => g.name)).toEqual(["My Calendars", "Projects"]);
    });

    it("create calendarGroup: a duplicate name in any case is 409 ErrorFolderExists (My Calendars included)", async () => {
      const { token } = await fresh();
      await createGroup(token, "Team");
      for (const name of ["Team", "TEAM", "my calendars"]) {
        expectGraphError(await t.request("POST", "/v1.0/me/calendarGroups", { token, body: { name } }), 409, "ErrorFolderExists");
      }
      expect((await t.request("GET", "/v1.0/me/calendarGroups", { token })).body.value).toHaveLength(2);
    });

    it("create calendarGroup: a name is required; unknown properties are BadRequest", async () => {
      const { token } = await fresh();
      expectGraphError(await t.request("POST", "/v1.0/me/calendarGroups", { token, body: {} }), 400, "ErrorInvalidRequest");
      expectGraphError(await t.request("POST", "/v1.0/me/calendarGroups", { token, body: { name: "X", colour: "red" } }), 400, "BadRequest");
      expect((await t.request("GET", "/v1.0/me/calendarGroups", { token })).body.value).toHaveLength(1);
    });

    it("update calendarGroup: rename is 200 with a new changeKey; renaming onto another group's name is 409", async () => {
      const { token } = await fresh();
      const group = await createGroup(token, "Alpha");
      await createGroup(token, "Beta");
      const res = await t.request("PATCH", `/v1.0/me/calendarGroups/${group.id}`, { token, body: { name: "Gamma" } });
      expect(res.status).toBe(200);
      expect(entityOf(res.body)).toEqual({ ...group, name: "Gamma", changeKey: expect.any(String) });
      expect(res.body.changeKey).not.toBe(group.changeKey);
      expectGraphError(await t.request("PATCH", `/v1.0/me/calendarGroups/${group.id}`, { token, body: { name: "beta" } }), 409, "ErrorFolderExists");
      expect((await t.request("GET", `/v1.0/me/calendarGroups/${group.id}`, { token })).body.name).toBe("Gamma");
    });

    it("update calendarGroup: echoing the fetched group back is accepted; a different classId is ErrorInvalidPropertySet", async () => {
      const { token } = await fresh();
      const group = await createGroup(token, "Echo Group");
      const echoed = await t.request("PATCH", `/v1.0/me/calendarGroups/${group.id}`, { token, body: { ...group, name: "Echo Group 2" } });
      expect(echoed.status, echoed.text).toBe(200);
      expect(echoed.body.name).toBe("Echo Group 2");
      expectGraphError(await t.request("PATCH", `/v1.0/me/calendarGroups/${group.id}`, { token, body: { classId: MY_CALENDARS_CLASS_ID } }), 400, "ErrorInvalidPropertySet");
    });

    it("delete calendarGroup: an empty group is deleted (204, then 404)", async () => {
      const { token } = await fresh();
      const group = await createGroup(token, "Empty");
      const res = await t.request("DELETE", `/v1.0/me/calendarGroups/${group.id}`, { token });
      expect(res.status).toBe(204);
      expectGraphError(await t.request("GET", `/v1.0/me/calendarGroups/${group.id}`, { token }), 404, "ErrorItemNotFound");
      expectGraphError(await t.request("DELETE", `/v1.0/me/calendarGroups/${group.id}`, { token }), 404, "ErrorItemNotFound");
      // Its name is free again.
      await createGroup(token, "empty");
    });

    it("delete calendarGroup: a group that still holds calendars is 400 and stays", async () => {
      const { token } = await fresh();
      const group = await createGroup(token, "Full");
      expect((await t.request("POST", `/v1.0/me/calendarGroups/${group.id}/calendars`, { token, body: { name: "Inside" } })).status).toBe(201);
      expectGraphError(await t.request("DELETE", `/v1.0/me/calendarGroups/${group.id}`, { token }), 400, "ErrorInvalidRequest");
      expect((await t.request("GET", `/v1.0/me/calendarGroups/${group.id}`, { token })).status).toBe(200);
    });

    it("delete calendarGroup: the default group is 400 ErrorDeleteDistinguishedFolder", async () => {
      const { token } = await fresh();
      const [myCalendars] = (await t.request("GET", "/v1.0/me/calendarGroups", { token })).body.value;
      expectGraphError(await t.request("DELETE", `/v1.0/me/calendarGroups/${myCalendars.id}`, { token }), 400, "ErrorDeleteDistinguishedFolder");
      expect((await t.request("GET", "/v1.0/me/calendarGroups", { token })).body.value).toEqual([myCalendars]);
    });

    it("get calendarGroup: malformed id is 400 ErrorInvalidIdMalformed, a well-formed unknown one 404", async () => {
      const { mailbox, token } = await fresh();
      expectGraphError(await t.request("GET", "/v1.0/me/calendarGroups/nope", { token }), 400, "ErrorInvalidIdMalformed", "Id is malformed.");
      const unknown = newEntityId(randomIds, "calendarGroup", mailbox.id);
      expectGraphError(await t.request("GET", `/v1.0/me/calendarGroups/${unknown}`, { token }), 404, "ErrorItemNotFound");
      // A calendar id is not a group id.
      const [calendar] = (await t.request("GET", "/v1.0/me/calendars", { token })).body.value;
      expectGraphError(await t.request("GET", `/v1.0/me/calendarGroups/${calendar.id}`, { token }), 400, "ErrorInvalidIdMalformed");
    });

    it("get calendarGroup: $select on a group", async () => {
      const { token } = await fresh();
      const res = await t.request("GET", "/v1.0/me/calendarGroups?$select=classId", { token });
      expect(res.body.value).toEqual([{ id: expect.any(String), classId: MY_CALENDARS_CLASS_ID }]);
      expect(res.body["@odata.context"]).toMatch(/#me\/calendarGroups\(id,classId\)$/);
    });

    it("list calendarGroups: $top pages with an @odata.nextLink", async () => {
      const { token } = await fresh();
      for (const name of ["G1", "G2"]) await createGroup(token, name);
      const first = await t.request("GET", "/v1.0/me/calendarGroups?$top=2", { token });
      expect(first.body.value.map((g: { name: string }) => g.name)).toEqual(["My Calendars", "G1"]);
      expect(first.body["@odata.nextLink"]).toBe("http://localhost:80/v1.0/me/calendarGroups?$top=2&$skip=2");
      const second = await t.request("GET", pathOf(first.body["@odata.nextLink"]), { token });
      expect(second.body.value.map((g: { name: string }) => g.name)).toEqual(["G2"]);
      expect(second.body).not.toHaveProperty("@odata.nextLink");
    });
  });

  describe("calendars in groups", () => {
    it("create calendar (group): lands in the group with calendarGroupId and the group's class id (beta)", async () => {
      const { token } = await fresh();
      const group = await createGroup(token, "Work");
      const res = await t.request("POST", `/beta/me/calendarGroups/${group.id}/calendars`, { token, body: { name: "Sprint" } });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ name: "Sprint", calendarGroupId: group.id, groupClassId: group.classId, isDefaultCalendar: false });
      expect(res.body["@odata.context"]).toBe(`http://localhost:80/beta/$metadata#me/calendarGroups('${group.id}')/calendars/$entity`);

      const inGroup = await t.request("GET", `/beta/me/calendarGroups/${group.id}/calendars`, { token });
      expect(inGroup.status).toBe(200);
      expect(inGroup.body["@odata.context"]).toBe(`http://localhost:80/beta/$metadata#me/calendarGroups('${group.id}')/calendars`);
      expect(inGroup.body.value.map((c: { id: string }) => c.id)).toEqual([res.body.id]);

      // /calendars lists every group's calendars; /calendarGroup/calendars only the default group's.
      const all = await t.request("GET", "/beta/me/calendars", { token });
      expect(all.body.value.map((c: { name: string }) => c.name)).toEqual(["Calendar", "Birthdays", "Sprint"]);
      const defaultGroup = await t.request("GET", "/beta/me/calendarGroup/calendars", { token });
      expect(defaultGroup.body.value.map((c: { name: string }) => c.name)).toEqual(["Calendar", "Birthdays"]);
      expect(defaultGroup.body["@odata.context"]).toBe("http://localhost:80/beta/$metadata#me/calendarGroup/calendars");
    });

    it("create calendar (group): POST /calendarGroup/calendars creates in the default group with calendarGroupId set", async () => {
      const { token } = await fresh();
      const [myCalendars] = (await t.request("GET", "/beta/me/calendarGroups", { token })).body.value;
      const res = await t.request("POST", "/beta/me/calendarGroup/calendars", { token, body: { name: "Default Group Cal" } });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ calendarGroupId: myCalendars.id, groupClassId: MY_CALENDARS_CLASS_ID });
      const listed = await t.request("GET", `/beta/me/calendarGroups/${myCalendars.id}/calendars`, { token });
      expect(listed.body.value.map((c: { name: string }) => c.name)).toEqual(["Calendar", "Birthdays", "Default Group Cal"]);
    });

    it("create calendar (group): names are unique across groups (409), and an unknown group is 404", async () => {
      const { mailbox, token } = await fresh();
      const group = await createGroup(token, "Elsewhere");
      expectGraphError(await t.request("POST", `/v1.0/me/calendarGroups/${group.id}/calendars`, { token, body: { name: "calendar" } }), 409, "ErrorFolderExists");
      const unknown = newEntityId(randomIds, "calendarGroup", mailbox.id);
      expectGraphError(await t.request("POST", `/v1.0/me/calendarGroups/${unknown}/calendars`, { token, body: { name: "Orphan" } }), 404, "ErrorItemNotFound");
      expect((await t.request("GET", "/v1.0/me/calendars", { token })).body.value).toHaveLength(2);
    });

    it("get calendar (group): a calendar is found only through its own group", async () => {
      const { token } = await fresh();
      const group = await createGroup(token, "Side");
      const inGroup = (await t.request("POST", `/v1.0/me/calendarGroups/${group.id}/calendars`, { token, body: { name: "Side Cal" } })).body;
      const [calendar] = (await t.request("GET", "/v1.0/me/calendars", { token })).body.value;

      const ok = await t.request("GET", `/v1.0/me/calendarGroups/${group.id}/calendars/${inGroup.id}`, { token });
      expect(ok.status).toBe(200);
      expect(entityOf(ok.body)).toEqual(entityOf(inGroup));
      expect((await t.request("GET", `/v1.0/me/calendarGroup/calendars/${calendar.id}`, { token })).status).toBe(200);
      expect((await t.request("GET", `/v1.0/me/calendars/${inGroup.id}`, { token })).status).toBe(200);

      expectGraphError(await t.request("GET", `/v1.0/me/calendarGroups/${group.id}/calendars/${calendar.id}`, { token }), 404, "ErrorItemNotFound");
      expectGraphError(await t.request("GET", `/v1.0/me/calendarGroup/calendars/${inGroup.id}`, { token }), 404, "ErrorItemNotFound");
    });

    it("update and delete calendar (group): through the group path, and not through another group", async () => {
      const { token } = await fresh();
      const group = await createGroup(token, "Ops");
      const cal = (await t.request("POST", `/v1.0/me/calendarGroups/${group.id}/calendars`, { token, body: { name: "Ops Cal" } })).body;
      expectGraphError(await t.request("PATCH", `/v1.0/me/calendarGroup/calendars/${cal.id}`, { token, body: { name: "Nope" } }), 404, "ErrorItemNotFound");
      expectGraphError(await t.request("DELETE", `/v1.0/me/calendarGroup/calendars/${cal.id}`, { token }), 404, "ErrorItemNotFound");

      const renamed = await t.request("PATCH", `/v1.0/me/calendarGroups/${group.id}/calendars/${cal.id}`, { token, body: { name: "Ops Renamed" } });
      expect(renamed.status).toBe(200);
      expect(renamed.body.name).toBe("Ops Renamed");
      expect(renamed.body["@odata.context"]).toBe(`http://localhost:80/v1.0/$metadata#me/calendarGroups('${group.id}')/calendars/$entity`);
      expect((await t.request("DELETE", `/v1.0/me/calendarGroups/${group.id}/calendars/${cal.id}`, { token })).status).toBe(204);
      // Now empty, the group can go.
      expect((await t.request("DELETE", `/v1.0/me/calendarGroups/${group.id}`, { token })).status).toBe(204);
    });

    it("list calendars (group): an unknown group is 404, a malformed one 400", async () => {
      const { mailbox, token } = await fresh();
      const unknown = newEntityId(randomIds, "calendarGroup", mailbox.id);
      expectGraphError(await t.request("GET", `/v1.0/me/calendarGroups/${unknown}/calendars`, { token }), 404, "ErrorItemNotFound");
      expectGraphError(await t.request("GET", "/v1.0/me/calendarGroups/bad-id/calendars", { token }), 400, "ErrorInvalidIdMalformed");
    });

    it("list calendars (group): no delta under a group (400 naming the segment)", async () => {
      const { token } = await fresh();
      const group = await createGroup(token, "No Delta");
      expectGraphError(await t.request("GET", `/beta/me/calendarGroups/${group.id}/calendars/delta`, { token }), 400, "BadRequest",
        "Resource not found for the segment 'delta'.");
    });

    it("list calendars (group): the group path pages with $top and a nextLink under the same path", async () => {
      const { token } = await fresh();
      const group = await createGroup(token, "Paged");
      for (const name of ["P1", "P2", "P3"]) await t.request("POST", `/v1.0/me/calendarGroups/${group.id}/calendars`, { token, body: { name } });
      const first = await t.request("GET", `/v1.0/me/calendarGroups/${group.id}/calendars?$top=2`, { token });
      expect(first.body.value.map((c: { name: string }) => c.name)).toEqual(["P1", "P2"]);
      expect(first.body["@odata.nextLink"]).toBe(`http://localhost:80/v1.0/me/calendarGroups/${group.id}/calendars?$top=2&$skip=2`);
      const second = await t.request("GET", pathOf(first.body["@odata.nextLink"]), { token });
      expect(second.body.value.map((c: { name: string }) => c.name)).toEqual(["P3"]);
    });
  });
});
