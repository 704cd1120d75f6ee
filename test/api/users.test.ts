import { describe, expect, it } from "vitest";
import { randomUUID } from "node:crypto";
import { useTestServer } from "../support/harness.js";
import { entityOf, expectGraphError, pathOf } from "../support/graph-assertions.js";
import { DEMO_TENANT_ID, DEMO_USERS } from "../../src/server/index.js";
import { USER_PROPERTIES } from "../../src/graph/index.js";

// Users: /me, /users/{id | upn} in its spellings, the TokenToReplace alias and GET /users (spec §2.2, §4.1).

describe("users", () => {
  const t = useTestServer();

  const samantha = DEMO_USERS[0];

  describe("get user", () => {
    it("get user: /me returns the signed-in user's directory subset", async () => {
      const mailbox = await t.newMailbox("Grace Hopper");
      const res = await t.request("GET", "/v1.0/me", { token: await t.userToken(mailbox, ["User.Read"]) });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        "@odata.context": "http://localhost:80/v1.0/$metadata#users/$entity",
        id: mailbox.id, displayName: "Grace Hopper", userPrincipalName: mailbox.userPrincipalName,
        mail: mailbox.userPrincipalName, givenName: null, surname: null,
      });
      expect(Object.keys(entityOf(res.body))).toEqual(USER_PROPERTIES);
    });

    it("get user: the demo user samanthab@contoso.com by UPN, any case, and percent-encoded", async () => {
      const token = await t.appToken(["User.Read.All"]);
      const expected = {
        id: samantha.id, displayName: "Samantha Booth", userPrincipalName: "samanthab@contoso.com",
        mail: "samanthab@contoso.com", givenName: "Samantha", surname: "Booth",
      };
      for (const spelling of ["samanthab@contoso.com", "SamanthaB@Contoso.COM", "samanthab%40contoso.com", "SAMANTHAB%40CONTOSO.COM"]) {
        const res = await t.request("GET", `/v1.0/users/${spelling}`, { token });
        expect(res.status, spelling).toBe(200);
        expect(entityOf(res.body), spelling).toEqual(expected);
      }
    });

    it("get user: by object id, in either case, and with OData key syntax", async () => {
      const token = await t.appToken(["User.Read.All"]);
      for (const path of [
        `/v1.0/users/${samantha.id}`, `/v1.0/users/${samantha.id.toUpperCase()}`,
        `/v1.0/users('${samantha.id}')`, "/v1.0/users('samanthab@contoso.com')", "/v1.0/users('samanthab%40contoso.com')",
      ]) {
        const res = await t.request("GET", path, { token });
        expect(res.status, path).toBe(200);
        expect(res.body.id, path).toBe(samantha.id);
      }
    });

    it("get user: $select projects the user", async () => {
      const mailbox = await t.newMailbox("Sel");
      const res = await t.request("GET", "/beta/me?$select=displayName", { token: await t.userToken(mailbox, ["User.Read"]) });
      expect(res.body).toEqual({ "@odata.context": "http://localhost:80/beta/$metadata#users(id,displayName)/$entity", id: mailbox.id, displayName: "Sel" });
    });

    it("get user: an unknown user is 404 Request_ResourceNotFound on the directory path", async () => {
      const token = await t.appToken(["User.Read.All"]);
      for (const who of ["nobody@contoso.com", randomUUID()]) {
        expectGraphError(await t.request("GET", `/v1.0/users/${who}`, { token }), 404, "Request_ResourceNotFound",
          `Resource '${who}' does not exist or one of its queried reference-property objects are not present.`);
      }
    });

    it("get user: another user needs a tenant-wide user scope when delegated", async () => {
      const mailbox = await t.newMailbox();
      expectGraphError(await t.request("GET", `/v1.0/users/${samantha.id}`, { token: await t.userToken(mailbox, ["User.Read"]) }), 403, "ErrorAccessDenied");
      const res = await t.request("GET", `/v1.0/users/${samantha.id}`, { token: await t.userToken(mailbox, ["User.ReadBasic.All"]) });
      expect(res.status).toBe(200);
      expect(res.body.userPrincipalName).toBe("samanthab@contoso.com");
    });

    it("get user: users of another tenant do not exist for the caller", async () => {
      const stranger = await t.server.services.mailboxes.provision({
        tenantId: randomUUID(), userPrincipalName: `x-${randomUUID().slice(0, 8)}@fabrikam.com`, displayName: "Stranger",
      });
      expectGraphError(await t.request("GET", `/v1.0/users/${stranger.id}`, { token: await t.appToken(["User.Read.All", "Calendars.Read"]) }), 404, "Request_ResourceNotFound");
      expectGraphError(await t.request("GET", `/v1.0/users/${stranger.userPrincipalName}/calendars`, { token: await t.appToken(["User.Read.All", "Calendars.Read"]) }), 404, "ErrorInvalidUser");
    });
  });

  describe("mailbox paths", () => {
    it("list calendars: /users/{upn} matches case-insensitively and percent-encoded, same as /me", async () => {
      const mailbox = await t.newMailbox();
      const token = await t.userToken(mailbox);
      const viaMe = (await t.request("GET", "/v1.0/me/calendars", { token })).body.value;
      const upn = mailbox.userPrincipalName;
      for (const spelling of [upn, upn.toUpperCase(), encodeURIComponent(upn), encodeURIComponent(upn.toUpperCase()), mailbox.id, mailbox.id.toUpperCase()]) {
        const res = await t.request("GET", `/v1.0/users/${spelling}/calendars`, { token });
        expect(res.status, spelling).toBe(200);
        expect(res.body.value, spelling).toEqual(viaMe);
      }
    });

    it("list calendars: /users('…')/calendars key syntax", async () => {
      const mailbox = await t.newMailbox();
      const token = await t.userToken(mailbox);
      const res = await t.request("GET", `/v1.0/users('${mailbox.id}')/calendars`, { token });
      expect(res.status).toBe(200);
      expect(res.body.value).toHaveLength(2);
      expect(res.body["@odata.context"]).toBe(`http://localhost:80/v1.0/$metadata#users('${mailbox.id}')/calendars`);
    });

    it("list calendars: /users/TokenToReplace is /me (Kiota's placeholder)", async () => {
      const mailbox = await t.newMailbox();
      const token = await t.userToken(mailbox);
      const viaMe = await t.request("GET", "/beta/me/calendars", { token });
      const res = await t.request("GET", "/beta/users/TokenToReplace/calendars", { token });
      expect(res.status).toBe(200);
      expect(res.body).toEqual(viaMe.body);
      const me = await t.request("GET", "/v1.0/users/TokenToReplace", { token });
      expect(me.body.id).toBe(mailbox.id);
      // An app token has no /me, whichever way it is spelled.
      expectGraphError(await t.request("GET", "/v1.0/users/TokenToReplace/calendars", { token: await t.appToken() }), 400, "BadRequest");
    });

    it("list calendars: an unknown user on a mailbox path is 404 ErrorInvalidUser", async () => {
      const token = await t.appToken(["Calendars.Read"]);
      expectGraphError(await t.request("GET", "/v1.0/users/ghost@contoso.com/calendars", { token }), 404, "ErrorInvalidUser",
        "The requested user 'ghost@contoso.com' is invalid.");
    });

    it("list calendars: a user without a mailbox is 404 MailboxNotEnabledForRESTAPI, but exists in the directory", async () => {
      const user = await t.server.services.mailboxes.provision({
        tenantId: DEMO_TENANT_ID, userPrincipalName: `nomail-${randomUUID().slice(0, 8)}@contoso.com`, displayName: "No Mail", hasMailbox: false,
      });
      const token = await t.appToken(["Calendars.Read", "User.Read.All"]);
      expectGraphError(await t.request("GET", `/v1.0/users/${user.id}/calendars`, { token }), 404, "MailboxNotEnabledForRESTAPI");
      expect((await t.request("GET", `/v1.0/users/${user.id}`, { token })).status).toBe(200);
    });
  });

  describe("list users", () => {
    it("list users: needs User.Read.All-type permission (delegated or app)", async () => {
      const mailbox = await t.newMailbox();
      expectGraphError(await t.request("GET", "/v1.0/users", { token: await t.userToken(mailbox, ["User.Read", "Calendars.ReadWrite"]) }), 403, "ErrorAccessDenied");
      expectGraphError(await t.request("GET", "/v1.0/users", { token: await t.appToken(["Calendars.ReadWrite"]) }), 403, "ErrorAccessDenied");
      expect((await t.request("GET", "/v1.0/users", { token: await t.userToken(mailbox, ["User.ReadBasic.All"]) })).status).toBe(200);
      expect((await t.request("GET", "/v1.0/users", { token: await t.appToken(["User.Read.All"]) })).status).toBe(200);
    });

    it("list users: lists the caller's tenant only, in pages that together hold every user once", async () => {
      const stranger = await t.server.services.mailboxes.provision({
        tenantId: randomUUID(), userPrincipalName: `s-${randomUUID().slice(0, 8)}@fabrikam.com`, displayName: "Outsider",
      });
      const mine = await t.newMailbox("Insider");
      const token = await t.appToken(["User.Read.All"]);
      const seen: string[] = [];
      let url: string | undefined = "/v1.0/users?$top=3";
      while (url) {
        const res = await t.request("GET", url, { token });
        expect(res.status).toBe(200);
        expect(res.body["@odata.context"]).toBe("http://localhost:80/v1.0/$metadata#users");
        expect(res.body.value.length).toBeLessThanOrEqual(3);
        for (const user of res.body.value) {
          expect(Object.keys(user)).toEqual(USER_PROPERTIES);
          seen.push(user.id);
        }
        url = res.body["@odata.nextLink"] && pathOf(res.body["@odata.nextLink"]);
      }
      expect(new Set(seen).size).toBe(seen.length);
      expect(seen).toContain(mine.id);
      expect(seen).toEqual(expect.arrayContaining(DEMO_USERS.map((u) => u.id)));
      expect(seen).not.toContain(stranger.id);
    });

    it("list users: $select on the list", async () => {
      const res = await t.request("GET", "/v1.0/users?$select=userPrincipalName&$top=1", { token: await t.appToken(["User.Read.All"]) });
      expect(res.body["@odata.context"]).toBe("http://localhost:80/v1.0/$metadata#users(id,userPrincipalName)");
      expect(Object.keys(res.body.value[0])).toEqual(["id", "userPrincipalName"]);
      expect(res.body["@odata.nextLink"]).toContain("$select=userPrincipalName");
    });
  });
});
