import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_ADMIN_CLIENT_SECRET } from "../../src/server/index.js";
import { startTestServer, type TestServer } from "../support/harness.js";
import { launchBrowser, type TestBrowser } from "../support/browser.js";
import { startReceiver } from "../api/notifications/receiver.js";
import { subscriptionBody } from "../api/notifications/notify-support.js";

// The web console (issue 13) in a real browser against a real server on a loopback port: sign in
// as the demo admin, every panel over the seeded demo tenant, live updates without a reload, a
// delta round stepped page by page, a fault whose hit count rises — and no console error at all.
// The server's virtual clock stands at Wednesday 2026-11-25 12:00 UTC, so "this week" is the
// demo week.

const SAMANTHA = "samanthab@contoso.com";

describe("web console (Chromium)", () => {
  let t: TestServer;
  let origin: string;
  let b: TestBrowser;

  beforeAll(async () => {
    t = await startTestServer();
    origin = (await t.server.listen()).http;
    b = await launchBrowser();
  }, 60_000);

  afterAll(async () => {
    await b?.close();
    await t?.close();
  });

  it("sign-in: the demo admin's client id is filled in; a wrong secret is refused; the right one opens the tenant", async () => {
    const { page } = b;
    await page.goto(`${origin}/_graphcal/console`);
    await expect.poll(() => page.getByLabel("Client ID").inputValue()).toBe("c0ffee00-cafe-4bad-a55e-0000000000ad");
    await page.getByLabel("Client secret").fill("wrong");
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("alert").filter({ hasText: "Invalid client secret" }).waitFor();
    b.errors.length = 0; // the refused sign-in's 401 is the one expected error
    await page.getByLabel("Client secret").fill(DEMO_ADMIN_CLIENT_SECRET);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("tab", { name: "Tenant", selected: true }).waitFor();
    // The token is kept in memory only: nothing in the URL or the browser's storage.
    expect(page.url()).toBe(`${origin}/_graphcal/console`);
    expect(await page.evaluate("localStorage.length + sessionStorage.length + document.cookie.length")).toBe(0);
  });

  it("tenant: the demo users with their calendars and totals; keyboard moves between tabs", async () => {
    const { page } = b;
    for (const name of ["Samantha Booth", "Adele Vance", "Megan Bowen", "Alex Wilber"]) {
      await page.getByRole("article", { name }).waitFor();
    }
    const samantha = page.getByRole("article", { name: "Samantha Booth" });
    expect(await samantha.locator("tbody tr").first().textContent()).toMatch(/^Calendar default/);
    expect(Number(await page.locator('[data-count="users"]').textContent())).toBeGreaterThanOrEqual(4);
    expect(Number(await page.locator('[data-count="events"]').textContent())).toBeGreaterThanOrEqual(20);
    await page.getByRole("tab", { name: "Tenant" }).focus();
    await page.keyboard.press("ArrowRight");
    await page.getByRole("tab", { name: "Week", selected: true }).waitFor();
    await page.keyboard.press("ArrowLeft");
    await page.getByRole("tab", { name: "Tenant", selected: true }).waitFor();
    await samantha.getByRole("button", { name: "Week" }).click();
  });

  it("week: the demo week's series with its exception and cancelled occurrence marked; an event's JSON as Graph returns it", async () => {
    const { page } = b;
    await page.getByRole("tab", { name: "Week", selected: true }).waitFor();
    const week = page.getByRole("region", { name: "Events of the week" });
    await week.getByRole("button", { name: /^Quarterly planning/ }).waitFor();
    expect(await week.getByRole("button", { name: /Daily standup.*occurrence$/ }).count()).toBeGreaterThanOrEqual(3);
    expect(await week.getByRole("button", { name: /exception$/ }).count()).toBe(1);
    expect(await week.getByRole("button", { name: /cancelled occurrence$/ }).count()).toBe(1);
    await week.getByRole("button", { name: /^Quarterly planning/ }).click();
    const json = page.getByLabel("Event JSON");
    await expect.poll(async () => (await json.textContent()) ?? "").toContain('"subject": "Quarterly planning"');
    expect(await json.textContent()).toContain('"@odata.context"');
    await page.getByRole("button", { name: "Close" }).click();
  });

  it("live: an event created through the API appears in the week view and the change feed without a reload", async () => {
    const { page } = b;
    const token = await t.userToken(SAMANTHA);
    const created = await t.request("POST", "/v1.0/me/events", {
      token, body: { subject: "Made while watching", start: { dateTime: "2026-11-26T14:00:00", timeZone: "UTC" }, end: { dateTime: "2026-11-26T15:00:00", timeZone: "UTC" } },
    });
    expect(created.status).toBe(201);
    const week = page.getByRole("region", { name: "Events of the week" });
    await week.getByRole("button", { name: /^Made while watching, 14:00–15:00, single event$/ }).waitFor();
    await page.getByRole("tab", { name: "Changes" }).click();
    const row = page.getByRole("row").filter({ hasText: "Made while watching" });
    await row.waitFor();
    expect(await row.textContent()).toMatch(/event.*created/);
    await t.request("DELETE", `/v1.0/me/events/${created.body.id}`, { token });
    await page.getByRole("row").filter({ hasText: "Made while watching" }).filter({ hasText: "deleted" }).waitFor();
  });

  it("delta: a calendars round stepped one item per page; each page's token decoded; the deltaLink's watermark is the mailbox's seq", async () => {
    const { page } = b;
    await page.getByRole("tab", { name: "Delta" }).click();
    await page.getByLabel("Page size").fill("1");
    await page.getByRole("button", { name: "Start round" }).click();
    const pages = page.getByRole("list", { name: "Pages of the round" });
    await pages.getByRole("article", { name: "Page 1" }).waitFor();
    expect(await pages.getByRole("article", { name: "Page 1" }).getByRole("heading").first().textContent()).toBe("Page 1: 1 item, then a nextLink");
    await page.getByRole("button", { name: "Next page" }).click();
    await pages.getByRole("article", { name: "Page 2" }).waitFor();
    const last = pages.getByRole("article", { name: "Page 2" });
    // The round's last item comes with the deltaLink: no empty page after it.
    expect(await last.getByRole("heading").first().textContent()).toBe("Page 2: 1 item, then a deltaLink");
    expect(await pages.locator(".item-name").allTextContents()).toEqual(["Calendar", "Birthdays"]);
    const seq = (await t.request("GET", `/_graphcal/mailboxes/${SAMANTHA}/changes?limit=1000`, { token: await t.appToken(["Graphcal.Admin"]) })).body.lastSeq;
    expect(await last.locator('[data-field="watermark"]').textContent()).toBe(String(seq));
    expect(await pages.getByRole("article", { name: "Page 1" }).locator('[data-field="upTo"]').textContent()).toBe(String(seq));
    expect(await last.locator("dl.token").textContent()).toContain(SAMANTHA);
    expect(await page.getByRole("button", { name: "Next page" }).isDisabled()).toBe(true);
  });

  it("controls: a fault added from a template counts its hits as requests match it; clearing removes it", async () => {
    const { page } = b;
    await page.getByRole("tab", { name: "Controls" }).click();
    await page.getByLabel("Template").selectOption("429-delta-once");
    await page.getByLabel(`only ${SAMANTHA}`).check();
    await page.getByRole("button", { name: "Add fault" }).click();
    const rule = page.locator("tr[data-rule]");
    await rule.waitFor();
    expect(await rule.locator('[data-field="hits"]').textContent()).toBe("0");
    const token = await t.userToken(SAMANTHA);
    expect((await t.request("GET", "/beta/me/calendars/delta", { token })).status).toBe(429);
    expect((await t.request("GET", "/beta/me/calendars/delta", { token })).status).toBe(200);
    await expect.poll(() => rule.locator('[data-field="hits"]').textContent(), { timeout: 10_000 }).toBe("1");
    expect(await rule.locator('[data-field="matched"]').textContent()).toBe("2");
    await page.getByRole("button", { name: "Clear all" }).click();
    await page.getByText("No fault rules").waitFor();
  });

  it("controls: the clock advances", async () => {
    const { page } = b;
    await page.getByLabel("Advance by").fill("PT1H");
    await page.getByRole("button", { name: "Advance", exact: true }).click();
    await page.locator("[data-clock-now]").filter({ hasText: "2026-11-25T13:00:00.000Z" }).waitFor();
    expect(t.clock.now().toISOString()).toBe("2026-11-25T13:00:00.000Z");
  });

  it("controls: a subscription made through the API is listed; its deliveries show up; a lifecycle event sent from the panel reaches the receiver", async () => {
    const { page } = b;
    const receiver = await startReceiver();
    try {
      const token = await t.userToken(SAMANTHA);
      const created = await t.request("POST", "/v1.0/subscriptions", {
        token, body: subscriptionBody(t, { notificationUrl: receiver.url, lifecycleNotificationUrl: `${receiver.url}?kind=lifecycle` }),
      });
      expect(created.status, created.text).toBe(201);
      const id = created.body.id as string;
      const row = page.locator(`tr[data-subscription="${id}"]`);
      await row.waitFor();
      expect(await row.textContent()).toContain(receiver.url);
      const event = await t.request("POST", "/v1.0/me/events", { token, body: { subject: "Seen by the panel" } });
      expect(event.status).toBe(201);
      await receiver.waitFor(() => receiver.notifications().some((n) => n.resourceData?.id === event.body.id));
      await row.getByRole("button", { name: "Deliveries" }).click();
      const attempt = page.getByRole("table", { name: `Deliveries of ${id}` }).locator('tr[data-attempt="notification"]').first();
      await attempt.waitFor({ timeout: 10_000 });
      expect(await attempt.locator('[data-field="outcome"]').textContent()).toBe("delivered");
      await row.getByRole("button", { name: "Send missed" }).click();
      await receiver.waitFor(() => receiver.posts.some((p) => p.value.some((n) => n.lifecycleEvent === "missed" && n.subscriptionId === id)));
      await t.request("DELETE", `/v1.0/subscriptions/${id}`, { token });
      await expect.poll(() => row.count(), { timeout: 10_000 }).toBe(0);
    } finally {
      await receiver.close();
    }
  });

  it("narrow window: the panels stay usable at phone width (no page-wide horizontal scroll)", async () => {
    const { page } = b;
    await page.setViewportSize({ width: 390, height: 800 });
    for (const tab of ["Tenant", "Week", "Changes", "Delta", "Controls"]) {
      await page.getByRole("tab", { name: tab }).click();
      await page.getByRole("tab", { name: tab, selected: true }).waitFor();
      expect(await page.evaluate("document.documentElement.scrollWidth"), tab).toBeLessThanOrEqual(390);
    }
    await page.setViewportSize({ width: 1280, height: 800 });
  });

  it("no console errors or page exceptions in the whole session", () => {
    expect(b.errors).toEqual([]);
  });
});
