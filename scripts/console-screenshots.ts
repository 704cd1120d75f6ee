// Screenshots of the web console's panels for the README (docs/images/console-*.png), taken
// against a seeded in-memory server whose virtual clock stands at a fixed Wednesday, so that
// every run shows the same demo week. Runs against the build:
//   npm run build && node --import tsx scripts/console-screenshots.ts
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { createServer, DEMO_ADMIN_CLIENT_SECRET, DEMO_CLIENT_ID, ManualClock, parseConfig } from "../dist/server/index.js";

const OUT = fileURLToPath(new URL("../docs/images/", import.meta.url));
const CHROMIUM = process.env.GRAPHCAL_CHROMIUM ?? "/usr/bin/chromium";

const clock = new ManualClock(Date.UTC(2026, 10, 25, 12, 0, 0));
const server = await createServer(parseConfig({ LOG_LEVEL: "silent", PORT: "0" }, { memory: true }), { clock });
const origin = (await server.listen()).http;
const profile = mkdtempSync(join(tmpdir(), "graphcal-shots-"));
const context = await chromium.launchPersistentContext(profile, {
  executablePath: CHROMIUM, headless: true, viewport: { width: 1280, height: 800 }, timezoneId: "UTC", locale: "en-GB",
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});
try {
  const page = context.pages()[0] ?? await context.newPage();
  const shot = (name: string) => page.screenshot({ path: join(OUT, `console-${name}.png`) });
  await page.goto(`${origin}/_graphcal/console`);
  await page.getByLabel("Client secret").fill(DEMO_ADMIN_CLIENT_SECRET);
  await page.getByRole("button", { name: "Sign in" }).click();
  const samantha = page.getByRole("article", { name: "Samantha Booth" });
  await samantha.waitFor();
  await shot("tenant");

  // Something for the feed to show: a few writes by Samantha, as a client would make them.
  const mailbox = await server.services.mailboxes.getUser("samanthab@contoso.com");
  const { token } = await server.issuer.mintDelegated({ mailbox, scopes: ["Calendars.ReadWrite"], clientId: DEMO_CLIENT_ID });
  const graph = (method: string, path: string, body?: unknown) => fetch(`${origin}/v1.0${path}`, {
    method, headers: { authorization: `Bearer ${token}`, "content-type": "application/json" }, ...(body !== undefined && { body: JSON.stringify(body) }),
  }).then((r) => r.json() as Promise<{ id: string }>);

  await samantha.getByRole("button", { name: "Week" }).click();
  const week = page.getByRole("region", { name: "Events of the week" });
  await week.getByRole("button", { name: /^Quarterly planning/ }).click();
  await page.getByLabel("Event JSON").waitFor();
  await shot("week");

  await page.getByRole("tab", { name: "Changes" }).click();
  const created = await graph("POST", "/me/events", {
    subject: "Design review", start: { dateTime: "2026-11-26T14:00:00", timeZone: "UTC" }, end: { dateTime: "2026-11-26T15:00:00", timeZone: "UTC" },
  });
  await graph("PATCH", `/me/events/${created.id}`, { subject: "Design review (moved)" });
  await graph("POST", "/me/calendars", { name: "Team rota", color: "lightGreen" });
  await page.getByRole("row").filter({ hasText: "Team rota" }).waitFor();
  await shot("changes");

  await page.getByRole("tab", { name: "Delta" }).click();
  await page.getByLabel("Page size").fill("2");
  await page.getByRole("button", { name: "Start round" }).click();
  await page.getByRole("article", { name: "Page 1" }).waitFor();
  await page.getByRole("button", { name: "Next page" }).click();
  await page.getByRole("article", { name: "Page 2" }).waitFor();
  await shot("delta");

  await page.getByRole("tab", { name: "Controls" }).click();
  await page.getByLabel("Template").selectOption("429-delta-once");
  await page.getByRole("button", { name: "Add fault" }).click();
  await page.locator("tr[data-rule]").waitFor();
  await page.getByLabel("Template").selectOption("latency");
  await page.getByRole("button", { name: "Add fault" }).click();
  await page.locator("tr[data-rule]").nth(1).waitFor();
  await shot("controls");

  await page.setViewportSize({ width: 390, height: 800 });
  await page.getByRole("tab", { name: "Week" }).click();
  await week.getByRole("button", { name: /^Quarterly planning/ }).waitFor();
  await shot("narrow");
  console.log(`screenshots written to ${OUT}`);
} finally {
  await context.close();
  rmSync(profile, { recursive: true, force: true });
  await server.close();
}
