import { afterAll, beforeAll } from "vitest";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomUUID } from "node:crypto";
import {
  createServer, DEMO_CLIENT_ID, DEMO_TENANT_ID, ManualClock, parseConfig, type GraphcalServer, type ServerDeps,
} from "../../src/server/index.js";
import type { Mailbox } from "../../src/domain/index.js";
import { createPgDatabase } from "./engines.js";

export interface InjectOptions {
  token?: string;
  body?: unknown;
  /** Raw payload, sent as is (for malformed-body tests). */
  payload?: string | Buffer;
  headers?: Record<string, string>;
}

export interface TestResponse {
  status: number;
  headers: Record<string, string | string[] | number | undefined>;
  // Whatever JSON the server sent; tests assert on its shape, so a type here would only get in the way.
  body: any;
  text: string;
}

export interface TestServer {
  server: GraphcalServer;
  clock: ManualClock;
  dataDir: string;
  /** In-process request through the whole HTTP app (Fastify inject). */
  request(method: string, url: string, options?: InjectOptions): Promise<TestResponse>;
  /** A fresh mailbox in the demo tenant, so tests never collide. */
  newMailbox(displayName?: string): Promise<Mailbox>;
  userToken(mailbox: Mailbox | string, scopes?: string[]): Promise<string>;
  appToken(roles?: string[], clientId?: string): Promise<string>;
  close(options?: { keepData?: boolean }): Promise<void>;
}

export function tempDataDir(): string {
  return mkdtempSync(join(tmpdir(), "graphcal-test-"));
}

/** The engine the HTTP suites run on: SQLite by default, PostgreSQL with GRAPHCAL_TEST_ENGINE=postgres. */
export const TEST_ENGINE: "sqlite" | "postgres" = process.env.GRAPHCAL_TEST_ENGINE === "postgres" ? "postgres" : "sqlite";

// On PostgreSQL a data folder stands for a database, so reopening the same dataDir (restart
// tests) reopens the same database; the last close without keepData drops it.
const pgDatabases = new Map<string, { url: string; drop: () => Promise<void> }>();

async function databaseUrlFor(dataDir: string): Promise<string | undefined> {
  if (TEST_ENGINE !== "postgres") return undefined;
  let db = pgDatabases.get(dataDir);
  if (!db) {
    db = await createPgDatabase();
    pgDatabases.set(dataDir, db);
  }
  return db.url;
}

/** Starts graphcal in process over a real store (a SQLite file in a temp folder, or a fresh PostgreSQL database) with a manual clock. */
export async function startTestServer(options: {
  dataDir?: string; clock?: ManualClock; env?: Record<string, string>;
  /** Receives the server's log (pino JSON lines, level info unless env says otherwise); silent without it. */
  logs?: NodeJS.WritableStream;
  /** Failed sign-ins that lock a user or client (the server's defaults without it). */
  signInLimits?: ServerDeps["signInLimits"];
} = {}): Promise<TestServer> {
  const dataDir = options.dataDir ?? tempDataDir();
  const clock = options.clock ?? new ManualClock(Date.UTC(2026, 10, 25, 12, 0, 0));
  const databaseUrl = await databaseUrlFor(dataDir);
  const config = parseConfig({
    DATA_DIR: dataDir, LOG_LEVEL: options.logs ? "info" : "silent", PORT: "0", WATERMARK_TTL_MS: "60000",
    ...(databaseUrl && { DATABASE_URL: databaseUrl }), ...options.env,
  });
  const server = await createServer(config, {
    clock, ...(options.logs && { logStream: options.logs }), ...(options.signInLimits && { signInLimits: options.signInLimits }),
  });
  const t: TestServer = {
    server, clock, dataDir,
    async request(method, url, opts = {}) {
      const headers: Record<string, string> = { ...opts.headers };
      if (opts.token) headers.authorization = `Bearer ${opts.token}`;
      let payload: string | Buffer | undefined = opts.payload;
      if (opts.body !== undefined) {
        payload = JSON.stringify(opts.body);
        headers["content-type"] ??= "application/json";
      }
      const res = await server.app.inject({ method: method as "GET", url, headers, ...(payload !== undefined && { payload }) });
      let body: unknown;
      try {
        body = res.body ? JSON.parse(res.body) : undefined;
      } catch {
        body = undefined;
      }
      return { status: res.statusCode, headers: res.headers, body, text: res.body };
    },
    async newMailbox(displayName = "Test User") {
      const id = randomUUID();
      return server.services.mailboxes.provision({
        tenantId: DEMO_TENANT_ID, userPrincipalName: `u-${id.slice(0, 8)}@contoso.com`, displayName,
      });
    },
    async userToken(mailbox, scopes = ["Calendars.ReadWrite", "User.Read"]) {
      const m = typeof mailbox === "string" ? await server.services.mailboxes.getUser(mailbox) : mailbox;
      return (await server.issuer.mintDelegated({ mailbox: m, scopes, clientId: DEMO_CLIENT_ID })).token;
    },
    async appToken(roles, clientId = DEMO_CLIENT_ID) {
      const app = await server.store.getApp(clientId);
      if (!app) throw new Error(`no app ${clientId}`);
      return (await server.issuer.mintApp({ app, ...(roles && { roles }) })).token;
    },
    async close(closeOptions = {}) {
      await server.close();
      // A caller that chose the data folder reopens it later (restart tests) and removes it
      // itself; leftover test databases are dropped by scripts/test-postgres.mjs.
      if (closeOptions.keepData || options.dataDir) return;
      await pgDatabases.get(dataDir)?.drop();
      pgDatabases.delete(dataDir);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return t;
}

/**
 * The suite-wide server most API suites share: started in `beforeAll`, closed in `afterAll`.
 * Returns a stand-in that forwards to the running server, so a suite writes
 * `const t = useTestServer();` at describe level and uses `t` in its tests as the server itself
 * (touching it outside a test, before `beforeAll` ran, throws).
 */
export function useTestServer(options: Parameters<typeof startTestServer>[0] = {}): TestServer {
  let running: TestServer | undefined;
  beforeAll(async () => {
    running = await startTestServer(options);
  });
  afterAll(async () => running?.close());
  return new Proxy({} as TestServer, {
    get(_target, property) {
      if (!running) throw new Error("the suite's test server is used before beforeAll started it");
      const value: unknown = Reflect.get(running, property);
      return typeof value === "function" ? value.bind(running) : value;
    },
  });
}
