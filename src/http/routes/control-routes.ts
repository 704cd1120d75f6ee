import type { FastifyInstance } from "fastify";
import type {
  ChangeFeed, ClockControl, DeltaService, DeltaTokenExpiry, FixtureService, MailboxAccess, MailboxService, ResetService, TenantSummaryReader,
} from "../../domain/index.js";
import type { DeltaTokenCodec } from "../odata/delta-token.js";
import { registerClockRoutes } from "./clock-routes.js";
import { registerResetRoutes } from "./reset-routes.js";
import { registerDeltaTokenRoutes } from "./delta-token-routes.js";
import { registerFixtureRoutes } from "./fixture-routes.js";
import { registerChangeFeedRoutes } from "./change-feed-routes.js";
import { registerTenantRoutes } from "./tenant-routes.js";

/** The emulator's controls the server wires (issue 11): the clock, resets, token expiry, fixtures. */
export interface AdminControls {
  /** Undefined when the server was embedded with a clock of its own that cannot be moved. */
  clock: ClockControl | undefined;
  resets: ResetService;
  tokenExpiry: DeltaTokenExpiry;
  /** Fixtures: load and export (issue 11 §1). */
  fixtures?: FixtureService;
  /** The change log as written, listed and streamed (the web console, issue 13). */
  changeFeed?: ChangeFeed;
  /** Users, mailboxes and folders in one answer (the web console, issue 13). */
  tenant?: TenantSummaryReader;
}

/** Every control route under /_graphcal; each one asks authorizeAdmin first (admin-auth.ts). */
export function registerControlRoutes(app: FastifyInstance, deps: {
  controls: AdminControls; codec: DeltaTokenCodec; access: MailboxAccess; mailboxes: MailboxService; delta: DeltaService;
}): void {
  const { controls, access, mailboxes } = deps;
  registerClockRoutes(app, { clock: controls.clock });
  registerResetRoutes(app, { resets: controls.resets, access, mailboxes });
  registerDeltaTokenRoutes(app, { tokenExpiry: controls.tokenExpiry, codec: deps.codec, access, mailboxes, delta: deps.delta });
  if (controls.fixtures) registerFixtureRoutes(app, { fixtures: controls.fixtures });
  if (controls.changeFeed) registerChangeFeedRoutes(app, { changeFeed: controls.changeFeed, access, mailboxes });
  if (controls.tenant) registerTenantRoutes(app, { tenant: controls.tenant });
}
