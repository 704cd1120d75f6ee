import { describe, expect, it } from "vitest";
import { useTestServer } from "../support/harness.js";
import { entityOf, expectGraphError, pathOf, seedCalendar } from "../support/graph-assertions.js";
import type { Mailbox } from "../../src/domain/index.js";

// Calendar updates, deletes and list options over HTTP (spec §4.2, §6); creation and reads are
// in calendars.test.ts.

const CHANGE_KEY = /^[A-Za-z0-9+/]+={0,2}$/;

describe("calendars: update, delete, list options", () => {
  const t = useTestServer();

  /** A fresh mailbox and a delegated token with Calendars.ReadWrite. */
  async function fresh(displayName = "Test User"): Promise<{ mailbox: Mailbox; token: string }> {
    const mailbox = await t.newMailbox(displayName);
    return { mailbox, token: await t.userToken(mailbox) };
  }

  describe("update", () => {
    it("update calendar: rename answers 200 with the full entity, a new changeKey, other properties kept", async () => {
      const { token } = await fresh();
      const created = (await t.request("POST", "/beta/me/calendars", { token, body: { name: "Old", color: "lightPink", hexColor: "#010203" } })).body;
      const res = await t.request("PATCH", `/beta/me/calendars/${created.id}`, { token, body: { name: "New" } });
      expect(res.status).toBe(200);
      expect(entityOf(res.body)).toEqual({ ...entityOf(created), name: "New", changeKey: expect.stringMatching(CHANGE_KEY) });
      expect(res.body.changeKey).not.toBe(created.changeKey);
      expect(entityOf((await t.request("GET", `/beta/me/calendars/${created.id}`, { token })).body)).toEqual(entityOf(res.body));
    });

    it("update calendar: every update assigns a fresh changeKey", async () => {
      const { token } = await fresh();
      const created = (await t.request("POST", "/v1.0/me/calendars", { token, body: { name: "K" } })).body;
      const keys = new Set<string>([created.changeKey]);
      for (const color of ["lightBlue", "lightRed", "auto"]) {
        const res = await t.request("PATCH", `/v1.0/me/calendars/${created.id}`, { token, body: { color } });
        expect(res.body.color).toBe(color);
        keys.add(res.body.changeKey);
      }
      expect(keys.size).toBe(4);
    });

    it("update calendar: PATCH /calendar updates the default calendar", async () => {
      const { token } = await fresh();
      const res = await t.request("PATCH", "/v1.0/me/calendar", { token, body: { color: "lightTeal" } });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ name: "Calendar", color: "lightTeal", isDefaultCalendar: true });
      expect(res.body["@odata.context"]).toMatch(/#me\/calendar\/\$entity$/);
    });

    it("update calendar: renaming onto another calendar's name (any case) is 409; changing only the case of its own name is fine", async () => {
      const { token } = await fresh();
      const created = (await t.request("POST", "/v1.0/me/calendars", { token, body: { name: "Holidays" } })).body;
      expectGraphError(await t.request("PATCH", `/v1.0/me/calendars/${created.id}`, { token, body: { name: "bIRTHDAYS" } }), 409, "ErrorFolderExists");
      expect((await t.request("GET", `/v1.0/me/calendars/${created.id}`, { token })).body.name).toBe("Holidays");
      const recased = await t.request("PATCH", `/v1.0/me/calendars/${created.id}`, { token, body: { name: "HOLIDAYS" } });
      expect(recased.status).toBe(200);
      expect(recased.body.name).toBe("HOLIDAYS");
    });

    it("update calendar: PATCHing back a fetched entity (read-only values unchanged, old changeKey included) is accepted", async () => {
      for (const version of ["v1.0", "beta"]) {
        const { token } = await fresh();
        const created = (await t.request("POST", `/${version}/me/calendars`, { token, body: { name: "Echo" } })).body;
        const fetched = entityOf((await t.request("GET", `/${version}/me/calendars/${created.id}`, { token })).body);
        const res = await t.request("PATCH", `/${version}/me/calendars/${created.id}`, { token, body: { ...fetched, name: "Echoed" } });
        expect(res.status, `${version}: ${res.text}`).toBe(200);
        expect(res.body.name).toBe("Echoed");
        expect(res.body.changeKey).not.toBe(fetched.changeKey);
      }
    });

    it("update calendar: moving isDefaultCalendar gives both calendars new changeKeys and swaps their default-only properties", async () => {
      const { token } = await fresh();
      const oldDefault = entityOf((await t.request("GET", "/beta/me/calendar", { token })).body);
      const created = (await t.request("POST", "/beta/me/calendars", { token, body: { name: "Primary Now" } })).body;

      const res = await t.request("PATCH", `/beta/me/calendars/${created.id}`, { token, body: { isDefaultCalendar: true } });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ id: created.id, isDefaultCalendar: true, isRemovable: false, isTallyingResponses: true });
      expect(res.body.changeKey).not.toBe(created.changeKey);

      const demoted = (await t.request("GET", `/beta/me/calendars/${oldDefault.id}`, { token })).body;
      expect(demoted).toMatchObject({ isDefaultCalendar: false, isRemovable: true, isTallyingResponses: false, name: "Calendar" });
      expect(demoted.changeKey).not.toBe(oldDefault.changeKey);
      expect(demoted.changeKey).not.toBe(res.body.changeKey);

      expect((await t.request("GET", "/beta/me/calendar", { token })).body.id).toBe(created.id);
      const defaults = (await t.request("GET", "/beta/me/calendars", { token })).body.value.filter((c: { isDefaultCalendar: boolean }) => c.isDefaultCalendar);
      expect(defaults.map((c: { id: string }) => c.id)).toEqual([created.id]);
    });

    it("update calendar: setting isDefaultCalendar true on the default is a no-op move", async () => {
      const { token } = await fresh();
      const res = await t.request("PATCH", "/v1.0/me/calendar", { token, body: { isDefaultCalendar: true } });
      expect(res.status).toBe(200);
      expect(res.body.isDefaultCalendar).toBe(true);
      const defaults = (await t.request("GET", "/v1.0/me/calendars", { token })).body.value.filter((c: { isDefaultCalendar: boolean }) => c.isDefaultCalendar);
      expect(defaults).toHaveLength(1);
    });

    it("update calendar: isDefaultCalendar false on the default calendar is 400 ErrorInvalidRequest (decision 13)", async () => {
      const { token } = await fresh();
      const before = (await t.request("GET", "/v1.0/me/calendar", { token })).body;
      expectGraphError(await t.request("PATCH", "/v1.0/me/calendar", { token, body: { isDefaultCalendar: false } }), 400, "ErrorInvalidRequest");
      expect((await t.request("GET", "/v1.0/me/calendar", { token })).body).toEqual(before);
    });

    it("update calendar: the read-only Birthdays calendar cannot become the default", async () => {
      const { token } = await fresh();
      const [, birthdays] = (await t.request("GET", "/v1.0/me/calendars", { token })).body.value;
      expectGraphError(await t.request("PATCH", `/v1.0/me/calendars/${birthdays.id}`, { token, body: { isDefaultCalendar: true } }), 400, "ErrorInvalidRequest");
      expect((await t.request("GET", "/v1.0/me/calendar", { token })).body.name).toBe("Calendar");
    });
  });

  describe("delete", () => {
    it("delete calendar: 204, then gone from get and list; a second delete is 404", async () => {
      const { token } = await fresh();
      const created = (await t.request("POST", "/v1.0/me/calendars", { token, body: { name: "Temp" } })).body;
      const res = await t.request("DELETE", `/v1.0/me/calendars/${created.id}`, { token });
      expect(res.status).toBe(204);
      expect(res.text).toBe("");
      expectGraphError(await t.request("GET", `/v1.0/me/calendars/${created.id}`, { token }), 404, "ErrorItemNotFound");
      const names = (await t.request("GET", "/v1.0/me/calendars", { token })).body.value.map((c: { name: string }) => c.name);
      expect(names).toEqual(["Calendar", "Birthdays"]);
      expectGraphError(await t.request("DELETE", `/v1.0/me/calendars/${created.id}`, { token }), 404, "ErrorItemNotFound");
    });

    it("delete calendar: a deleted calendar's name can be used again", async () => {
      const { token } = await fresh();
      const created = (await t.request("POST", "/v1.0/me/calendars", { token, body: { name: "Reuse" } })).body;
      expect((await t.request("DELETE", `/v1.0/me/calendars/${created.id}`, { token })).status).toBe(204);
      const again = await t.request("POST", "/v1.0/me/calendars", { token, body: { name: "reuse" } });
      expect(again.status).toBe(201);
      expect(again.body.id).not.toBe(created.id);
    });

    it("delete calendar: the default calendar cannot be deleted (400 ErrorDeleteDistinguishedFolder), by /calendar or by id", async () => {
      const { token } = await fresh();
      const def = (await t.request("GET", "/v1.0/me/calendar", { token })).body;
      for (const url of ["/v1.0/me/calendar", `/v1.0/me/calendars/${def.id}`]) {
        expectGraphError(await t.request("DELETE", url, { token }), 400, "ErrorDeleteDistinguishedFolder", "Distinguished folders cannot be deleted.");
      }
      expect((await t.request("GET", "/v1.0/me/calendar", { token })).body).toEqual(def);
    });

    it("delete calendar: Birthdays is removable and can be deleted (decision 16)", async () => {
      const { token } = await fresh();
      const [, birthdays] = (await t.request("GET", "/v1.0/me/calendars", { token })).body.value;
      expect(birthdays.isRemovable).toBe(true);
      expect((await t.request("DELETE", `/v1.0/me/calendars/${birthdays.id}`, { token })).status).toBe(204);
      expect((await t.request("GET", "/v1.0/me/calendars", { token })).body.value.map((c: { name: string }) => c.name)).toEqual(["Calendar"]);
    });

    it("delete calendar: after the default moved, the old default can be deleted and the new one cannot", async () => {
      const { token } = await fresh();
      const oldDefault = (await t.request("GET", "/v1.0/me/calendar", { token })).body;
      const created = (await t.request("POST", "/v1.0/me/calendars", { token, body: { name: "Main" } })).body;
      await t.request("PATCH", `/v1.0/me/calendars/${created.id}`, { token, body: { isDefaultCalendar: true } });
      expectGraphError(await t.request("DELETE", `/v1.0/me/calendars/${created.id}`, { token }), 400, "ErrorDeleteDistinguishedFolder");
      expect((await t.request("DELETE", `/v1.0/me/calendars/${oldDefault.id}`, { token })).status).toBe(204);
    });
  });

  describe("permanentDelete", () => {
    it("permanentDelete: POST …/calendars/{id}/permanentDelete is 204 and removes the calendar", async () => {
      const { token } = await fresh();
      const created = (await t.request("POST", "/v1.0/me/calendars", { token, body: { name: "Gone For Good" } })).body;
      const res = await t.request("POST", `/v1.0/me/calendars/${created.id}/permanentDelete`, { token });
      expect(res.status).toBe(204);
      expect(res.text).toBe("");
      expectGraphError(await t.request("GET", `/v1.0/me/calendars/${created.id}`, { token }), 404, "ErrorItemNotFound");
      expectGraphError(await t.request("POST", `/v1.0/me/calendars/${created.id}/permanentDelete`, { token }), 404, "ErrorItemNotFound");
    });

    it("permanentDelete: the namespaced spelling microsoft.graph.permanentDelete works too", async () => {
      const { token } = await fresh();
      const created = (await t.request("POST", "/beta/me/calendars", { token, body: { name: "NS" } })).body;
      expect((await t.request("POST", `/beta/me/calendars/${created.id}/microsoft.graph.permanentDelete`, { token })).status).toBe(204);
      expect((await t.request("GET", "/beta/me/calendars", { token })).body.value).toHaveLength(2);
    });

    it("permanentDelete: the default calendar is refused (decision 16)", async () => {
      const { token } = await fresh();
      expectGraphError(await t.request("POST", "/v1.0/me/calendar/permanentDelete", { token }), 400, "ErrorDeleteDistinguishedFolder");
      expect((await t.request("GET", "/v1.0/me/calendar", { token })).status).toBe(200);
    });

    it("permanentDelete: a request body is refused and nothing is deleted", async () => {
      const { token } = await fresh();
      const created = (await t.request("POST", "/v1.0/me/calendars", { token, body: { name: "Body" } })).body;
      expectGraphError(await t.request("POST", `/v1.0/me/calendars/${created.id}/permanentDelete`, { token, body: { force: true } }), 400, "BadRequest");
      expect((await t.request("GET", `/v1.0/me/calendars/${created.id}`, { token })).status).toBe(200);
    });
  });

  describe("list paging and options", () => {
    it("list calendars: default page of 10 with an @odata.nextLink ($top=10&$skip=10) that walks the rest", async () => {
      const { mailbox, token } = await fresh();
      for (let i = 0; i < 12; i++) await seedCalendar(t, mailbox, `Cal ${String(i).padStart(2, "0")}`);
      const first = await t.request("GET", "/v1.0/me/calendars", { token });
      expect(first.body.value).toHaveLength(10);
      const next = first.body["@odata.nextLink"] as string;
      expect(next).toBe("http://localhost:80/v1.0/me/calendars?$top=10&$skip=10");
      const second = await t.request("GET", pathOf(next), { token });
      expect(second.status).toBe(200);
      expect(second.body.value).toHaveLength(4);
      expect(second.body).not.toHaveProperty("@odata.nextLink");
      const ids = [...first.body.value, ...second.body.value].map((c: { id: string }) => c.id);
      expect(new Set(ids).size).toBe(14);
      expect([...first.body.value, ...second.body.value].map((c: { name: string }) => c.name).slice(0, 3)).toEqual(["Calendar", "Birthdays", "Cal 00"]);
    });

    it("list calendars: $top sets the page size and the nextLink repeats $select", async () => {
      const { mailbox, token } = await fresh();
      for (let i = 0; i < 3; i++) await seedCalendar(t, mailbox, `Page ${i}`);
      const seen: string[] = [];
      let url: string | undefined = "/beta/users/" + mailbox.id + "/calendars?$top=2&$select=name";
      let pages = 0;
      while (url) {
        const res = await t.request("GET", url, { token });
        expect(res.status).toBe(200);
        expect(res.body.value.length).toBeLessThanOrEqual(2);
        for (const c of res.body.value) {
          expect(Object.keys(c)).toEqual(["id", "name"]);
          seen.push(c.name);
        }
        const next = res.body["@odata.nextLink"] as string | undefined;
        if (next) expect(next).toMatch(new RegExp(`/beta/users/${mailbox.id}/calendars\\?\\$select=name&\\$top=2&\\$skip=\\d+$`));
        url = next && pathOf(next);
        pages++;
      }
      expect(pages).toBe(3);
      expect(seen).toEqual(["Calendar", "Birthdays", "Page 0", "Page 1", "Page 2"]);
    });

    it("list calendars: exactly $top items and no nextLink when nothing is left", async () => {
      const { token } = await fresh();
      const res = await t.request("GET", "/v1.0/me/calendars?$top=2", { token });
      expect(res.body.value).toHaveLength(2);
      expect(res.body).not.toHaveProperty("@odata.nextLink");
    });

    it("list calendars: $skip skips, beyond the end is an empty page", async () => {
      const { token } = await fresh();
      const skipped = await t.request("GET", "/v1.0/me/calendars?$skip=1", { token });
      expect(skipped.body.value.map((c: { name: string }) => c.name)).toEqual(["Birthdays"]);
      const beyond = await t.request("GET", "/v1.0/me/calendars?$skip=50", { token });
      expect(beyond.status).toBe(200);
      expect(beyond.body.value).toEqual([]);
    });

    it("list calendars: $count=true adds @odata.count of the whole collection", async () => {
      const { mailbox, token } = await fresh();
      await seedCalendar(t, mailbox, "Counted");
      const res = await t.request("GET", "/v1.0/me/calendars?$count=true&$top=1", { token });
      expect(res.body["@odata.count"]).toBe(3);
      expect(res.body.value).toHaveLength(1);
      expect(res.body["@odata.nextLink"]).toContain("$count=true");
    });

    it("list calendars: $select projects every item and is reflected in @odata.context", async () => {
      const { token } = await fresh();
      const res = await t.request("GET", "/beta/me/calendars?$select=isDefaultCalendar,name,groupClassId", { token });
      expect(res.status).toBe(200);
      expect(res.body["@odata.context"]).toBe("http://localhost:80/beta/$metadata#me/calendars(id,name,groupClassId,isDefaultCalendar)");
      expect(res.body.value.map((c: object) => Object.keys(c))).toEqual([
        ["id", "name", "groupClassId", "isDefaultCalendar"], ["id", "name", "groupClassId", "isDefaultCalendar"],
      ]);
      expect(res.body.value.map((c: { isDefaultCalendar: boolean }) => c.isDefaultCalendar)).toEqual([true, false]);
    });

    it("list calendars: beta honours system options without $, v1.0 ignores them", async () => {
      const { token } = await fresh();
      expect((await t.request("GET", "/beta/me/calendars?top=1", { token })).body.value).toHaveLength(1);
      expect((await t.request("GET", "/v1.0/me/calendars?top=1", { token })).body.value).toHaveLength(2);
      expect((await t.request("GET", "/v1.0/me/calendars?%24top=1", { token })).body.value).toHaveLength(1);
    });

    it("list calendars: $top above 1000 is clamped to 1000", async () => {
      const { mailbox, token } = await fresh();
      for (let i = 0; i < 999; i++) await seedCalendar(t, mailbox, `Bulk ${i}`);
      // 2 provisioned + 999 = 1001 calendars.
      const res = await t.request("GET", "/v1.0/me/calendars?$top=5000&$select=name", { token });
      expect(res.status).toBe(200);
      expect(res.body.value).toHaveLength(1000);
      expect(res.body["@odata.nextLink"]).toMatch(/\$top=1000&\$skip=1000$/);
      const rest = await t.request("GET", pathOf(res.body["@odata.nextLink"]), { token });
      expect(rest.body.value.map((c: { name: string }) => c.name)).toEqual(["Bulk 998"]);
    });
  });
});
