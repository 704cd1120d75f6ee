export { createServer, type GraphcalServer, type ServerDeps } from "./create-server.js";
export { parseConfig, ConfigError, type Config } from "./config.js";
export {
  DEMO_ADMIN_CLIENT_ID, DEMO_ADMIN_CLIENT_SECRET, DEMO_APP_DELEGATED_SCOPES, DEMO_APP_ROLES, DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, DEMO_TENANT_ID,
  DEMO_USER_PASSWORD, DEMO_USERS,
} from "./demo-tenant.js";
export { ADMIN_ROLE, ControlledClock, ManualClock, systemClock, type Clock, type ClockMode } from "../domain/index.js";
/**
 * Opens the configured store and applies pending migrations, without starting a server
 * (`graphcal migrate`; `createServer` does the same on start).
 *
 * @example
 * const store = await openStore({ dataDir: parseConfig(process.env).dataDir, now: () => Date.now() });
 * await store.close();
 */
export { openStore, type StoreOptions } from "../store/index.js";
export { exportFixture, loadFixture } from "./fixtures.js";
export type { FixtureDocument, FixtureLoadResult, FixtureMode } from "../domain/index.js";
export { callAdmin, type AdminAnswer, type AdminMethod } from "./admin-call.js";
