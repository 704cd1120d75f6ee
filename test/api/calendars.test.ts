import { describe, expect, it } from "vitest";
import { useTestServer } from "../support/harness.js";
import { entityOf, expectGraphError, seedCalendar } from "../support/graph-assertions.js";
import { CALENDAR_PROPERTIES, MY_CALENDARS_CLASS_ID } from "../../src/graph/index.js";
import type { Mailbox } from "../../src/domain/index.js";

// Calendar CRUD over HTTP (spec §4.2, §5, §6). Delta has its own suites.

/** The two calendars of the seed's example response (docs' calendar-delta page), minus @odata.type. */
const SEED_EXAMPLE = [
  {
    id: "AQMkADRhZThkMDVjLTJmNDctNDUyZC05YjA2LTI2YzRmMTIxOWJhZQBGAAADVDIMnvGkNkGo5_ASLe7iUQcAvXegGcyc-0O1dA1ftrtB6QAAAgEGAAAAvXegGcyc-0O1dA1ftrtB6QAAAUSwewAAAA==",
    name: "Calendar", color: "auto", hexColor: "", groupClassId: "0006f0b7-0000-0000-c000-000000000046",
    isDefaultCalendar: true, changeKey: "vXegGcyc/0O1dA1ftrtB6QAAAEO+6Q==", canShare: true, canViewPrivateItems: true,
    isShared: false, isSharedWithMe: false, canEdit: true, calendarGroupId: null,
    allowedOnlineMeetingProviders: ["teamsForBusiness"], defaultOnlineMeetingProvider: "teamsForBusiness",
    isTallyingResponses: true, isRemovable: false, owner: { name: "Samantha Booth", address: "samanthab@contoso.com" },
  },
  {
    id: "AQMkADRhZThkMDVjLTJmNDctNDUyZC05YjA2LTI2YzRmMTIxOWJhZQBGAAADVDIMnvGkNkGo5_ASLe7iUQcAvXegGcyc-0O1dA1ftrtB6QAAAgEGAAAAvXegGcyc-0O1dA1ftrtB6QAAAU4pOwAAAA==",
    name: "Birthdays", color: "auto", hexColor: "", groupClassId: "0006f0b7-0000-0000-c000-000000000046",
    isDefaultCalendar: false, changeKey: "vXegGcyc/0O1dA1ftrtB6QAAAEzvog==", canShare: false, canViewPrivateItems: true,
    isShared: false, isSharedWithMe: false, canEdit: false, calendarGroupId: null,
    allowedOnlineMeetingProviders: [], defaultOnlineMeetingProvider: "unknown",
    isTallyingResponses: false, isRemovable: true, owner: { name: "Samantha Booth", address: "samanthab@contoso.com" },
  },
];

const ID = /^[A-Za-z0-9_=-]+$/;
const CHANGE_KEY = /^[A-Za-z0-9+/]+={0,2}$/;

/** An entity whose opaque id and changeKey may differ from the example's. */
function withOpaqueKeys(example: Record<string, unknown>): Record<string, unknown> {
  return { ...example, id: expect.stringMatching(ID), changeKey: expect.stringMatching(CHANGE_KEY) };
}

describe("calendars", () => {
  const t = useTestServer();

  /** A fresh mailbox and a delegated token with Calendars.ReadWrite. */
  async function fresh(displayName = "Test User"): Promise<{ mailbox: Mailbox; token: string }> {
    const mailbox = await t.newMailbox(displayName);
    return { mailbox, token: await t.userToken(mailbox) };
  }

  describe("provisioned calendars", () => {
    it("list calendars: samanthab@contoso.com has the seed example's Calendar and Birthdays, property for property", async () => {
      const token = await t.userToken("samanthab@contoso.com");
      const res = await t.request("GET", "/beta/me/calendars", { token });
      expect(res.status).toBe(200);
      expect(res.body.value).toEqual(SEED_EXAMPLE.map(withOpaqueKeys));
      // Same property order as the example (Graph's serialisation order).
      for (const [i, calendar] of (res.body.value as Record<string, unknown>[]).entries()) {
        expect(Object.keys(calendar)).toEqual(Object.keys(SEED_EXAMPLE[i] as object));
      }
      expect(res.body.value[0].changeKey).not.toBe(res.body.value[1].changeKey);
      expect(res.body.value[0].id).not.toBe(res.body.value[1].id);
    });

    it("list calendars: the same seed calendars are reachable with an app token via /users/{upn}", async () => {
      const viaMe = await t.request("GET", "/beta/me/calendars", { token: await t.userToken("samanthab@contoso.com") });
      const viaApp = await t.request("GET", "/beta/users/samanthab@contoso.com/calendars", { token: await t.appToken(["Calendars.Read"]) });
      expect(viaApp.status).toBe(200);
      expect(viaApp.body.value).toEqual(viaMe.body.value);
    });

    it("list calendars: a new mailbox gets Calendar and Birthdays owned by its user", async () => {
      const { mailbox, token } = await fresh("Nora Quist");
      const res = await t.request("GET", "/beta/me/calendars", { token });
      const owner = { name: "Nora Quist", address: mailbox.userPrincipalName };
      expect(res.body.value).toEqual(SEED_EXAMPLE.map((c) => withOpaqueKeys({ ...c, owner })));
    });

    it("list calendars: v1.0 serialises exactly the v1.0 property set, in order", async () => {
      const { token } = await fresh();
      const res = await t.request("GET", "/v1.0/me/calendars", { token });
      expect(res.status).toBe(200);
      for (const calendar of res.body.value) {
        expect(Object.keys(calendar)).toEqual(CALENDAR_PROPERTIES["v1.0"]);
        for (const betaOnly of ["calendarGroupId", "isShared", "isSharedWithMe", "groupClassId"]) expect(calendar).not.toHaveProperty(betaOnly);
      }
      const beta = await t.request("GET", "/beta/me/calendars", { token });
      // The shared properties carry the same values in both versions.
      for (const [i, calendar] of (res.body.value as Record<string, unknown>[]).entries()) {
        for (const [key, value] of Object.entries(calendar)) expect(beta.body.value[i][key]).toEqual(value);
      }
    });

    it("get calendar: /calendar is the default calendar and reports isDefaultCalendar true", async () => {
      const { token } = await fresh();
      const list = await t.request("GET", "/beta/me/calendars", { token });
      const res = await t.request("GET", "/beta/me/calendar", { token });
      expect(res.status).toBe(200);
      expect(entityOf(res.body)).toEqual(list.body.value[0]);
      expect(res.body.isDefaultCalendar).toBe(true);
    });
  });

  describe("get", () => {
    it("get calendar: by id, plain and with OData key syntax", async () => {
      const { token } = await fresh();
      const [, birthdays] = (await t.request("GET", "/beta/me/calendars", { token })).body.value;
      const plain = await t.request("GET", `/beta/me/calendars/${birthdays.id}`, { token });
      const keyed = await t.request("GET", `/beta/me/calendars('${birthdays.id}')`, { token });
      expect(plain.status).toBe(200);
      expect(entityOf(plain.body)).toEqual(birthdays);
      expect(entityOf(keyed.body)).toEqual(birthdays);
    });

    it("get calendar: $select projects the entity and names the selection in @odata.context", async () => {
      const { token } = await fresh();
      const res = await t.request("GET", "/beta/me/calendar?$select=owner,NAME", { token });
      expect(res.status).toBe(200);
      expect(Object.keys(res.body)).toEqual(["@odata.context", "id", "name", "owner"]);
      expect(res.body["@odata.context"]).toMatch(/\/beta\/\$metadata#me\/calendar\(id,name,owner\)\/\$entity$/);
    });

    it("get calendar: a calendar of another mailbox is not found in mine", async () => {
      const a = await fresh();
      const b = await fresh();
      const other = await seedCalendar(t, b.mailbox, "Theirs");
      expectGraphError(await t.request("GET", `/v1.0/me/calendars/${other.id}`, { token: a.token }), 404, "ErrorItemNotFound",
        "The specified object was not found in the store.");
    });
  });

  describe("create", () => {
    it("create calendar: 201 with the defaults of spec §5.3 and decision 9 (beta)", async () => {
      const { mailbox, token } = await fresh("Ada Lovelace");
      const before = (await t.request("GET", "/beta/me/calendars", { token })).body.value as { changeKey: string }[];
      const res = await t.request("POST", "/beta/me/calendars", { token, body: { name: "Project X" } });
      expect(res.status).toBe(201);
      expect(entityOf(res.body)).toEqual({
        id: expect.stringMatching(ID), name: "Project X", color: "auto", hexColor: "", groupClassId: MY_CALENDARS_CLASS_ID,
        isDefaultCalendar: false, changeKey: expect.stringMatching(CHANGE_KEY), canShare: true, canViewPrivateItems: true,
        isShared: false, isSharedWithMe: false, canEdit: true, calendarGroupId: null,
        allowedOnlineMeetingProviders: ["teamsForBusiness"], defaultOnlineMeetingProvider: "teamsForBusiness",
        isTallyingResponses: false, isRemovable: true, owner: { name: "Ada Lovelace", address: mailbox.userPrincipalName },
      });
      expect(Object.keys(entityOf(res.body))).toEqual(CALENDAR_PROPERTIES.beta);
      expect(before.map((c) => c.changeKey)).not.toContain(res.body.changeKey);

      const got = await t.request("GET", `/beta/me/calendars/${res.body.id}`, { token });
      expect(entityOf(got.body)).toEqual(entityOf(res.body));
      const list = await t.request("GET", "/beta/me/calendars", { token });
      expect(list.body.value.map((c: { name: string }) => c.name)).toEqual(["Calendar", "Birthdays", "Project X"]);
    });

    it("create calendar: v1.0 answers with the v1.0 property set", async () => {
      const { token } = await fresh();
      const res = await t.request("POST", "/v1.0/me/calendars", { token, body: { name: "V1" } });
      expect(res.status).toBe(201);
      expect(Object.keys(entityOf(res.body))).toEqual(CALENDAR_PROPERTIES["v1.0"]);
      expect(res.body).toMatchObject({ isRemovable: true, isTallyingResponses: false, isDefaultCalendar: false });
    });

    it("create calendar: color is accepted case-insensitively and emitted camelCase; hexColor settable on beta", async () => {
      const { token } = await fresh();
      const res = await t.request("POST", "/beta/me/calendars", { token, body: { name: "Coloured", color: "LIGHTGREEN", hexColor: "#12aB9f" } });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ color: "lightGreen", hexColor: "#12aB9f" });
      const got = await t.request("GET", `/v1.0/me/calendars/${res.body.id}`, { token });
      expect(got.body).toMatchObject({ color: "lightGreen", hexColor: "#12aB9f" });
    });

    it("create calendar: @odata.type in the body is accepted and ignored (Kiota sends it)", async () => {
      const { token } = await fresh();
      const res = await t.request("POST", "/v1.0/me/calendars", { token, body: { "@odata.type": "#microsoft.graph.calendar", name: "Typed" } });
      expect(res.status).toBe(201);
      expect(res.body.name).toBe("Typed");
    });

    it("create calendar: a name already used, in any letter case, is 409 ErrorFolderExists", async () => {
      const { token } = await fresh();
      expect((await t.request("POST", "/v1.0/me/calendars", { token, body: { name: "Team Sync" } })).status).toBe(201);
      for (const name of ["Team Sync", "team sync", "TEAM SYNC", "calendar", "BIRTHDAYS"]) {
        expectGraphError(await t.request("POST", "/v1.0/me/calendars", { token, body: { name } }), 409, "ErrorFolderExists",
          "A folder with the specified name already exists.");
      }
      const list = await t.request("GET", "/v1.0/me/calendars", { token });
      expect(list.body.value).toHaveLength(3);
    });

    it("create calendar: the same name in two mailboxes is fine", async () => {
      const a = await fresh();
      const b = await fresh();
      expect((await t.request("POST", "/v1.0/me/calendars", { token: a.token, body: { name: "Shared Name" } })).status).toBe(201);
      expect((await t.request("POST", "/v1.0/me/calendars", { token: b.token, body: { name: "Shared Name" } })).status).toBe(201);
    });

    it("create calendar: cannot be created as the default calendar", async () => {
      const { token } = await fresh();
      expectGraphError(await t.request("POST", "/v1.0/me/calendars", { token, body: { name: "Def", isDefaultCalendar: true } }), 400, "ErrorInvalidRequest");
      expect((await t.request("GET", "/v1.0/me/calendars", { token })).body.value).toHaveLength(2);
    });
  });

});
