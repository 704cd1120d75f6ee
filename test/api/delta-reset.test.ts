import { describe, expect, it } from "vitest";
import { useTestServer } from "../support/harness.js";

describe("calendars/delta reset", () => {
  // The 410's Location is a graphcal extension (graph-parity.test.ts: none in parity mode).
  const t = useTestServer({ env: { GRAPH_EXTENSIONS: "1" } });

  it("delta: after resetSync the Location restarts the round with the same $select", async () => {
    const mailbox = await t.newMailbox();
    const token = await t.userToken(mailbox, ["Calendars.Read"]);
    const first = await t.request("GET", "/beta/me/calendars/delta?$select=name", { token });
    expect(first.status).toBe(200);
    const deltaLink = new URL(first.body["@odata.deltaLink"]);

    const admin = await t.appToken(["Graphcal.Admin"]);
    expect((await t.request("POST", `/_graphcal/mailboxes/${mailbox.id}/resetSync`, { token: admin })).status).toBe(204);

    const gone = await t.request("GET", `${deltaLink.pathname}${deltaLink.search}`, { token });
    expect(gone.status).toBe(410);
    expect(gone.body.error.code).toBe("ResyncRequired");
    const location = new URL(String(gone.headers.location));
    expect(location.pathname).toBe("/beta/me/calendars/delta");
    expect(location.searchParams.get("$select")).toBe("id,name");

    const fresh = await t.request("GET", `${location.pathname}${location.search}`, { token });
    expect(fresh.status).toBe(200);
    expect(fresh.body.value.map((c: Record<string, unknown>) => Object.keys(c).sort())).toEqual([
      ["@odata.type", "id", "name"], ["@odata.type", "id", "name"],
    ]);
  });

  it("delta: resetSync needs the Graphcal.Admin role", async () => {
    const mailbox = await t.newMailbox();
    for (const token of [await t.appToken(["Calendars.ReadWrite"]), await t.userToken(mailbox)]) {
      const res = await t.request("POST", `/_graphcal/mailboxes/${mailbox.id}/resetSync`, { token });
      expect(res.status).toBe(403);
      expect(res.body.error.code).toBe("ErrorAccessDenied");
    }
  });
});
