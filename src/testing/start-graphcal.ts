import {
  ADMIN_ROLE, ControlledClock, createServer, DEMO_CLIENT_ID, ManualClock, parseConfig, type GraphcalServer,
} from "../server/index.js";
import { parseFaultRules, type FaultRuleSpec, type FaultRuleView, type QuirkName, type RequestLogEntry, type ThrottleLimits } from "../http/index.js";
import { adminCall, durationOf, type AdminMethod } from "./admin-calls.js";
import { testingSigningKey } from "./signing-key-cache.js";

/**
 * A fixture for {@link Graphcal.seed}: users with their calendars and events, in the format of
 * `POST /_graphcal/fixtures` and `graphcal seed` (see the README).
 *
 * @example
 * const fixture: GraphcalFixture = { users: [{ userPrincipalName: "ann@contoso.com", displayName: "Ann", calendars: [{ name: "Work", color: "lightBlue" }] }] };
 */
export interface GraphcalFixture {
  users: Array<{
    userPrincipalName: string;
    displayName?: string;
    calendars?: Array<{ name: string; color?: string; [property: string]: unknown }>;
    events?: Array<Record<string, unknown>>;
    [property: string]: unknown;
  }>;
  [property: string]: unknown;
}

/**
 * Options of {@link startGraphcal}; all optional.
 *
 * @example
 * const gc = await startGraphcal({ clock: "manual", startAt: "2027-01-04T09:00:00Z", quirks: ["replay-item"] });
 */
export interface StartGraphcalOptions {
  /**
   * Loaded at start, after the demo tenant, as part of the startup state: `reset()` puts it back
   * (same ids), so a suite that resets before each test starts every test from it.
   */
  fixtures?: GraphcalFixture;
  /** `manual` (default): frozen at `startAt` until the test moves it; `real`: the wall clock until moved. */
  clock?: "manual" | "real";
  /** Where a manual clock starts (default: now, to the whole second). */
  startAt?: Date | string;
  /** Graph quirk modes on for every mailbox (default: none, strict mode). */
  quirks?: QuirkName[];
  /** Fault rules in place from the start (the format of `POST /_graphcal/faults`). */
  faults?: FaultRuleSpec[];
  /** Graph's Outlook throttling limits: `"outlook"`, or the profile with other limits. */
  throttle?: "outlook" | Partial<ThrottleLimits>;
  /**
   * The demo tenant contoso: `true` (default) its app and four users with their default
   * calendars; `"week"` also its week of events (as `npm start` has); `false` nothing (then the
   * controls are open, as there is no app to mint an admin token for).
   */
  demo?: boolean | "week";
  /** pino log level of the server (default `silent`). */
  logLevel?: string;
  /**
   * Serve what graphcal has beyond Graph (v1.0 calendars/delta, the 410's Location … see the
   * README's extensions table); default false, Graph parity: what Graph refuses is refused.
   */
  graphExtensions?: boolean;
}

/** Who a token is for: a user (id or UPN), or the app itself. */
export type TokenSubject = string | { app: true; clientId?: string };

/**
 * A graphcal server running in this process for a test suite: what {@link startGraphcal} returns.
 *
 * @example
 * const events = await fetch(`${gc.baseUrl}/me/events`, { headers: { authorization: `Bearer ${await gc.token("adelev@contoso.com")}` } });
 */
export interface Graphcal {
  /** `http://127.0.0.1:{port}`. */
  origin: string;
  /** Graph v1.0 root: `http://127.0.0.1:{port}/v1.0`. */
  baseUrl: string;
  /** Graph beta root (calendars/delta lives there). */
  betaUrl: string;
  /** A bearer token: delegated for a user (default scopes Calendars.ReadWrite User.Read), or app-only (default roles: the app's). */
  token(subject: TokenSubject, scopes?: string[]): Promise<string>;
  /** Loads a fixture (`POST /_graphcal/fixtures`); returns the server's answer. */
  seed(fixture: GraphcalFixture): Promise<unknown>;
  /**
   * Back to the start: the whole store (empty, or the demo tenant), fault rules, quirk modes (to
   * the `quirks` option) and the requests log; or, given `mailbox`, that mailbox's data only.
   * The clock stays where it is.
   */
  reset(options?: { mailbox?: string }): Promise<void>;
  clock: {
    /** The server's time now (read in process, no request). */
    now(): Date;
    /** Moves the clock by an ISO 8601 duration (`"P31D"`, `"PT90M"`) or by milliseconds; returns the new time. */
    advance(by: string | number, options?: { allowBackwards?: boolean }): Promise<Date>;
    /** Sets the clock (an instant with an offset); returns it. */
    set(to: Date | string, options?: { allowBackwards?: boolean }): Promise<Date>;
  };
  faults: {
    /** Adds a rule or a list of rules; returns them with their ids. */
    add(rule: FaultRuleSpec): Promise<FaultRuleView>;
    add(rules: FaultRuleSpec[]): Promise<FaultRuleView[]>;
    /** The rules with their `matched` and `hits` counters. */
    list(): Promise<FaultRuleView[]>;
    clear(): Promise<void>;
  };
  quirks: {
    /** Sets the quirk modes of one mailbox, or (no mailbox) of every mailbox without its own set. */
    set(quirks: QuirkName[], options?: { mailbox?: string }): Promise<void>;
    list(): Promise<{ global: QuirkName[]; value: Array<{ mailbox: string; userPrincipalName: string; quirks: QuirkName[] }> }>;
    /** Strict mode everywhere. */
    clear(): Promise<void>;
  };
  deltaTokens: {
    /** Makes one delta or next link, or every link of a mailbox, answer 410 SyncStateNotFound next time. */
    expire(target: { deltaLink: string } | { mailbox: string }): Promise<void>;
  };
  /** The recent requests (oldest first) with their status and the fault rule or quirk that touched them. */
  requests(options?: { limit?: number }): Promise<RequestLogEntry[]>;
  /** Any other control: `gc.admin("POST", "/_graphcal/mailboxes/x/resetSync")`. */
  admin(method: AdminMethod, path: string, body?: unknown): Promise<unknown>;
  /** The server itself (services, store), for what the HTTP surface does not offer. */
  server: GraphcalServer;
  close(): Promise<void>;
}

const ADMIN_TOKEN_REUSE_MS = 30 * 60_000; // half a token's lifetime, on the server's clock

/**
 * Starts graphcal in this process on an in-memory SQLite store and a free loopback port, with
 * the demo tenant seeded and a manual clock, for a test suite. Controls go over HTTP to the
 * server's `/_graphcal` endpoints with an admin token the helper mints.
 *
 * @example
 * import { startGraphcal } from "graphcal/testing";
 *
 * const gc = await startGraphcal({ clock: "manual" });
 * const token = await gc.token("samanthab@contoso.com");
 * const res = await fetch(`${gc.baseUrl}/me/calendars`, { headers: { authorization: `Bearer ${token}` } });
 * await gc.clock.advance("P31D");
 * await gc.close();
 */
export async function startGraphcal(options: StartGraphcalOptions = {}): Promise<Graphcal> {
  const demo = (options.demo ?? true) !== false;
  const clock = options.clock === "real" ? new ControlledClock() : new ManualClock(startOf(options.startAt));
  const throttle = options.throttle === undefined ? undefined : options.throttle === "outlook" ? {} : options.throttle;
  // Only what is given here: the test's own environment (DATA_DIR, PORT …) must not leak in.
  const config = parseConfig({
    PORT: "0", HOST: "127.0.0.1", LOG_LEVEL: options.logLevel ?? "silent", SEED_DEMO: String(demo),
    GRAPH_EXTENSIONS: String(options.graphExtensions ?? false),
    ...(throttle && {
      THROTTLE: "outlook",
      THROTTLE_CONCURRENCY: throttle.concurrency?.toString(), THROTTLE_REQUESTS: throttle.requests?.toString(),
      THROTTLE_WINDOW_SECONDS: throttle.windowSeconds?.toString(),
    }),
  }, {
    // Without the demo app there is nobody to mint an admin token for: the controls are opened.
    memory: true, "dev-open-admin": !demo, quirks: (options.quirks ?? []).join(","),
  });
  const server = await createServer(config, {
    clock, signingKey: await testingSigningKey(), demoWithoutEvents: options.demo !== "week",
    // Part of the startup state: reset() puts it back (from kept rows, in milliseconds).
    ...(options.fixtures && { startupFixture: { fixture: options.fixtures, source: "startGraphcal({ fixtures })" } }),
  });
  let origin: string;
  try {
    if (options.faults?.length) await server.faults.addRules(parseFaultRules(options.faults));
    origin = (await server.listen()).http;
  } catch (error) {
    await server.close();
    throw error;
  }

  let adminToken: { token: string; atMs: number } | undefined;
  const bearer = async (): Promise<string | undefined> => {
    if (!demo) return undefined;
    const nowMs = clock.nowMs();
    // Re-minted once the clock moved far (or back): a token is judged by the server's clock.
    if (!adminToken || nowMs < adminToken.atMs || nowMs - adminToken.atMs > ADMIN_TOKEN_REUSE_MS) {
      adminToken = { token: await mintApp(server, DEMO_CLIENT_ID, [ADMIN_ROLE]), atMs: nowMs };
    }
    return adminToken.token;
  };
  const admin = (method: AdminMethod, path: string, body?: unknown) => adminCall({ origin, bearer, method, path, ...(body !== undefined && { body }) });
  const clockAnswer = async (body: Record<string, unknown>) => new Date((await admin("POST", "/_graphcal/clock", body) as { now: string }).now);

  const gc: Graphcal = {
    origin, baseUrl: `${origin}/v1.0`, betaUrl: `${origin}/beta`, server, admin,
    async token(subject, scopes) {
      if (typeof subject === "object") return mintApp(server, subject.clientId ?? DEMO_CLIENT_ID, scopes);
      const mailbox = await server.services.mailboxes.getUser(subject);
      const minted = await server.issuer.mintDelegated({ mailbox, scopes: scopes ?? ["Calendars.ReadWrite", "User.Read"], clientId: DEMO_CLIENT_ID });
      return minted.token;
    },
    seed: (fixture) => admin("POST", "/_graphcal/fixtures", fixture),
    async reset(resetOptions = {}) {
      if (resetOptions.mailbox !== undefined) {
        await admin("POST", `/_graphcal/mailboxes/${encodeURIComponent(resetOptions.mailbox)}/reset`);
        return;
      }
      await admin("POST", "/_graphcal/reset");
      await admin("DELETE", "/_graphcal/faults");
      await admin("DELETE", "/_graphcal/quirks");
      if (options.quirks?.length) await admin("POST", "/_graphcal/quirks", { quirks: options.quirks });
      await admin("DELETE", "/_graphcal/requests");
    },
    clock: {
      now: () => clock.now(),
      advance: (by, o = {}) => clockAnswer({ advance: durationOf(by), ...(o.allowBackwards && { allowBackwards: true }) }),
      set: (to, o = {}) => clockAnswer({ set: typeof to === "string" ? to : to.toISOString(), ...(o.allowBackwards && { allowBackwards: true }) }),
    },
    faults: {
      add: (async (rules: FaultRuleSpec | FaultRuleSpec[]) => {
        const added = await admin("POST", "/_graphcal/faults", rules) as FaultRuleView | { value: FaultRuleView[] };
        return Array.isArray(rules) ? (added as { value: FaultRuleView[] }).value : added;
      }) as Graphcal["faults"]["add"],
      list: async () => (await admin("GET", "/_graphcal/faults") as { value: FaultRuleView[] }).value,
      clear: async () => void await admin("DELETE", "/_graphcal/faults"),
    },
    quirks: {
      set: async (quirks, o = {}) => void await admin("POST", "/_graphcal/quirks", { quirks, ...(o.mailbox !== undefined && { mailbox: o.mailbox }) }),
      list: async () => await admin("GET", "/_graphcal/quirks") as Awaited<ReturnType<Graphcal["quirks"]["list"]>>,
      clear: async () => void await admin("DELETE", "/_graphcal/quirks"),
    },
    deltaTokens: {
      expire: async (target) => void await admin("POST", "/_graphcal/delta-tokens/expire", target),
    },
    requests: async (o = {}) => (await admin("GET", `/_graphcal/requests${o.limit ? `?limit=${o.limit}` : ""}`) as { value: RequestLogEntry[] }).value,
    close: () => server.close(),
  };
  return gc;
}

async function mintApp(server: GraphcalServer, clientId: string, roles: string[] | undefined): Promise<string> {
  const app = await server.store.getApp(clientId);
  if (!app) throw new Error(`graphcal: no app registration '${clientId}' (the demo app exists unless demo: false)`);
  return (await server.issuer.mintApp({ app, ...(roles && { roles }) })).token;
}

/** A manual clock's start: the given instant, or now to the whole second (HTTP dates have no fractions). */
function startOf(startAt: Date | string | undefined): Date {
  if (startAt === undefined) return new Date(Math.floor(Date.now() / 1000) * 1000);
  const date = new Date(startAt);
  if (Number.isNaN(date.getTime())) throw new TypeError(`graphcal: startAt is not a date: ${String(startAt)}`);
  return date;
}
