import {
  ClockControl, ControlledClock, DeltaTokenExpiry, FixtureService, ResetService, type ChangeLogWriter, type Clock, type IdSource, type Store,
} from "../domain/index.js";
import type { AdminControls, GraphServices } from "../http/index.js";

/**
 * The /_graphcal controls over the server's store, services and clock (issue 11). The clock can
 * be moved when it is a ControlledClock: the default one, or a test's ManualClock.
 */
export function buildAdminControls(deps: {
  store: Store; writer: ChangeLogWriter; clock: Clock; services: GraphServices;
  /** The startup state a whole-store reset returns to (the demo seed, a startup fixture); absent: empty. */
  reseed?: () => Promise<void>;
  /** Its name in the reset's answer: "demo", "fixture" or "demo+fixture". */
  startupState?: string;
  /** For fixtures: new ids, whether mailboxes get "Birthdays", the tenant of users that name none. */
  ids: IdSource; birthdays: boolean; defaultTenantId: string;
}): AdminControls & { fixtures: FixtureService } {
  const { store, writer, clock, services } = deps;
  return {
    clock: clock instanceof ControlledClock ? new ClockControl(clock) : undefined,
    resets: new ResetService({
      store, mailboxes: services.mailboxes, delta: services.delta, subscriptions: services.subscriptions,
      ...(deps.reseed && { reseed: deps.reseed, startupState: deps.startupState ?? "demo" }),
    }),
    tokenExpiry: new DeltaTokenExpiry({ writer, clock }),
    fixtures: new FixtureService({
      writer, clock, ids: deps.ids, mailboxes: services.mailboxes, birthdays: deps.birthdays, defaultTenantId: deps.defaultTenantId,
    }),
  };
}
