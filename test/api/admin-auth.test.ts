import { describe, expect, it } from "vitest";
import { useTestServer, type TestResponse } from "../support/harness.js";

// Who may use /_graphcal (issue 11): an app token with the Graphcal.Admin role, or anyone on a
// server started with --dev-open-admin (DEV_OPEN_ADMIN=true) — never by default.

const CONTROLS: Array<[method: string, path: string, body?: unknown]> = [
  ["GET", "/_graphcal/clock"],
  ["POST", "/_graphcal/clock", { advance: "PT1S" }],
  ["POST", "/_graphcal/reset"],
  ["POST", "/_graphcal/mailboxes/samanthab@contoso.com/reset"],
  ["POST", "/_graphcal/mailboxes/samanthab@contoso.com/resetSync"],
  ["POST", "/_graphcal/delta-tokens/expire", { mailbox: "samanthab@contoso.com" }],
];

function expectGraphError(res: TestResponse, status: number, code: string, label: string): void {
  expect(res.status, `${label}: ${res.text}`).toBe(status);
  expect(res.body.error.code, label).toBe(code);
  expect(res.body.error.innerError["request-id"], label).toEqual(expect.any(String));
}

describe("admin authorization (default server)", () => {
  const t = useTestServer();

  it("admin: every control answers 401 without a token and with a bad one", async () => {
    for (const [method, path, body] of CONTROLS) {
      expectGraphError(await t.request(method, path, { ...(body !== undefined && { body }) }), 401, "InvalidAuthenticationToken", `${method} ${path}`);
      expectGraphError(await t.request(method, path, { token: "not-a-jwt", ...(body !== undefined && { body }) }), 401, "InvalidAuthenticationToken", `${method} ${path} (bad token)`);
    }
  });

  it("admin: every control answers 403 to a user token and to an app token without Graphcal.Admin", async () => {
    const mailbox = await t.newMailbox();
    const tokens = { user: await t.userToken(mailbox), app: await t.appToken(["Calendars.ReadWrite", "User.Read.All"]) };
    for (const [kind, token] of Object.entries(tokens)) {
      for (const [method, path, body] of CONTROLS) {
        expectGraphError(await t.request(method, path, { token, ...(body !== undefined && { body }) }), 403, "ErrorAccessDenied", `${kind}: ${method} ${path}`);
      }
    }
    // Nothing was done: the clock did not move.
    expect(t.clock.now().toISOString()).toBe("2026-11-25T12:00:00.000Z");
  });

  it("admin: an app token with Graphcal.Admin passes", async () => {
    const res = await t.request("GET", "/_graphcal/clock", { token: await t.appToken(["Graphcal.Admin"]) });
    expect(res.status).toBe(200);
  });
});

describe("admin authorization (--dev-open-admin)", () => {
  const t = useTestServer({ env: { DEV_OPEN_ADMIN: "true" } });

  it("admin: with DEV_OPEN_ADMIN=true the controls answer without a token", async () => {
    const clock = await t.request("POST", "/_graphcal/clock", { body: { advance: "P1D" } });
    expect(clock.status, clock.text).toBe(200);
    expect(clock.body.now).toBe("2026-11-26T12:00:00.000Z");
    const mailbox = await t.newMailbox();
    const reset = await t.request("POST", `/_graphcal/mailboxes/${mailbox.userPrincipalName}/reset`);
    expect(reset.status, reset.text).toBe(200);
    expect(reset.body.id).toBe(mailbox.id);
  });

  it("admin: an open server still refuses Graph calls without a token", async () => {
    expectGraphError(await t.request("GET", "/v1.0/users"), 401, "InvalidAuthenticationToken", "/v1.0/users");
  });
});
