import { describe, expect, it } from "vitest";
import { useTestServer } from "../../support/harness.js";
import { freshUser, hourOn, postEvent } from "../../support/event-fixtures.js";

// calendarView re-reads are served from the window cache and the event JSON memo (catalogue
// entries 9 and 11). What a re-read must still get right: writes at once, each caller's rights,
// and each request's Prefer headers.

const WEEK = "startDateTime=2027-03-01T00:00:00Z&endDateTime=2027-03-08T00:00:00Z";

describe("calendarView re-reads", () => {
  const t = useTestServer();

  it("a write between two reads of the same week is in the second one, with a new etag after an edit", async () => {
    const u = await freshUser(t);
    const first = await postEvent(t, u.token, { ...hourOn("2027-03-02", 9, "One"), body: { contentType: "text", content: "secret agenda" } });
    const read = async () => (await t.request("GET", `/v1.0/me/calendarView?${WEEK}`, { token: u.token })).body.value;
    expect((await read()).map((e: any) => e.subject)).toEqual(["One"]);
    expect((await read()).map((e: any) => e.subject)).toEqual(["One"]);
    await postEvent(t, u.token, hourOn("2027-03-03", 9, "Two"));
    expect((await read()).map((e: any) => e.subject)).toEqual(["One", "Two"]);
    const edited = await t.request("PATCH", `/v1.0/me/events/${first.id}`, { token: u.token, body: { subject: "One (moved)" } });
    const after = await read();
    expect(after[0].subject).toBe("One (moved)");
    expect(after[0]["@odata.etag"]).toBe(edited.body["@odata.etag"]);
  });

  it("each caller gets its own rendering of a shared window: Calendars.ReadBasic never sees the body a full reader saw", async () => {
    const u = await freshUser(t);
    await postEvent(t, u.token, { ...hourOn("2027-03-02", 9, "One"), body: { contentType: "text", content: "secret agenda" } });
    const url = `/v1.0/users/${u.mailbox.id}/calendarView?${WEEK}`;
    const full = await t.request("GET", url, { token: await t.appToken(["Calendars.Read"]) });
    expect(full.body.value[0].bodyPreview).toBe("secret agenda");
    const basic = await t.request("GET", url, { token: await t.appToken(["Calendars.ReadBasic.All"]) });
    expect(basic.body.value[0].subject).toBe("One");
    expect(basic.text).not.toContain("secret agenda");
    expect(basic.body.value[0]).not.toHaveProperty("body");
    const again = await t.request("GET", url, { token: await t.appToken(["Calendars.Read"]) });
    expect(again.body.value[0].bodyPreview).toBe("secret agenda");
  });

  it("each request's Prefer zone, body type and $select apply to a re-read", async () => {
    const u = await freshUser(t);
    await postEvent(t, u.token, { ...hourOn("2027-03-02", 17), body: { contentType: "html", content: "<b>hi</b>" } });
    const get = (headers: Record<string, string> = {}, query = "") =>
      t.request("GET", `/v1.0/me/calendarView?${WEEK}${query}`, { token: u.token, headers });
    expect((await get()).body.value[0].start).toEqual({ dateTime: "2027-03-02T17:00:00.0000000", timeZone: "UTC" });
    const pacific = (await get({ prefer: 'outlook.timezone="Pacific Standard Time"' })).body.value[0];
    expect(pacific.start).toEqual({ dateTime: "2027-03-02T09:00:00.0000000", timeZone: "Pacific Standard Time" });
    expect((await get({ prefer: 'outlook.body-content-type="text"' })).body.value[0].body.contentType).toBe("text");
    expect((await get()).body.value[0].body.contentType).toBe("html");
    expect(Object.keys((await get({}, "&$select=subject")).body.value[0]).sort()).toEqual(["@odata.etag", "id", "subject"]);
  });
});
