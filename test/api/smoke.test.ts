import { describe, expect, it } from "vitest";
import { useTestServer } from "../support/harness.js";

describe("smoke", () => {
  const t = useTestServer();

  it("list calendars: a new mailbox has Calendar and Birthdays", async () => {
    const mailbox = await t.newMailbox();
    const res = await t.request("GET", "/beta/me/calendars", { token: await t.userToken(mailbox) });
    expect(res.status).toBe(200);
    expect(res.body.value.map((c: { name: string }) => c.name)).toEqual(["Calendar", "Birthdays"]);
  });
});
