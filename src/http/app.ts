import { randomUUID } from "node:crypto";
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { createServer as createHttpsServer } from "node:https";
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from "fastify";
import { API_VERSIONS, ODATA_CONTENT_TYPE, type ApiVersion } from "../graph/index.js";
import type { Clock } from "../domain/index.js";
import { AuthenticationError, OAuthError, type SigningKey, type AccessTokenIssuer, type AccessTokenVerifier, type IdentityService } from "../auth/index.js";
import { errorResponse, toGraphError, type ErrorContext } from "./errors.js";
import {
  BadPercentEncodingError, InvalidApiVersionError, MAX_BODY_BYTES, MethodNotAllowedError, UnknownSegmentError, UnsupportedContentTypeError,
} from "./edge-errors.js";
import { answerEarly, clientErrorHandler, drainBody, guardServer, headError, MAX_HEAD_BYTES } from "./transport-guard.js";
import { originResolver } from "./public-origin.js";
import { beyondGraph, parityContext } from "./graph-parity.js";
import { metadataDocument, METADATA_CONTENT_TYPE } from "./odata/metadata.js";
import { ALLOWED_METHODS, resolveGraphPath } from "./graph-path.js";
import type { GraphContext, GraphResponse, GraphServices } from "./graph-context.js";
import { dispatch } from "./graph-dispatch.js";
import { parseQueryOptions } from "./odata/query-options.js";
import { JsonText } from "./odata/serialize.js";
import type { DeltaTokenCodec } from "./odata/delta-token.js";
import { registerIdentityRoutes } from "./routes/identity-routes.js";
import { registerAdminRoutes } from "./routes/admin-routes.js";
import { installAdminAuth } from "./routes/admin-auth.js";
import { registerControlRoutes, type AdminControls } from "./routes/control-routes.js";
import { correlationHeaders } from "./correlation.js";
import { attachPollReplay, PollReplay, type ReplayableAnswer } from "./poll-replay.js";
import { readHead } from "./request-head.js";
import { FaultControl } from "./faults/fault-control.js";
import { registerFaultHooks } from "./faults/fault-hooks.js";
import { registerFaultRoutes } from "./routes/fault-routes.js";
import { noteQuirk } from "./faults/fault-hooks.js";
import { QuirkControl } from "./quirks/quirk-control.js";
import { applyDeltaQuirks, isDeltaRoute } from "./quirks/delta-quirks.js";
import { registerQuirkRoutes } from "./routes/quirk-routes.js";
import { registerConsoleRoutes, type ConsoleOptions } from "./routes/console-routes.js";
import { registerSubscriptionAdminRoutes } from "./routes/subscription-admin-routes.js";

export interface AppOptions {
  services: GraphServices;
  /** The token endpoint's grants (the identity routes never see the store). */
  identity: IdentityService;
  verifier: AccessTokenVerifier;
  issuer: AccessTokenIssuer;
  signingKey: SigningKey;
  codec: DeltaTokenCodec;
  clock: Clock;
  /** Fixed issuer origin; unset, the token endpoint uses the request's origin. */
  issuerOrigin?: string | undefined;
  /** Origin for absolute links; otherwise the Host header when it names this server (public-origin.ts). */
  publicBaseUrl?: string;
  /** Host headers trusted for links besides loopback names and the listener's own (ALLOWED_HOSTS). */
  allowedHosts?: readonly string[];
  /** The configured listen host and port: the links' origin when the Host header is not trusted. */
  listenHost?: string;
  listenPort?: number;
  /** What graphcal serves beyond Graph (graph-parity.ts); off: Graph parity mode. */
  graphExtensions?: boolean;
  logLevel?: string;
  /** Where log lines go (a pino-pretty stream on a terminal); pino's stdout JSON when absent. */
  logStream?: NodeJS.WritableStream;
  https?: { key: string; cert: string };
  /** Answers /healthz with 200 once true. */
  isReady?: () => boolean;
  /** The /_graphcal controls (issue 11); absent, only resetSync is served. */
  controls?: AdminControls;
  /** /_graphcal open to anyone (--dev-open-admin); never the default. */
  devOpenAdmin?: boolean;
  /** The wall clock (ms) admin tokens are also judged by; defaults to Date.now. */
  wallNow?: () => number;
  /** Fault rules, throttling and the requests log, shared by a server's apps (one made here if absent). */
  faults?: FaultControl;
  /** Graph quirk modes (quirks/); strict mode when absent. */
  quirks?: QuirkControl;
  /** What the web console's sign-in may suggest (the demo admin's ids on a seeded server). */
  console?: ConsoleOptions;
}

const BODY_LIMIT = MAX_BODY_BYTES;

/** The whole HTTP app. Its pipeline, in order, is the list of hooks below. */
export function createApp(options: AppOptions): FastifyInstance {
  const faults = options.faults ?? new FaultControl({ clock: options.clock, findMailbox: (id) => options.services.mailboxes.findUser(id) });
  const quirks = options.quirks ?? new QuirkControl();
  const replay = new PollReplay({
    nowMs: () => options.clock.nowMs(),
    https: options.https !== undefined,
  });
  const extensions = options.graphExtensions ?? false;
  const guard = { clock: options.clock, https: options.https !== undefined };
  // Built once: the document only changes with the code and the extensions switch.
  const metadata = {
    "v1.0": metadataDocument({ apiVersion: "v1.0", extensions }), beta: metadataDocument({ apiVersion: "beta", extensions }),
  } satisfies Record<ApiVersion, string>;
  const app = Fastify({
    logger: options.logLevel && options.logLevel !== "silent" ? { level: options.logLevel, ...(options.logStream && { stream: options.logStream }) } : false,
    genReqId: () => randomUUID(),
    bodyLimit: BODY_LIMIT,
    // Graph routes read the raw query string themselves (parseQueryOptions) and nothing reads
    // request.query, so Fastify's own parse of every query string would be wasted work.
    routerOptions: { maxParamLength: 8192, querystringParser: () => ({}) },
    // Fastify reads it for the addresses it reports; the server below is made with the key.
    ...(options.https && { https: options.https }),
    // 0. Our own server, so that a repeated no-change delta poll is answered before Fastify
    // (poll-replay.ts); every other request goes to Fastify's handler. Set up as Fastify sets
    // up the server it would create (server.js getServerInstance).
    serverFactory: (handler, fastifyConfig) => {
      const config = fastifyConfig as { keepAliveTimeout?: number; requestTimeout?: number; connectionTimeout?: number; maxRequestsPerSocket?: number };
      const listener = (request: IncomingMessage, response: ServerResponse) => {
        // Sizes and shapes the transport refuses, answered before anything reads the request (transport-guard.ts).
        const head = readHead(request.rawHeaders);
        const refused = headError(request, head);
        if (refused) return answerEarly(request, response, refused, guard);
        // A request a fault rule or throttling may touch skips the replay (faults/fault-control.ts).
        // So does every request while a quirk mode is on anywhere (quirks/delta-quirks.ts).
        if (faults.stepsAside(request, head) || quirks.active || !replay.tryServe(request, response, head)) handler(request, response);
        else faults.recordReplayed(request);
      };
      const server: Server = options.https
        ? createHttpsServer({ ...options.https, maxHeaderSize: MAX_HEAD_BYTES }, listener)
        : createHttpServer({ maxHeaderSize: MAX_HEAD_BYTES }, listener);
      guardServer(server, listener, guard);
      server.keepAliveTimeout = config.keepAliveTimeout ?? 72_000;
      server.requestTimeout = config.requestTimeout ?? 0;
      server.setTimeout(config.connectionTimeout ?? 0);
      if (config.maxRequestsPerSocket) server.maxRequestsPerSocket = config.maxRequestsPerSocket;
      return server;
    },
    // URLs the router cannot decode never reach the hooks; answer them as Graph errors too.
    frameworkErrors: (error, request, reply) => {
      correlate(request, reply);
      return sendError(request, reply, error);
    },
    // Bytes Node's parser gives up on (malformed request line, oversized head) get Graph's body too.
    clientErrorHandler: clientErrorHandler(guard),
  }) as unknown as FastifyInstance;
  attachPollReplay(app, replay);

  const originOf = originResolver({
    publicBaseUrl: options.publicBaseUrl, allowedHosts: options.allowedHosts, listenHost: options.listenHost,
    listenPort: () => (app.server.address() as AddressInfo | null)?.port ?? options.listenPort,
  });
  const authenticate = (authorization: string | undefined) => options.verifier.verify(authorization);

  // 1. Every response carries Graph's correlation and protocol headers (spec §8.3).
  function correlate(request: FastifyRequest, reply: FastifyReply): void {
    const pairs = correlationHeaders(request.id, request.headers["client-request-id"], options.https !== undefined);
    for (let i = 0; i < pairs.length; i += 2) reply.header(pairs[i] as string, pairs[i + 1]);
  }
  // A callback hook: an async one costs a promise and a microtask turn on every request.
  app.addHook("onRequest", (request, reply, done) => {
    correlate(request, reply);
    done();
  });
  // 1b. Throttling and fault injection on Graph requests, and the requests log (faults/fault-hooks.ts).
  registerFaultHooks(app, faults, { authenticate, originOf, graphExtensions: extensions });

  // 2. Bodies: JSON for Graph, form-encoded for the token endpoint; 4 MB at most, Graph's limit.
  app.addContentTypeParser("application/x-www-form-urlencoded", { parseAs: "string" }, (_req, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(body as string)));
  });

  // 3. Errors of any kind leave through http/errors.ts: Graph error bodies (OAuth ones at the
  // token endpoint); unmapped ones are logged 500s. `context` is what the Graph handler noted
  // for rows that need the request (ResyncRequired's Location).
  async function sendError(request: FastifyRequest, reply: FastifyReply, error: unknown, context?: ErrorContext) {
    const mapped = toGraphError(error, context);
    // A chunked body found too large mid-read: read the rest first, so the client can finish
    // writing and read the 413 (transport-guard.ts); Fastify closes the connection after it.
    if (mapped?.status === 413) await drainBody(request.raw);
    if (!mapped) request.log.error({ err: error }, "unhandled error");
    // Why a caller was turned away, for whoever reads the log (the answer says it too).
    else if (error instanceof AuthenticationError) request.log.info({ authFailure: error.reason, detail: error.message }, `access token refused: ${error.reason}`);
    else if (error instanceof OAuthError) request.log.info({ oauthError: error.error, aadsts: error.aadstsCode }, "token request refused");
    const response = errorResponse(mapped, {
      requestId: request.id,
      clientRequestId: String(reply.getHeader("client-request-id") ?? request.id),
      date: options.clock.now(),
    });
    return reply.code(response.status).headers(response.headers).send(response.body);
  }
  app.setErrorHandler((error, request, reply) => sendError(request, reply, error));
  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split("?")[0] ?? "";
    const first = path.split("/")[1] ?? "";
    // Every path under a known version is routed for the methods Graph uses; others land here.
    const error = API_VERSIONS.includes(first as ApiVersion) && path.length > first.length + 2
      ? new MethodNotAllowedError({ method: request.method })
      : /^v\d|^beta$/i.test(first) && !API_VERSIONS.includes(first as ApiVersion)
        ? new InvalidApiVersionError(safeDecode(first))
        : new UnknownSegmentError(safeDecode(first));
    return sendError(request, reply, error);
  });

  // 4. Operational and identity endpoints.
  app.get("/healthz", async (_request, reply) => {
    const ready = options.isReady?.() ?? true;
    reply.code(ready ? 200 : 503).header("content-type", "application/json; charset=utf-8");
    return { status: ready ? "ok" : "starting" };
  });
  registerIdentityRoutes(app, {
    identity: options.identity, issuer: options.issuer,
    signingKey: options.signingKey, issuerOrigin: options.issuerOrigin, originOf,
  });
  installAdminAuth(app, {
    verify: (authorization, nowMs) => options.verifier.verify(authorization, nowMs),
    wallNow: options.wallNow ?? Date.now, devOpenAdmin: options.devOpenAdmin ?? false,
  });
  const { access, mailboxes } = options.services;
  registerAdminRoutes(app, { access, mailboxes, delta: options.services.delta });
  if (options.controls) registerControlRoutes(app, { controls: options.controls, codec: options.codec, access, mailboxes, delta: options.services.delta });
  registerFaultRoutes(app, { faults });
  registerQuirkRoutes(app, { quirks, access, mailboxes });
  // 4b. The web console (issue 13): its page and modules, and the token it reads Graph with.
  registerConsoleRoutes(app, {
    options: options.console ?? {}, devOpenAdmin: options.devOpenAdmin ?? false, issuer: options.issuer, access, mailboxes, originOf,
  });
  registerSubscriptionAdminRoutes(app, { subscriptions: options.services.subscriptions, access, mailboxes });

  // 5a. The next page of a round a client is paging through, made while the client reads the
  // page before it, and kept for the edge to send when it is asked for (GraphResponse.next):
  // answered there, it makes the page after it in turn. The same handler makes it, for the same
  // caller and request head, so it is the answer the pipeline would give; the edge sends it only
  // to a request with the same head, while the domain says it holds (ADR 0002, rule 4). Any
  // refusal or error is left for the request itself to meet in the pipeline.
  function makeAhead(ctx: GraphContext, target: string, head: KeptHead): void {
    replay.making(new Promise<void>((resolve) => setImmediate(resolve)).then(async () => {
      if (quirks.active) return;
      const q = target.indexOf("?");
      const next: GraphContext = { ...ctx, query: parseQueryOptions(q < 0 ? "" : target.slice(q + 1), ctx.apiVersion), errorContext: {} };
      const answer = await dispatch(next, ctx.route, options.codec).catch(() => undefined);
      if (answer?.status !== 200 || !answer.replayWhile || !(answer.body instanceof JsonText)) return;
      const after = answer.next;
      replay.remember({
        url: target, ...head, stillUnchanged: answer.replayWhile, headers: { ...answer.headers, "content-type": ODATA_CONTENT_TYPE },
        body: answer.body.content, ahead: after === undefined ? {} : { onServed: () => makeAhead(next, after, head) },
      });
    }));
  }

  // 5. Graph itself: resolve the path, check the method, authenticate, dispatch, serialise.
  for (const apiVersion of API_VERSIONS) {
    app.route({
      method: ["GET", "POST", "PATCH", "PUT", "DELETE"],
      url: `/${apiVersion}/*`,
      handler: async (request, reply) => {
        const rest = request.url.slice(apiVersion.length + 2);
        const q = rest.indexOf("?");
        const rawPath = q < 0 ? rest : rest.slice(0, q);
        const rawQuery = q < 0 ? "" : rest.slice(q + 1);
        const segments = rawPath.split("/").map(safeDecodeSegment);
        if (segments[segments.length - 1] === "") segments.pop();
        // The service document @odata.context points at; public, as Graph's is (odata/metadata.ts).
        if (segments.length === 1 && segments[0] === "$metadata") {
          if (request.method !== "GET") throw new MethodNotAllowedError({ method: request.method, allowed: ["GET"] });
          return reply.header("content-type", METADATA_CONTENT_TYPE).send(metadata[apiVersion]);
        }
        const route = resolveGraphPath(segments);
        // Graph parity mode: a path Graph does not serve on this version fails as Graph's routing does.
        const parity = beyondGraph(route, apiVersion, extensions);
        if (parity) throw parity;
        const allowed = ALLOWED_METHODS[route.kind];
        if (!allowed.includes(request.method)) {
          throw new MethodNotAllowedError({ method: request.method, allowed });
        }
        if ((request.method === "POST" || request.method === "PATCH") && request.body !== undefined && !isJson(request.headers["content-type"])) {
          throw new UnsupportedContentTypeError(request.headers["content-type"]);
        }
        const principal = await authenticate(request.headers.authorization);
        const errorContext: ErrorContext = {};
        const ctx: GraphContext = {
          apiVersion, route, method: request.method, query: parseQueryOptions(rawQuery, apiVersion),
          origin: originOf(request), principal, body: request.body, headers: request.headers, services: options.services,
          errorContext,
        };
        let response: GraphResponse;
        try {
          response = await dispatch(ctx, route, options.codec);
        } catch (error) {
          // The handler's notes about this request go along to the error table.
          return sendError(request, reply, error, parityContext(errorContext, extensions));
        }
        // 5b. Graph's quirks, when a mode is on, change the delta page at the edge (quirks/).
        if (quirks.active && isDeltaRoute(route)) {
          response = applyDeltaQuirks({ control: quirks, route, principal, url: request.url, origin: ctx.origin, response, touch: (q) => noteQuirk(request, q) });
        }
        if (response.headers) for (const k in response.headers) reply.header(k, response.headers[k]);
        reply.code(response.status);
        if (response.body === undefined) return reply.send();
        const content = response.body instanceof JsonText ? response.body.content : JSON.stringify(response.body);
        const { authorization, prefer } = request.headers;
        const kept = (response.replayWhile || response.next !== undefined) && request.method === "GET" && typeof authorization === "string"
          && typeof prefer !== "object" ? options.verifier.cachedExpiryMs(authorization) : undefined;
        const head: KeptHead | undefined = kept === undefined ? undefined
          : { authorization: authorization as string, host: request.headers.host, prefer: prefer as string | undefined, expiresAtMs: kept };
        if (head && response.replayWhile) {
          replay.remember({ url: request.url, ...head, stillUnchanged: response.replayWhile, headers: { ...response.headers, "content-type": ODATA_CONTENT_TYPE }, body: content });
        }
        if (head && response.next !== undefined) makeAhead(ctx, response.next, head);
        reply.header("content-type", ODATA_CONTENT_TYPE);
        return reply.send(typeof content === "string" || Buffer.isBuffer(content) ? content : Buffer.concat(content));
      },
    });
  }
  return app;
}

/** What a kept answer's request must repeat (PollReplay), taken from the request that led to it. */
type KeptHead = Pick<ReplayableAnswer, "authorization" | "host" | "prefer" | "expiresAtMs">;

function isJson(contentType: string | undefined): boolean {
  return /^application\/json\b/i.test(contentType ?? "");
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

function safeDecodeSegment(s: string): string {
  if (!s.includes("%")) return s;
  try {
    return decodeURIComponent(s);
  } catch {
    throw new BadPercentEncodingError(s);
  }
}
