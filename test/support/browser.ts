import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, type BrowserContext, type Page } from "playwright-core";

// Headless Chromium from Debian's `chromium` package, driven by playwright-core (no browser
// download): one fresh profile per suite, and every console error or uncaught exception of the
// page collected, so a suite can fail on any.

export const CHROMIUM = process.env.GRAPHCAL_CHROMIUM ?? "/usr/bin/chromium";

const ARGS = [
  "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
  "--disable-background-networking", "--disable-component-update", "--disable-sync",
];

export interface TestBrowser {
  context: BrowserContext;
  page: Page;
  /** Console errors and page exceptions seen so far. */
  errors: string[];
  close(): Promise<void>;
}

export async function launchBrowser(options: { viewport?: { width: number; height: number } } = {}): Promise<TestBrowser> {
  const profile = mkdtempSync(join(tmpdir(), "graphcal-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM, headless: true, args: ARGS,
    viewport: options.viewport ?? { width: 1280, height: 800 }, timezoneId: "UTC", locale: "en-GB",
  });
  const page = context.pages()[0] ?? await context.newPage();
  const errors: string[] = [];
  page.on("console", (message) => {
    if (message.type() === "error") errors.push(`console: ${message.text()}`);
  });
  page.on("pageerror", (error) => errors.push(`page: ${error.message}`));
  return {
    context, page, errors,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
