import type { FastifyInstance } from "fastify";
import {
  CalendarGroupService, CalendarPermissionService, CalendarService, EventDeltaService, EventsDeltaService, EventService, ChangeLogWriter, DeltaService, MailboxAccess, MailboxService,
  ControlledClock, DeliveryLog, NotificationDispatcher, randomIds, SubscribedMailboxes, SubscriptionService,
  type Clock, type FixtureService, type IdSource, type Store, type WebhookTransport,
} from "../domain/index.js";
import {
  loadSigningKey, AccessTokenIssuer, AccessTokenVerifier, IdentityService, type SignInLimits, type SigningKey,
} from "../auth/index.js";
import { createApp, DeltaTokenCodec, FaultControl, loadTokenKeys, QuirkControl, type GraphServices } from "../http/index.js";
import { openStore } from "../store/index.js";
import type { Config } from "./config.js";
import { DEMO_ADMIN_CLIENT_ID, DEMO_TENANT_ID, reseedDemoTenant, seedDemoTenant } from "./demo-tenant.js";
import { buildAdminControls } from "./admin-controls.js";
import { loadOrCreateCertificate } from "./tls.js";
import { loadFaultsFile } from "./faults-file.js";
import { loadStartupFixture, readFixturesFile } from "./fixtures-file.js";
import { webhookTransport } from "./webhook-transport.js";

export interface GraphcalServer {
  config: Readonly<Config>;
  store: Store;
  app: FastifyInstance;
  httpsApp: FastifyInstance | undefined;
  services: GraphServices;
  issuer: AccessTokenIssuer;
  /** Fault rules, throttling and the requests log of both listeners (`/_graphcal/faults`). */
  faults: FaultControl;
  /** Graph quirk modes, global and per mailbox (`/_graphcal/quirks`). */
  quirks: QuirkControl;
  /** Fixtures: load and export (`/_graphcal/fixtures`; server/fixtures.ts). */
  fixtures: FixtureService;
  /**
   * Change notifications (issue 12): the dispatcher runs once the server listens, or once
   * `start()` is called (an in-process server that is never listened on); `idle()` resolves
   * when no delivery is under way.
   */
  notifications: { dispatcher: NotificationDispatcher; log: DeliveryLog; start(): void; idle(): Promise<void> };
  /** Listens on the configured ports; returns the bound addresses. */
  listen(): Promise<{ http: string; https?: string; certPath?: string }>;
  /** Runs one pass of the retention job (also run periodically while listening). */
  prune(): Promise<{ pruned: number }>;
  close(): Promise<void>;
}

export interface ServerDeps {
  clock?: Clock;
  ids?: IdSource;
  /** Use this store instead of opening the configured one (tests share one across restarts). */
  store?: Store;
  /** Sign with this key instead of the store's (graphcal/testing reuses one across in-memory servers). */
  signingKey?: SigningKey;
  /** Seed the demo tenant without its week of events (graphcal/testing: tests bring their own). */
  demoWithoutEvents?: boolean;
  /** How notifications and handshakes reach receivers (default: HTTP with fetch). */
  webhookTransport?: WebhookTransport;
  /**
   * A fixture that is part of the startup state, as FIXTURES_FILE's is: loaded at start, and
   * put back by a whole-store reset. `source` names it in errors.
   */
  startupFixture?: { fixture: unknown; source: string };
  /** Where the server's log goes instead of stdout (tests read it). */
  logStream?: NodeJS.WritableStream;
  /** How many failed sign-ins lock a user or a client (DEFAULT_SIGN_IN_LIMITS; tests lower them). */
  signInLimits?: SignInLimits;
}

/** pino-pretty, loaded only when asked for: JSON logs (the default) never load it. */
async function prettyLogStream(): Promise<NodeJS.WritableStream> {
  const { default: pretty } = await import("pino-pretty");
  return pretty({ colorize: process.stdout.isTTY === true, translateTime: "SYS:HH:MM:ss.l", ignore: "pid,hostname" });
}

/**
 * The composition root: opens the store, loads keys, wires services, auth and HTTP.
 * see: docs/architecture.md
 */
export async function createServer(config: Readonly<Config>, deps: ServerDeps = {}): Promise<GraphcalServer> {
  // The virtual clock (issue 11): the wall clock until an admin moves it.
  const clock = deps.clock ?? new ControlledClock();
  const ids = deps.ids ?? randomIds;
  const store = deps.store ?? await openStore({
    dataDir: config.dataDir, databaseUrl: config.databaseUrl, poolSize: config.databasePoolSize,
    now: () => clock.nowMs(),
  });

  const writer = new ChangeLogWriter(store, clock);
  const retentionMs = config.deltaRetentionDays * 86400_000;
  const mailboxes = new MailboxService({ writer, ids, clock, birthdays: config.birthdays });
  const permissions = new CalendarPermissionService({ writer, ids, mailboxes });
  const events = new EventService({ writer, clock, ids });
  const delta = new DeltaService({ store, clock, writer, options: { retentionMs, watermarkTtlMs: config.watermarkTtlMs } });
  const access = new MailboxAccess({ mailboxes, permissions });
  // Change notifications (issue 12, ADR 0010): a commit wakes the dispatcher for its mailbox.
  const deliveryLog = new DeliveryLog();
  const subscribed = new SubscribedMailboxes();
  const transport = deps.webhookTransport ?? webhookTransport;
  let dispatcherStarted = false;
  const dispatcher: NotificationDispatcher = new NotificationDispatcher({
    store, clock, ids, transport, log: deliveryLog, subscribed,
    createdAlsoUpdated: (mailboxId) => quirks.for(mailboxId).includes("created-and-updated"),
    onError: (err) => app.log.error({ err }, "change notification delivery failed"),
    options: { pollMs: config.notifyPollMs, deliveryTimeoutMs: config.notifyDeliveryTimeoutMs, leaseMs: config.notifyLeaseMs },
  });
  writer.onChange(({ mailboxId, logged }) => {
    if (dispatcherStarted) dispatcher.wake(mailboxId, logged);
  });
  const subscriptions = new SubscriptionService({
    store, access, clock, ids, transport, log: deliveryLog, subscribed,
    options: { validationTimeoutMs: config.notifyValidationTimeoutMs, graphExtensions: config.graphExtensions },
    kick: () => dispatcher.kick(),
    changed: (mailboxId) => dispatcher.forget(mailboxId),
  });
  const services = {
    access,
    mailboxes,
    permissions,
    calendars: new CalendarService({ writer, clock, ids, events }),
    events,
    groups: new CalendarGroupService({ writer, ids }),
    delta,
    eventDelta: new EventDeltaService({ store, clock, delta, options: { retentionMs } }),
    eventsDelta: new EventsDeltaService({ store, clock, delta, options: { retentionMs } }),
    subscriptions,
  };
  const signingKey = deps.signingKey ?? await loadSigningKey(store);
  const issuer = new AccessTokenIssuer({ key: signingKey, clock, ids, issuerOrigin: config.issuerOrigin });
  const verifier = new AccessTokenVerifier({
    key: signingKey, clock, issuerOrigin: config.issuerOrigin, audiences: config.extraAudiences,
    ...(config.externalJwksUrl && { external: { jwksUrl: config.externalJwksUrl, issuer: config.externalIssuer ?? "https://login.microsoftonline.com/{tenantid}/v2.0" } }),
  });
  const identity = new IdentityService({ store, mailboxes, issuer, clock, ...(deps.signInLimits && { limits: deps.signInLimits }) });
  const codec = new DeltaTokenCodec(await loadTokenKeys(store));
  const demoWeek = deps.demoWithoutEvents ? undefined : { events: services.events, clock };
  if (config.seedDemo) await seedDemoTenant(store, services.mailboxes, demoWeek);
  // The startup state a whole-store reset returns to: the demo tenant, then the startup fixture.
  // The startup fixture: an embedder's (graphcal/testing's `fixtures`), else FIXTURES_FILE's.
  let startupFixture = deps.startupFixture?.fixture ?? (config.fixturesFile !== undefined ? readFixturesFile(config.fixturesFile) : undefined);
  const fixtureSource = deps.startupFixture?.source ?? `--fixtures ${config.fixturesFile ?? ""}`;
  const startupState = [config.seedDemo && "demo", startupFixture !== undefined && "fixture"].filter((s) => s !== false).join("+");
  const controls: ReturnType<typeof buildAdminControls> = buildAdminControls({
    store, writer, clock, services, ids, birthdays: config.birthdays, defaultTenantId: DEMO_TENANT_ID,
    ...(startupState && {
      startupState,
      reseed: async () => {
        if (config.seedDemo) await reseedDemoTenant(store, services.mailboxes, demoWeek);
        if (startupFixture !== undefined) await controls.fixtures.load({ fixture: startupFixture, mode: "merge" });
      },
    }),
  });
  if (startupFixture !== undefined) startupFixture = await loadStartupFixture(fixtureSource, startupFixture, controls.fixtures);

  const faults = new FaultControl({ clock, findMailbox: (id) => mailboxes.findUser(id), throttle: config.throttle });
  if (config.faultsFile) await loadFaultsFile(config.faultsFile, faults);
  const quirks = new QuirkControl({ global: config.quirks });
  // Retries and expiries are on the virtual clock: a move may have made some due.
  controls.clock?.onMove(() => dispatcher.kick());
  const startNotifications = () => {
    if (dispatcherStarted) return;
    dispatcherStarted = true;
    dispatcher.start();
  };

  let ready = false;
  const appOptions = {
    faults, quirks,
    services, identity, verifier, issuer, signingKey, codec, clock, issuerOrigin: config.issuerOrigin,
    logLevel: config.logLevel, isReady: () => ready, controls, devOpenAdmin: config.devOpenAdmin,
    // Where the log goes: the caller's stream (tests), else pino-pretty on request (a terminal), else stdout.
    ...(deps.logStream ? { logStream: deps.logStream } : config.logFormat === "pretty" && { logStream: await prettyLogStream() }),
    // The web console's sign-in suggests the demo admin on a server that seeded it.
    ...(config.seedDemo && { console: { demoAdmin: { tenantId: DEMO_TENANT_ID, clientId: DEMO_ADMIN_CLIENT_ID } } }),
    ...(config.publicBaseUrl && { publicBaseUrl: config.publicBaseUrl }),
    allowedHosts: config.allowedHosts, listenHost: config.host, listenPort: config.port, graphExtensions: config.graphExtensions,
  };
  const app = createApp(appOptions);
  const tls = config.httpsPort !== undefined ? await loadOrCreateCertificate(config.dataDir) : undefined;
  const httpsApp = tls ? createApp({ ...appOptions, https: { key: tls.key, cert: tls.cert } }) : undefined;
  await app.ready();
  await httpsApp?.ready();
  ready = true;

  const prune = () => delta.prune({ before: new Date(clock.nowMs() - retentionMs) });
  let timer: NodeJS.Timeout | undefined;

  return {
    config, store, app, httpsApp, services, issuer, prune, faults, quirks, fixtures: controls.fixtures,
    notifications: { dispatcher, log: deliveryLog, start: startNotifications, idle: () => dispatcher.idle() },
    async listen() {
      const http = await app.listen({ port: config.port, host: config.host });
      const https = httpsApp && config.httpsPort !== undefined
        ? await httpsApp.listen({ port: config.httpsPort, host: config.host })
        : undefined;
      timer = setInterval(() => {
        prune().catch((err: unknown) => app.log.error({ err }, "delta retention job failed"));
      }, config.pruneIntervalSeconds * 1000);
      timer.unref();
      startNotifications();
      return { http, ...(https && { https }), ...(tls && { certPath: tls.certPath }) };
    },
    async close() {
      if (timer) clearInterval(timer);
      await dispatcher.close();
      await app.close();
      await httpsApp?.close();
      if (!deps.store) await store.close();
    },
  };
}
