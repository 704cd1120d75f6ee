import { ADMIN_ROLE, type Clock, type EventService, type MailboxService, type Store } from "../domain/index.js";
import { DEMO_EVENTS_MARK, seedDemoEvents } from "./demo-events.js";

// The demo tenant seeded on first start (like Azurite's well-known dev account). These values
// are public on purpose; turn seeding off (SEED_DEMO=false / --no-seed) for anything real.

export const DEMO_TENANT_ID = "8f3a6c12-7d4e-4b9a-a1c5-2e6f9b0d3c71";
export const DEMO_CLIENT_ID = "c0ffee00-cafe-4bad-a55e-000000000001";
export const DEMO_CLIENT_SECRET = "graphcal-demo-secret";
export const DEMO_USER_PASSWORD = "graphcal-demo-password";
export const DEMO_APP_ROLES = ["Calendars.ReadWrite", "User.Read.All"];
/**
 * The demo admin (issue 13): an app with only the Graphcal.Admin role, so that the web console of
 * a development server can sign in through the token endpoint (client credentials). As public as
 * the other demo values: a server that seeds the demo tenant is a development server.
 */
export const DEMO_ADMIN_CLIENT_ID = "c0ffee00-cafe-4bad-a55e-0000000000ad";
export const DEMO_ADMIN_CLIENT_SECRET = "graphcal-demo-admin-secret";

/**
 * The delegated scopes the demo app is consented to: what the README, the CLI and the SDK
 * examples ask for. No `.Shared` scope (reaching others' calendars is for tokens minted by the
 * operator, `graphcal token --scopes`), and no admin role anywhere: the token endpoint never
 * grants Graphcal.Admin to the demo app (`graphcal token --app --roles Graphcal.Admin` mints it
 * from the store's key instead).
 */
export const DEMO_APP_DELEGATED_SCOPES = ["Calendars.ReadBasic", "Calendars.Read", "Calendars.ReadWrite", "User.Read"];

export const DEMO_USERS = [
  { id: "5e1e4a3c-2f71-4d8a-9b2e-7c4f0a1d6b01", userPrincipalName: "samanthab@contoso.com", displayName: "Samantha Booth", givenName: "Samantha", surname: "Booth" },
  { id: "5e1e4a3c-2f71-4d8a-9b2e-7c4f0a1d6b02", userPrincipalName: "adelev@contoso.com", displayName: "Adele Vance", givenName: "Adele", surname: "Vance" },
  { id: "5e1e4a3c-2f71-4d8a-9b2e-7c4f0a1d6b03", userPrincipalName: "meganb@contoso.com", displayName: "Megan Bowen", givenName: "Megan", surname: "Bowen" },
  { id: "5e1e4a3c-2f71-4d8a-9b2e-7c4f0a1d6b04", userPrincipalName: "alexw@contoso.com", displayName: "Alex Wilber", givenName: "Alex", surname: "Wilber" },
] as const;

const SEED_MARK = "demo.seeded.v1";

/**
 * The demo secrets' scrypt hashes (auth/passwords.ts hashSecret), made once and written here: a
 * hash costs ~50 ms on purpose, and a test suite starts the demo tenant (graphcal/testing) and
 * re-seeds it after whole-store resets (issue 11) often. The secrets are public, so their salted
 * hashes are too; demo-tenant.test.ts checks they still verify.
 */
export const DEMO_SECRET_HASHES: Readonly<Record<string, string>> = Object.freeze({
  [DEMO_CLIENT_SECRET]: "scrypt$DhE9njQ1zrspd83dsrNhBg$ES_Kpni2o5LOX_tDSZD4xHY2c7fyr1-xiZaF8K98PMg",
  [DEMO_USER_PASSWORD]: "scrypt$kbJTDntPYLr7dkj0G01_hA$Lk_nQhCpurtygFfVcEFwGr_D1pUy2LyAdyEoGxttleo",
  [DEMO_ADMIN_CLIENT_SECRET]: "scrypt$ASdYrfHj77kHvc4UxlfOaw$9dXfBbTx1sK9jDRGr-0o3SV_S3sGb2AJhyLb1lKl71Y",
});
function demoHash(secret: string): string {
  return DEMO_SECRET_HASHES[secret] as string;
}

/**
 * Seeds the demo tenant once per store, then (given EventService) the demo week of events
 * (demo-events.ts has its own mark, so a store seeded before events existed gets them on its
 * next start). Every step is idempotent (the app insert ignores a duplicate, users are
 * provisioned only if absent, a unique-key clash with a concurrent seeder counts as done), so several instances starting together end with one tenant, and a seed
 * interrupted by a crash completes on the next start.
 */
export async function seedDemoTenant(
  store: Store, mailboxes: MailboxService, week?: { events: EventService; clock: Clock },
): Promise<boolean> {
  const seeded = await seedDirectory(store, mailboxes);
  // Outside the seed mark, so a store seeded before the demo admin existed gets it too; the
  // insert ignores a duplicate.
  await store.transaction((tx) => tx.putApp({
    clientId: DEMO_ADMIN_CLIENT_ID, tenantId: DEMO_TENANT_ID, displayName: "graphcal demo admin",
    secretHash: demoHash(DEMO_ADMIN_CLIENT_SECRET), roles: [ADMIN_ROLE],
  }));
  if (week) await seedDemoEvents({ store, mailboxes, ...week, userPrincipalNames: DEMO_USERS.map((u) => u.userPrincipalName) });
  return seeded;
}

/**
 * Seeds the demo tenant again after a whole-store reset (issue 11): the reset kept the
 * settings, so the seed marks go first and the seed runs as on a first start.
 */
export async function reseedDemoTenant(store: Store, mailboxes: MailboxService, week?: { events: EventService; clock: Clock }): Promise<void> {
  await store.deleteSettings([SEED_MARK, DEMO_EVENTS_MARK]);
  await seedDemoTenant(store, mailboxes, week);
}

async function seedDirectory(store: Store, mailboxes: MailboxService): Promise<boolean> {
  if ((await store.getSetting(SEED_MARK)) !== undefined) return false;
  await store.transaction((tx) => tx.putApp({
    clientId: DEMO_CLIENT_ID, tenantId: DEMO_TENANT_ID, displayName: "graphcal demo app",
    secretHash: demoHash(DEMO_CLIENT_SECRET), roles: DEMO_APP_ROLES, delegatedScopes: DEMO_APP_DELEGATED_SCOPES,
  }));
  for (const user of DEMO_USERS) {
    if (await mailboxes.findUser(user.id)) continue;
    try {
      await mailboxes.provision({ ...user, tenantId: DEMO_TENANT_ID, passwordHash: demoHash(DEMO_USER_PASSWORD) });
    } catch (error) {
      if (!(await mailboxes.findUser(user.id))) throw error;
    }
  }
  await store.transaction((tx) => tx.putSettingIfAbsent(SEED_MARK, "done"));
  return true;
}
