import type { FastifyInstance } from "fastify";
import type { ClockControl, DeltaTokenExpiry, FixtureService, MailboxAccess, MailboxService, ResetService } from "../../domain/index.js";
import type { DeltaTokenCodec } from "../odata/delta-token.js";
import { registerClockRoutes } from "./clock-routes.js";
import { registerResetRoutes } from "./reset-routes.js";
import { registerDeltaTokenRoutes } from "./delta-token-routes.js";
import { registerFixtureRoutes } from "./fixture-routes.js";

/** The emulator's controls the server wires (issue 11): the clock, resets, token expiry, fixtures. */
export interface AdminControls {
  /** Undefined when the server was embedded with a clock of its own that cannot be moved. */
  clock: ClockControl | undefined;
  resets: ResetService;
  tokenExpiry: DeltaTokenExpiry;
  /** Fixtures: load and export (issue 11 §1). */
  fixtures?: FixtureService;
}

/** Every control route under /_graphcal; each one asks authorizeAdmin first (admin-auth.ts). */
export function registerControlRoutes(app: FastifyInstance, deps: {
  controls: AdminControls; codec: DeltaTokenCodec; access: MailboxAccess; mailboxes: MailboxService;
}): void {
  const { controls, access, mailboxes } = deps;
  registerClockRoutes(app, { clock: controls.clock });
  registerResetRoutes(app, { resets: controls.resets, access, mailboxes });
  registerDeltaTokenRoutes(app, { tokenExpiry: controls.tokenExpiry, codec: deps.codec, access, mailboxes });
  if (controls.fixtures) registerFixtureRoutes(app, { fixtures: controls.fixtures });
}
