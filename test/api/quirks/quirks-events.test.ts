import { describe, expect, it } from "vitest";
import { DeltaSync, MemoryLocalStore } from "../../../src/client/index.js";
import { useTestServer } from "../../support/harness.js";
import { injectFetch } from "../../support/inject-fetch.js";
import { editPattern, expectInStep, FROM, seedEvents, TO, writeBurst } from "../../sync/events-sync-support.js";

// The quirk modes on calendarView/delta: with all four on, graphcal's own client, in events mode,
// still ends every quiet round with the window's calendarView exactly (occurrences hydrated from
// their master), through creates, edits, moves in and out of the window, deletes and pattern edits.

describe("quirk modes on calendarView/delta", () => {
  // Links name the test's own host, which a server trusts only when listed (ALLOWED_HOSTS).
  const t = useTestServer({ env: { ALLOWED_HOSTS: "graphcal.test" } });

  it("calendarView/delta: all quirks at once — DeltaSync converges; each quirk touched the window's pages", async () => {
    const m = await seedEvents(t);
    const admin = await t.appToken(["Graphcal.Admin"]);
    const quirks = ["replay-item", "duplicate-item", "empty-page", "late-change"];
    expect((await t.request("POST", "/_graphcal/quirks", { token: admin, body: { mailbox: m.mailbox.userPrincipalName, quirks } })).status).toBe(200);
    const appToken = await t.appToken();
    const sync = new DeltaSync({
      baseUrl: "http://graphcal.test/v1.0", userId: m.mailbox.userPrincipalName, store: new MemoryLocalStore(), token: appToken, pageSize: 3,
      resource: { kind: "calendarView", start: FROM, end: TO }, fetch: injectFetch(t),
    });
    const first = await sync.runRound();
    expect(first.pages % 2).toBe(0); // an empty page before each real one
    await sync.runRound();
    await expectInStep(t, m, await sync.store());
    for (const tag of ["q1", "q2"]) {
      await writeBurst(t, m, tag);
      await editPattern(t, m, `Standup ${tag}`, 7);
      await sync.runRound();
      await sync.runRound();
      await expectInStep(t, m, await sync.store());
    }
    const log = (await t.request("GET", "/_graphcal/requests?limit=1000", { token: admin })).body.value
      .filter((r: any) => r.path.endsWith("/calendarView/delta"));
    const rules = new Set(log.flatMap((r: any) => (r.rule ?? "").split(",")).filter(Boolean));
    expect(rules).toEqual(new Set(quirks.map((q) => `quirk:${q}`)));
    await t.request("DELETE", "/_graphcal/quirks", { token: admin });
  });
});
