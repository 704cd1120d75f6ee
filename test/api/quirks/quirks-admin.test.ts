import { afterEach, describe, expect, it } from "vitest";
import { ConfigError, parseConfig } from "../../../src/server/index.js";
import { useTestServer } from "../../support/harness.js";
import { expectGraphError } from "../../support/graph-assertions.js";

// The quirk modes' admin surface (/_graphcal/quirks) and configuration (QUIRKS=, --quirks):
// who may use it, what it answers, how a mailbox's set overrides the global one, bad input.

describe("quirk modes: admin API", () => {
  const t = useTestServer();
  const admin = () => t.appToken(["Graphcal.Admin"]);
  afterEach(async () => {
    expect((await t.request("DELETE", "/_graphcal/quirks", { token: await admin() })).status).toBe(204);
  });

  it("quirks: need an app token with Graphcal.Admin", async () => {
    const mailbox = await t.newMailbox();
    expectGraphError(await t.request("GET", "/_graphcal/quirks"), 401, "InvalidAuthenticationToken");
    expectGraphError(await t.request("GET", "/_graphcal/quirks", { token: await t.userToken(mailbox) }), 403, "ErrorAccessDenied");
    expectGraphError(await t.request("POST", "/_graphcal/quirks", { token: await t.appToken(), body: { quirks: ["empty-page"] } }), 403, "ErrorAccessDenied");
    expectGraphError(await t.request("DELETE", `/_graphcal/quirks/${mailbox.id}`, { token: await t.appToken() }), 403, "ErrorAccessDenied");
    expect((await t.request("GET", "/_graphcal/quirks", { token: await admin() })).body).toEqual({ global: [], value: [] });
  });

  it("quirks: POST sets a mailbox's quirks (by id or UPN) or the global set; GET lists; DELETE clears one, then all", async () => {
    const token = await admin();
    const a = await t.newMailbox();
    const b = await t.newMailbox();
    const setA = await t.request("POST", "/_graphcal/quirks", { token, body: { mailbox: a.userPrincipalName, quirks: ["replay-item", "late-change", "replay-item"] } });
    expect(setA.status).toBe(200);
    expect(setA.body).toEqual({ mailbox: a.id, userPrincipalName: a.userPrincipalName, quirks: ["replay-item", "late-change"] });
    expect((await t.request("POST", "/_graphcal/quirks", { token, body: { mailbox: b.id, quirks: [] } })).status).toBe(200);
    expect((await t.request("POST", "/_graphcal/quirks", { token, body: { quirks: ["empty-page"] } })).body).toEqual({ global: ["empty-page"] });
    expect((await t.request("GET", "/_graphcal/quirks", { token })).body).toEqual({
      global: ["empty-page"],
      value: [
        { mailbox: a.id, userPrincipalName: a.userPrincipalName, quirks: ["replay-item", "late-change"] },
        { mailbox: b.id, userPrincipalName: b.userPrincipalName, quirks: [] },
      ],
    });
    // The mailbox's own set wins over the global one: b stays strict, a has its two, c the global one.
    const c = await t.newMailbox();
    expect((await firstPage(b)).value.length).toBeGreaterThan(0);
    expect((await firstPage(a)).value.length).toBeGreaterThan(0);
    expect((await firstPage(c)).value).toEqual([]);

    expect((await t.request("DELETE", `/_graphcal/quirks/${a.userPrincipalName}`, { token })).status).toBe(204);
    expect((await t.request("GET", "/_graphcal/quirks", { token })).body.value.map((m: any) => m.mailbox)).toEqual([b.id]);
    expect((await firstPage(a)).value).toEqual([]); // a follows the global set again
    expect((await t.request("DELETE", "/_graphcal/quirks", { token })).status).toBe(204);
    expect((await t.request("GET", "/_graphcal/quirks", { token })).body).toEqual({ global: [], value: [] });
    expect((await firstPage(c)).value.length).toBeGreaterThan(0);
  });

  it("quirks: bad input is a Graph 400 naming what was wrong; an unknown mailbox is a 404 ErrorInvalidUser", async () => {
    const token = await admin();
    const post = (body: unknown) => t.request("POST", "/_graphcal/quirks", { token, body });
    expectGraphError(await post({ mailbox: "x@contoso.com" }), 400, "BadRequest", /'quirks' is required/);
    expectGraphError(await post({ quirks: "replay-item" }), 400, "BadRequest", /'quirks' must be a list/);
    expectGraphError(await post({ quirks: ["replay-item", "slow"] }), 400, "BadRequest", /^quirks\[1\]: unknown quirk "slow"; expected one of replay-item, duplicate-item, empty-page, late-change, created-and-updated\.$/);
    expectGraphError(await post({ quirks: [], colour: "red" }), 400, "BadRequest", /Unknown property 'colour'/);
    expectGraphError(await post({ quirks: [], mailbox: 7 }), 400, "BadRequest", /'mailbox' must be a non-empty string/);
    expectGraphError(await post([]), 400, "BadRequest", /must be a JSON object/);
    expectGraphError(await t.request("POST", "/_graphcal/quirks", { token, payload: "{not json", headers: { "content-type": "application/json" } }), 400, "BadRequest");
    expectGraphError(await post({ mailbox: "nobody@contoso.com", quirks: [] }), 404, "ErrorInvalidUser");
    expect((await t.request("GET", "/_graphcal/quirks", { token })).body).toEqual({ global: [], value: [] });
  });

  it("quirks: QUIRKS= / --quirks set the global set at start; an unknown name is a configuration error", () => {
    expect(parseConfig({ QUIRKS: "replay-item, empty-page" }).quirks).toEqual(["replay-item", "empty-page"]);
    expect(parseConfig({ QUIRKS: "replay-item" }, { quirks: "off" }).quirks).toEqual([]);
    expect(parseConfig({}).quirks).toEqual([]);
    expect(() => parseConfig({ QUIRKS: "replay-item,sometimes" })).toThrow(ConfigError);
    expect(() => parseConfig({ QUIRKS: "replay-item,sometimes" })).toThrow(/unknown quirk 'sometimes'/);
  });

  async function firstPage(mailbox: { id: string }) {
    const res = await t.request("GET", `/beta/users/${mailbox.id}/calendars/delta`, { token: await t.appToken() });
    expect(res.status, res.text).toBe(200);
    return res.body;
  }
});
