import { describe, expect, it } from "vitest";
import { useTestServer, type TestServer } from "../support/harness.js";
import { expectGraphError } from "../support/graph-assertions.js";

// Graph parity mode, the default (issue 14): what Graph refuses, graphcal refuses with Graph's
// error, so an app tested here does not pass and then fail on Graph. `GRAPH_EXTENSIONS=1` turns
// on what graphcal serves beyond Graph (the README's extensions table); both ways are tested.

async function resetAndPoll(t: TestServer, version: "v1.0" | "beta") {
  const mailbox = await t.newMailbox();
  const token = await t.userToken(mailbox, ["Calendars.Read"]);
  const first = await t.request("GET", `/${version}/me/calendars/delta?$select=name`, { token });
  expect(first.status, first.text).toBe(200);
  const admin = await t.appToken(["Graphcal.Admin"]);
  expect((await t.request("POST", `/_graphcal/mailboxes/${mailbox.id}/resetSync`, { token: admin })).status).toBe(204);
  const link = new URL(first.body["@odata.deltaLink"]);
  return t.request("GET", `${link.pathname}${link.search}`, { token });
}

describe("Graph parity mode (default)", () => {
  const t = useTestServer();

  it("parity: v1.0 calendars/delta is 400 'Resource not found for the segment 'delta'', in every spelling", async () => {
    const mailbox = await t.newMailbox();
    const token = await t.userToken(mailbox, ["Calendars.Read"]);
    for (const url of ["/v1.0/me/calendars/delta", "/v1.0/me/calendars/delta()", `/v1.0/users/${mailbox.id}/calendars/microsoft.graph.delta`, "/v1.0/me/calendars/delta?$deltatoken=x"]) {
      expectGraphError(await t.request("GET", url, { token }), 400, "BadRequest", "Resource not found for the segment 'delta'.");
    }
  });

  it("parity: the refusal is routing, before authentication, as for any unknown segment", async () => {
    expectGraphError(await t.request("GET", "/v1.0/me/calendars/delta"), 400, "BadRequest", "Resource not found for the segment 'delta'.");
  });

  it("parity: beta calendars/delta and v1.0 calendarView/delta are Graph's and served", async () => {
    const token = await t.userToken(await t.newMailbox(), ["Calendars.Read"]);
    expect((await t.request("GET", "/beta/me/calendars/delta", { token })).status).toBe(200);
    const view = await t.request("GET", "/v1.0/me/calendarView/delta?startDateTime=2026-11-01T00:00:00Z&endDateTime=2026-12-01T00:00:00Z", { token });
    expect(view.status, view.text).toBe(200);
  });

  it("parity: 410 ResyncRequired carries no Location (Outlook's 410s have none)", async () => {
    const gone = await resetAndPoll(t, "beta");
    expectGraphError(gone, 410, "ResyncRequired");
    expect(gone.headers).not.toHaveProperty("location");
  });

  it("parity: v1.0 $metadata declares no calendar delta; beta's does", async () => {
    const v1 = await t.request("GET", "/v1.0/$metadata");
    expect(v1.text).not.toContain('Type="Collection(graph.calendar)"/><ReturnType');
    expect((await t.request("GET", "/beta/$metadata")).text).toContain('<Function Name="delta" IsBound="true"><Parameter Name="bindingParameter" Type="Collection(graph.calendar)"/>');
  });
});

describe("Graph extensions on (GRAPH_EXTENSIONS=1)", () => {
  const t = useTestServer({ env: { GRAPH_EXTENSIONS: "1" } });

  it("extensions: v1.0 calendars/delta is served, with v1.0's properties and links", async () => {
    const token = await t.userToken(await t.newMailbox(), ["Calendars.Read"]);
    const res = await t.request("GET", "/v1.0/me/calendars/delta", { token });
    expect(res.status, res.text).toBe(200);
    expect(res.body["@odata.deltaLink"]).toMatch(/^http:\/\/localhost:80\/v1\.0\/me\/calendars\/delta\?\$deltatoken=/);
    expect(res.body.value[0]).not.toHaveProperty("isShared");
  });

  it("extensions: 410 ResyncRequired carries the Location of a fresh round", async () => {
    const gone = await resetAndPoll(t, "v1.0");
    expectGraphError(gone, 410, "ResyncRequired");
    const location = new URL(String(gone.headers.location));
    expect(location.pathname).toBe("/v1.0/me/calendars/delta");
    expect(location.searchParams.get("$select")).toBe("id,name");
  });

  it("extensions: v1.0 $metadata declares calendar delta", async () => {
    expect((await t.request("GET", "/v1.0/$metadata")).text).toContain('<Function Name="delta" IsBound="true"><Parameter Name="bindingParameter" Type="Collection(graph.calendar)"/>');
  });
});
