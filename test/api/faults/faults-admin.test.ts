import { describe, expect, it } from "vitest";
import { useTestServer } from "../../support/harness.js";
import { expectGraphError } from "../../support/graph-assertions.js";

// The fault rules' admin surface (/_graphcal/faults): who may use it, what it answers, and how it
// refuses bad rules (Graph-format 400s naming the field).

describe("fault rules: admin API", () => {
  const t = useTestServer();
  const admin = () => t.appToken(["Graphcal.Admin"]);

  it("POST/GET/DELETE /_graphcal/faults: need an app token with Graphcal.Admin", async () => {
    const mailbox = await t.newMailbox();
    expectGraphError(await t.request("GET", "/_graphcal/faults"), 401, "InvalidAuthenticationToken");
    expectGraphError(await t.request("GET", "/_graphcal/faults", { token: await t.userToken(mailbox) }), 403, "ErrorAccessDenied");
    expectGraphError(await t.request("POST", "/_graphcal/faults", { token: await t.appToken(["Calendars.Read"]), body: { status: 503 } }), 403, "ErrorAccessDenied");
    expectGraphError(await t.request("GET", "/_graphcal/requests", { token: await t.userToken(mailbox) }), 403, "ErrorAccessDenied");
    expect((await t.request("GET", "/_graphcal/faults", { token: await admin() })).body).toEqual({ value: [] });
  });

  it("POST /_graphcal/faults: returns the rule with an id; GET lists rules with counters; DELETE one, then all", async () => {
    const token = await admin();
    const added = await t.request("POST", "/_graphcal/faults", { token, body: { path: "/users/*/calendars", status: 503, retryAfter: 7, mailbox: "nobody@contoso.com" } });
    expect(added.status).toBe(201);
    expect(added.body).toEqual({ id: expect.stringMatching(/^fault-\d+$/), path: "/users/*/calendars", status: 503, retryAfter: 7, mailbox: "nobody@contoso.com", matched: 0, hits: 0 });
    const list = await t.request("POST", "/_graphcal/faults", { token, body: [{ id: "slow", latencyMs: 5, path: "/nowhere" }, { status: 500, path: "/nowhere/else" }] });
    expect(list.status).toBe(201);
    expect(list.body.value.map((r: any) => r.id)).toEqual(["slow", expect.stringMatching(/^fault-\d+$/)]);
    expect((await t.request("GET", "/_graphcal/faults", { token })).body.value.map((r: any) => r.id)).toEqual([added.body.id, ...list.body.value.map((r: any) => r.id)]);

    expect((await t.request("DELETE", "/_graphcal/faults/slow", { token })).status).toBe(204);
    expectGraphError(await t.request("DELETE", "/_graphcal/faults/slow", { token }), 404, "ErrorItemNotFound", "No fault rule with id 'slow'.");
    expect((await t.request("GET", "/_graphcal/faults", { token })).body.value).toHaveLength(2);
    expect((await t.request("DELETE", "/_graphcal/faults", { token })).status).toBe(204);
    expect((await t.request("GET", "/_graphcal/faults", { token })).body).toEqual({ value: [] });
  });

  it("POST /_graphcal/faults: a bad rule is a Graph 400 naming the field, and nothing of a bad list is added", async () => {
    const token = await admin();
    expectGraphError(await t.request("POST", "/_graphcal/faults", { token, body: { status: 418 } }), 400, "BadRequest",
      "status: must be one of 401, 410, 429, 500, 503, 504, got 418");
    expectGraphError(await t.request("POST", "/_graphcal/faults", { token, body: { status: 429, path: "/me/cal*" } }), 400, "BadRequest", /^path: /);
    expectGraphError(await t.request("POST", "/_graphcal/faults", { token, body: { status: 429, probabilty: 0.5 } }), 400, "BadRequest", /^probabilty: unknown field/);
    expectGraphError(await t.request("POST", "/_graphcal/faults", { token, body: [{ status: 429 }, { status: 429, nth: -1 }] }), 400, "BadRequest", /^\[1\]\.nth: /);
    expectGraphError(await t.request("POST", "/_graphcal/faults", { token, body: [{ id: "a", status: 429 }, { id: "a", status: 500 }] }), 400, "BadRequest", /^\[1\]\.id: .*exists already/);
    expectGraphError(await t.request("POST", "/_graphcal/faults", { token, payload: "{not json", headers: { "content-type": "application/json" } }), 400, "BadRequest");
    expect((await t.request("GET", "/_graphcal/faults", { token })).body).toEqual({ value: [] });
  });

  it("GET /_graphcal/requests: a bad limit is a Graph 400", async () => {
    expectGraphError(await t.request("GET", "/_graphcal/requests?limit=zero", { token: await admin() }), 400, "BadRequest", /^limit: /);
  });
});
