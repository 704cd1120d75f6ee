import { afterAll, describe, expect, it } from "vitest";
import { rmSync } from "node:fs";
import { startTestServer, tempDataDir } from "../support/harness.js";
import { entityOf } from "../support/graph-assertions.js";
import { DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, ManualClock } from "../../src/server/index.js";

// A restart over the same DATA_DIR keeps data, the signing key (old tokens stay valid) and the demo tenant.

describe("persistence", () => {
  const dataDir = tempDataDir();
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it("restart: calendars, groups, users and issued tokens survive; the demo tenant is not seeded twice", async () => {
    const clock = new ManualClock(Date.UTC(2026, 10, 25, 12, 0, 0));
    const first = await startTestServer({ dataDir, clock });
    const mailbox = await first.newMailbox("Persistent Pat");
    const userToken = await first.userToken(mailbox);
    const form = new URLSearchParams({ grant_type: "client_credentials", client_id: DEMO_CLIENT_ID, client_secret: DEMO_CLIENT_SECRET }).toString();
    const appToken = (await first.request("POST", "/contoso/oauth2/v2.0/token", {
      payload: form, headers: { "content-type": "application/x-www-form-urlencoded" },
    })).body.access_token as string;

    const created = (await first.request("POST", "/beta/me/calendars", { token: userToken, body: { name: "Kept", color: "lightPink", hexColor: "#aa00bb" } })).body;
    const renamed = (await first.request("PATCH", `/beta/me/calendars/${created.id}`, { token: userToken, body: { name: "Kept Renamed" } })).body;
    const group = (await first.request("POST", "/beta/me/calendarGroups", { token: userToken, body: { name: "Kept Group" } })).body;
    const doomed = (await first.request("POST", "/beta/me/calendars", { token: userToken, body: { name: "Doomed" } })).body;
    expect((await first.request("DELETE", `/beta/me/calendars/${doomed.id}`, { token: userToken })).status).toBe(204);
    const calendarsBefore = (await first.request("GET", "/beta/me/calendars", { token: userToken })).body;
    const groupsBefore = (await first.request("GET", "/beta/me/calendarGroups", { token: userToken })).body;
    const samanthaBefore = (await first.request("GET", "/beta/users/samanthab@contoso.com/calendars", { token: appToken })).body;
    const jwksBefore = (await first.request("GET", "/contoso/discovery/v2.0/keys")).body;
    await first.close();

    clock.advance(10 * 60_000); // ten minutes later, well inside the tokens' hour
    const second = await startTestServer({ dataDir, clock });
    try {
      expect((await second.request("GET", "/contoso/discovery/v2.0/keys")).body).toEqual(jwksBefore);

      const calendars = await second.request("GET", "/beta/me/calendars", { token: userToken });
      expect(calendars.status).toBe(200);
      expect(calendars.body).toEqual(calendarsBefore);
      expect(calendars.body.value.map((c: { name: string }) => c.name)).toEqual(["Calendar", "Birthdays", "Kept Renamed"]);
      expect(entityOf((await second.request("GET", `/beta/me/calendars/${created.id}`, { token: userToken })).body)).toEqual(entityOf(renamed));
      expect((await second.request("GET", `/beta/me/calendars/${doomed.id}`, { token: userToken })).status).toBe(404);
      expect((await second.request("GET", "/beta/me/calendarGroups", { token: userToken })).body).toEqual(groupsBefore);
      expect((await second.request("GET", `/beta/me/calendarGroups/${group.id}`, { token: userToken })).body.name).toBe("Kept Group");
      expect((await second.request("GET", "/v1.0/me", { token: userToken })).body.displayName).toBe("Persistent Pat");

      // The app token of the first run still works, and the demo tenant was not seeded again.
      const samantha = await second.request("GET", "/beta/users/samanthab@contoso.com/calendars", { token: appToken });
      expect(samantha.status).toBe(200);
      expect(samantha.body).toEqual(samanthaBefore);

      // Writes continue after the restart: names stay unique and changeKeys keep moving.
      const seen = new Set((calendarsBefore.value as { changeKey: string }[]).map((c) => c.changeKey).concat(created.changeKey, doomed.changeKey));
      const updated = await second.request("PATCH", `/beta/me/calendars/${created.id}`, { token: userToken, body: { color: "lightGray" } });
      expect(updated.status).toBe(200);
      expect(seen.has(updated.body.changeKey)).toBe(false);
      expect((await second.request("POST", "/beta/me/calendars", { token: userToken, body: { name: "kept renamed" } })).status).toBe(409);
      expect((await second.request("POST", "/beta/me/calendars", { token: userToken, body: { name: "Doomed" } })).status).toBe(201);

      // The old tokens expire on the restarted server's clock like any other.
      clock.advance(60 * 60_000);
      expect((await second.request("GET", "/beta/me/calendars", { token: userToken })).status).toBe(401);
    } finally {
      await second.close();
    }
  });
});
