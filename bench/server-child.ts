// A server under test, in its own process (so it gets its own core), driven over IPC by
// bench/run.ts. BENCH_ROLE=graphcal runs the built server (dist/), BENCH_ROLE=bare a node:http
// server that answers each URL with bytes captured from graphcal beforehand.
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import {
  createServer, DEMO_CLIENT_ID, DEMO_TENANT_ID, parseConfig, type GraphcalServer,
} from "../dist/server/index.js";
import { loadSigningKey, AccessTokenVerifier } from "../dist/auth/index.js";
import { pollReplayOf } from "../dist/http/index.js";
import type { Mailbox } from "../dist/domain/index.js";

export interface CapturedResponse {
  status: number;
  headers: Record<string, string>;
  /** base64 of the exact body bytes. */
  body: string;
}

export type BareRoutes = Record<string, CapturedResponse>;

export interface PreparedMailbox {
  mailboxId: string;
  token: string;
  /** deltaLink path (+query) with nothing changed since it was issued. */
  noChange: string;
  /** deltaLink path (+query) issued just before exactly one change (only with withChange). */
  oneChange?: string;
}

const SCOPES = ["Calendars.ReadWrite", "User.Read"];

type Rpc = { id: number; op: string; args: unknown };
/** Each handler declares the shape of its arguments; they arrive over IPC as JSON. */
type Handler = (args: never) => Promise<unknown>;

function send(message: unknown): void {
  process.send?.(message);
}

function serveRpc(handlers: Record<string, Handler>): void {
  process.on("message", (message: Rpc) => {
    const handler = handlers[message.op];
    if (!handler) {
      send({ id: message.id, error: `unknown op ${message.op}` });
      return;
    }
    handler(message.args as never).then(
      (result) => send({ id: message.id, result }),
      (error: unknown) => send({ id: message.id, error: error instanceof Error ? `${error.message}\n${error.stack}` : String(error) }),
    );
  });
  process.on("disconnect", () => process.exit(0));
}

async function graphcal(): Promise<void> {
  const env = process.env;
  const config = parseConfig({
    DATA_DIR: env.BENCH_DATA_DIR, PORT: "0", HOST: "127.0.0.1", LOG_LEVEL: "silent",
    // Case 11 signs in against the demo app; the other cases bring their own mailboxes.
    SEED_DEMO: env.BENCH_SEED_DEMO ?? "false",
    WATERMARK_TTL_MS: env.WATERMARK_TTL_MS, PROVISION_BIRTHDAYS: env.PROVISION_BIRTHDAYS,
    // Case 2's variant with fault rules loaded (none of which matches the polls).
    FAULTS_FILE: env.BENCH_FAULTS_FILE,
    // Only case 5 sets these (PostgreSQL); a DATABASE_URL in the bench's own environment is ignored.
    DATABASE_URL: env.BENCH_DATABASE_URL, DATABASE_POOL_SIZE: env.BENCH_DATABASE_POOL_SIZE,
  });
  // Production wiring only: every request the bench sends carries a token minted below and goes
  // through real bearer verification.
  const server: GraphcalServer = await createServer(config);
  const { http } = await server.listen();
  const app = server.app;

  const tokenFor = async (mailbox: Mailbox) =>
    (await server.issuer.mintDelegated({ mailbox, scopes: SCOPES, clientId: DEMO_CLIENT_ID })).token;

  const get = async (url: string, token: string, prefer?: string) => {
    const res = await app.inject({
      method: "GET", url, headers: { authorization: `Bearer ${token}`, ...(prefer && { prefer }) },
    });
    if (res.statusCode !== 200) throw new Error(`GET ${url} -> ${res.statusCode} ${res.body.slice(0, 300)}`);
    return res.json() as Record<string, unknown> & { value: unknown[] };
  };
  const pathOf = (link: string) => {
    const u = new URL(link);
    return `${u.pathname}${u.search}`;
  };
  /** Follows nextLinks of an initial round to its deltaLink. */
  const initialSync = async (token: string): Promise<{ deltaLink: string; items: number }> => {
    let url = "/beta/me/calendars/delta";
    let items = 0;
    for (;;) {
      const body = await get(url, token, "odata.maxpagesize=100");
      items += body.value.length;
      if (typeof body["@odata.deltaLink"] === "string") return { deltaLink: pathOf(body["@odata.deltaLink"]), items };
      url = pathOf(body["@odata.nextLink"] as string);
    }
  };
  const colors = ["lightBlue", "lightGreen", "lightOrange", "lightGray", "lightYellow", "lightTeal", "lightPink"];

  const prepare = async (mailbox: Mailbox, withChange: boolean): Promise<PreparedMailbox> => {
    const token = await tokenFor(mailbox);
    const first = await initialSync(token);
    if (!withChange) return { mailboxId: mailbox.id, token, noChange: first.deltaLink };
    // One change after the deltaLink was taken: recolour the default calendar through the API.
    const color = colors[Math.floor(Math.random() * colors.length)];
    const res = await app.inject({
      method: "PATCH", url: "/v1.0/me/calendar", headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      payload: JSON.stringify({ color }),
    });
    if (res.statusCode !== 200) throw new Error(`PATCH -> ${res.statusCode} ${res.body.slice(0, 300)}`);
    const poll = await get(first.deltaLink, token);
    if (poll.value.length !== 1) throw new Error(`expected 1 change, got ${poll.value.length}`);
    const noChange = pathOf(poll["@odata.deltaLink"] as string);
    const again = await get(noChange, token);
    if (again.value.length !== 0) throw new Error(`expected no change, got ${again.value.length}`);
    return { mailboxId: mailbox.id, token, noChange, oneChange: first.deltaLink };
  };

  serveRpc({
    /** Provisions `count` mailboxes through MailboxService (as the admin/CLI paths do). */
    async provision(args: { count: number; prefix: string }) {
      const out: { mailbox: Mailbox; token: string }[] = [];
      for (let i = 0; i < args.count; i++) {
        const mailbox = await server.services.mailboxes.provision({
          tenantId: DEMO_TENANT_ID, userPrincipalName: `${args.prefix}${i}@contoso.com`, displayName: `${args.prefix} ${i}`,
        });
        out.push({ mailbox, token: await tokenFor(mailbox) });
      }
      return out;
    },
    /** Initial sync (and optionally one change) for mailboxes found by id or UPN. */
    async prepareDelta(args: { users: string[]; withChange: boolean }) {
      const out: PreparedMailbox[] = [];
      for (const user of args.users) out.push(await prepare(await server.services.mailboxes.getMailbox(user), args.withChange));
      return out;
    },
    /**
     * Events for the events cases (bench/case-events.ts), created one by one through EventService
     * — the domain path a POST takes, without HTTP — in the mailbox's default calendar.
     */
    async createEvents(args: { user: string; bodies: unknown[] }) {
      const mailbox = await server.services.mailboxes.getMailbox(args.user);
      const t0 = performance.now();
      for (const body of args.bodies) await server.services.events.create({ mailbox, scope: {}, body, apiVersion: "v1.0" });
      return { created: args.bodies.length, seconds: (performance.now() - t0) / 1000 };
    },
    /**
     * Case 8 (bench/case-event-delta.ts): for each window, a complete initial calendarView/delta
     * round → deltaLink L1; then ONE event created (POST, inside every window); then L1 polled
     * (exactly 1 item) → L2, and L2 polled (0 items). Tokens are stateless, so L1 stays a
     * one-change poll and L2 a no-change poll for as long as nothing else is written there.
     */
    async prepareEventDelta(args: { user: string; windows: { start: string; end: string }[]; write: unknown }) {
      const mailbox = await server.services.mailboxes.getMailbox(args.user);
      const token = await tokenFor(mailbox);
      const firsts: { link: string; items: number; pages: number }[] = [];
      for (const w of args.windows) {
        let url = `/v1.0/me/calendarView/delta?startDateTime=${w.start}&endDateTime=${w.end}`;
        let items = 0;
        let pages = 0;
        for (;;) {
          const body = await get(url, token, "odata.maxpagesize=1000");
          items += body.value.length;
          pages++;
          if (typeof body["@odata.deltaLink"] === "string") {
            firsts.push({ link: pathOf(body["@odata.deltaLink"]), items, pages });
            break;
          }
          url = pathOf(body["@odata.nextLink"] as string);
        }
      }
      const res = await app.inject({
        method: "POST", url: "/v1.0/me/events", headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
        payload: JSON.stringify(args.write),
      });
      if (res.statusCode !== 201) throw new Error(`POST event -> ${res.statusCode} ${res.body.slice(0, 300)}`);
      const out: { oneChange: string; noChange: string; initialItems: number; initialPages: number }[] = [];
      for (const first of firsts) {
        const poll = await get(first.link, token);
        if (poll.value.length !== 1) throw new Error(`expected 1 change, got ${poll.value.length}`);
        const noChange = pathOf(poll["@odata.deltaLink"] as string);
        const again = await get(noChange, token);
        if (again.value.length !== 0) throw new Error(`expected no change, got ${again.value.length}`);
        out.push({ oneChange: first.link, noChange, initialItems: first.items, initialPages: first.pages });
      }
      return { token, windows: out };
    },
    async token(args: { user: string }) {
      return tokenFor(await server.services.mailboxes.getMailbox(args.user));
    },
    /**
     * Application tokens of `count` apps registered here with Calendars.Read (cases 4b and 8d):
     * delta tokens are bound to their caller, so each app paging through the same mailbox gets
     * links of its own, and the mailbox's id for the /users/{id} paths apps use.
     */
    /** How many requests the edge answered from kept answers so far (http/poll-replay.ts). */
    async replayed() {
      return pollReplayOf(app)?.replayed ?? 0;
    },
    async appTokens(args: { user: string; count: number }) {
      const mailbox = await server.services.mailboxes.getMailbox(args.user);
      const tokens: string[] = [];
      for (let i = 0; i < args.count; i++) {
        const app = { clientId: randomUUID(), tenantId: mailbox.tenantId, displayName: `bench app ${i}`, secretHash: "-", roles: ["Calendars.Read"] };
        await server.store.transaction((tx) => tx.putApp(app));
        tokens.push((await server.issuer.mintApp({ app })).token);
      }
      return { mailboxId: mailbox.id, tokens };
    },
    /** In-process price of bearer auth: a token's first (RS256) verify, and verifies answered by the cache. */
    async authMicro(args: { user: string; iterations: number }) {
      const mailbox = await server.services.mailboxes.getMailbox(args.user);
      const tokens: string[] = [];
      for (let i = 0; i < 60; i++) tokens.push(await tokenFor(mailbox));
      const verifier = new AccessTokenVerifier({ key: await loadSigningKey(server.store), clock: { now: () => new Date(), nowMs: () => Date.now() }, issuerOrigin: config.issuerOrigin });
      for (const t of tokens.slice(0, 10)) await verifier.verify(`Bearer ${t}`); // JIT warm-up
      const c0 = performance.now();
      for (const t of tokens.slice(10)) await verifier.verify(`Bearer ${t}`);
      const coldUs = (performance.now() - c0) * 1000 / (tokens.length - 10);
      const token = tokens[0] as string;
      for (let i = 0; i < 10_000; i++) await verifier.verify(`Bearer ${token} `.trimEnd());
      const t0 = performance.now();
      // A fresh header string each time, as every request brings its own.
      for (let i = 0; i < args.iterations; i++) await verifier.verify(`Bearer ${token} `.trimEnd());
      return { coldUs, hitUs: (performance.now() - t0) * 1000 / args.iterations };
    },
    async initialSync(args: { token: string }) {
      return initialSync(args.token);
    },
    async close() {
      await server.close();
      setImmediate(() => process.exit(0));
      return true;
    },
  });
  send({ type: "ready", port: Number(new URL(http).port) });
}

async function bare(): Promise<void> {
  const routes = JSON.parse(readFileSync(process.env.BENCH_ROUTES_FILE as string, "utf8")) as BareRoutes;
  const table = new Map<string, { status: number; headers: Record<string, string>; body: Buffer }>();
  for (const [url, r] of Object.entries(routes)) {
    table.set(url, { status: r.status, headers: r.headers, body: Buffer.from(r.body, "base64") });
  }
  const server = createHttpServer((req: IncomingMessage, res: ServerResponse) => {
    const hit = table.get(req.url ?? "");
    if (!hit) {
      res.writeHead(404, { "content-length": "0" });
      res.end();
      return;
    }
    res.writeHead(hit.status, hit.headers);
    res.end(hit.body);
  });
  server.keepAliveTimeout = 72_000; // Fastify's default, so both send the same Keep-Alive header
  await new Promise<void>((resolveListen) => server.listen(0, "127.0.0.1", resolveListen));
  serveRpc({
    async close() {
      server.closeAllConnections();
      server.close();
      setImmediate(() => process.exit(0));
      return true;
    },
  });
  send({ type: "ready", port: (server.address() as AddressInfo).port });
}

/**
 * Diagnostic: Fastify as graphcal configures it (request ids, the same async onRequest header
 * hook, a wildcard route) answering with the captured bytes — the framework's share of the cost.
 */
async function fastifyOnly(): Promise<void> {
  const { default: Fastify } = await import("fastify");
  const { randomUUID } = await import("node:crypto");
  const routes = JSON.parse(readFileSync(process.env.BENCH_ROUTES_FILE as string, "utf8")) as BareRoutes;
  const table = new Map<string, { status: number; headers: Record<string, string>; body: string }>();
  for (const [url, r] of Object.entries(routes)) {
    const { "content-length": _length, "request-id": _id, "client-request-id": _cid, "odata-version": _v, "cache-control": _c, ...rest } = r.headers;
    table.set(url, { status: r.status, headers: rest, body: Buffer.from(r.body, "base64").toString("utf8") });
  }
  const app = Fastify({ logger: false, genReqId: () => randomUUID(), routerOptions: { maxParamLength: 8192 } });
  app.addHook("onRequest", async (request, reply) => {
    const clientRequestId = request.headers["client-request-id"];
    reply.header("request-id", request.id);
    reply.header("client-request-id", typeof clientRequestId === "string" && clientRequestId.length <= 200 ? clientRequestId : request.id);
    reply.header("OData-Version", "4.0");
    reply.header("Cache-Control", "private");
  });
  for (const version of ["v1.0", "beta"]) {
    app.get(`/${version}/*`, async (request, reply) => {
      const hit = table.get(request.url);
      if (!hit) return reply.code(404).send();
      for (const [k, v] of Object.entries(hit.headers)) reply.header(k, v);
      return reply.code(hit.status).send(hit.body);
    });
  }
  await app.listen({ port: 0, host: "127.0.0.1" });
  serveRpc({
    async close() {
      await app.close();
      setImmediate(() => process.exit(0));
      return true;
    },
  });
  send({ type: "ready", port: (app.server.address() as AddressInfo).port });
}

const role = process.env.BENCH_ROLE;
(role === "bare" ? bare() : role === "fastify" ? fastifyOnly() : graphcal()).catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
