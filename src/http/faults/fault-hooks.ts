import { setTimeout as sleep } from "node:timers/promises";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { Principal } from "../../domain/index.js";
import { errorResponse, toGraphError, type ErrorContext } from "../errors.js";
import type { FaultControl } from "./fault-control.js";
import { FAULT_HEADER, parseFaultHeader } from "./fault-header.js";
import type { FaultAnswer } from "./fault-rule.js";
import { parityContext } from "../graph-parity.js";
import { describeAnswer, faultErrorOf, restartLinkOf, truncatedBody } from "./fault-responder.js";

// Where faults and throttling meet the Fastify pipeline. Registered right after the correlation
// hook, so an injected error carries the request-id and client-request-id of every Graph error:
//   onRequest  — throttling (admit, or 429), then the X-Graphcal-Fault header or the first rule
//                that fires: an error answer, added latency, or a mark to drop the answer;
//   onSend     — a marked answer is cut mid-body (fault-responder.ts);
//   onResponse — every request goes into the requests log, with the rule that touched it.
// The admin surface (/_graphcal) and /healthz are never touched. The poll replay, which answers
// some requests before Fastify, asks FaultControl.stepsAside first (app.ts).

/** What happened to one request, kept on it for onSend and onResponse. */
interface Touch {
  rule?: string;
  fault: string;
  drop?: boolean;
}

const touches = new WeakMap<FastifyRequest, Touch>();

/**
 * Notes that a quirk mode (quirks/) changed a request's answer, so the requests log names it as
 * it names a fault rule: `rule: "quirk:replay-item"`, after the fault's rule if one fired too.
 */
export function noteQuirk(request: FastifyRequest, quirk: string): void {
  const before = touches.get(request);
  const rule = `quirk:${quirk}`;
  if (before?.rule?.split(",").includes(rule)) return;
  touches.set(request, { ...before, rule: before?.rule ? `${before.rule},${rule}` : rule, fault: before?.fault ?? "quirk" });
}

export function registerFaultHooks(app: FastifyInstance, control: FaultControl, deps: {
  authenticate: (authorization: string | undefined) => Promise<Principal>;
  originOf: (request: FastifyRequest) => string;
  /** Graph extensions on: an injected 410 ResyncRequired carries its Location (graph-parity.ts). */
  graphExtensions?: boolean;
}): void {
  const untouchable = (url: string) => url.startsWith("/_graphcal") || url.startsWith("/healthz");

  // A callback hook that returns at once when idle: no promise on the common path.
  app.addHook("onRequest", (request, reply, done) => {
    if ((control.idle && request.headers[FAULT_HEADER] === undefined) || untouchable(request.url)) return done();
    intercept(request, reply).then((answered) => {
      if (!answered) done();
    }, done);
  });

  async function intercept(request: FastifyRequest, reply: FastifyReply): Promise<boolean> {
    const header = request.headers[FAULT_HEADER];
    const caller = control.throttle || control.rules.needsPrincipal ? await callerOf(request) : undefined;
    const facts = control.factsOf(request.method, request.url, caller && {
      appId: caller.appId, ...(caller.kind === "delegated" && { userId: caller.userId }),
    });

    if (control.throttle && facts.graph && caller) {
      const mailbox = await control.throttledMailbox(facts);
      if (mailbox !== undefined) {
        const admission = control.throttle.admit({ appId: caller.appId, mailbox });
        if (!admission.admitted) {
          touch(request, { fault: `throttle ${admission.limit}` });
          sendFaultError(request, reply, admission.error, {});
          return true;
        }
        // 'close' fires once the answer is sent or the connection is gone, whichever comes first.
        reply.raw.once("close", admission.release);
      }
    }

    let answer: FaultAnswer | undefined;
    let rule: string | undefined;
    if (header !== undefined) {
      answer = parseFaultHeader(header);
      rule = FAULT_HEADER;
    } else {
      const fired = control.rules.take(facts);
      answer = fired;
      rule = fired?.id;
    }
    if (!answer) return false;
    const fault = describeAnswer(answer);
    touch(request, { ...(rule && { rule }), fault, ...(answer.drop && { drop: true }) });
    if (answer.latencyMs) await sleep(answer.latencyMs);
    if (answer.status === undefined) return false;
    const { error, context } = faultErrorOf({ ...answer, status: answer.status }, () => restartLinkOf(deps.originOf(request), request.url));
    sendFaultError(request, reply, error, parityContext(context, deps.graphExtensions ?? false));
    return true;
  }

  async function callerOf(request: FastifyRequest): Promise<Principal | undefined> {
    try {
      return await deps.authenticate(request.headers.authorization);
    } catch {
      return undefined; // not our business here: the route answers 401
    }
  }

  function touch(request: FastifyRequest, what: Touch): void {
    touches.set(request, what);
    request.log.info({ faultRule: what.rule, fault: what.fault, method: request.method, url: request.url }, "graphcal fault injected");
  }

  function sendFaultError(request: FastifyRequest, reply: FastifyReply, error: Error, context: ErrorContext): void {
    const response = errorResponse(toGraphError(error, context), {
      requestId: request.id,
      clientRequestId: String(reply.getHeader("client-request-id") ?? request.id),
      date: control.clock.now(),
    });
    reply.code(response.status).headers(response.headers).send(response.body);
  }

  app.addHook("onSend", (request, reply, payload, done) => {
    const touched = touches.get(request);
    if (!touched?.drop) return done(null, payload);
    const body = typeof payload === "string" || Buffer.isBuffer(payload) ? payload : "";
    // The full length is announced, so the client sees a body cut short, not a short body.
    if (body.length > 0) reply.header("content-length", String(Buffer.byteLength(body)));
    done(null, truncatedBody(body, () => record(request, reply, touched)));
  });

  app.addHook("onResponse", (request, reply, done) => {
    const touched = touches.get(request);
    if (!untouchable(request.url) && !touched?.drop) record(request, reply, touched);
    done();
  });

  function record(request: FastifyRequest, reply: FastifyReply, touched: Touch | undefined): void {
    const q = request.url.indexOf("?");
    control.log.record({
      timeMs: control.clock.nowMs(), method: request.method, path: q < 0 ? request.url : request.url.slice(0, q),
      status: reply.statusCode, requestId: request.id,
      ...(touched?.rule && { rule: touched.rule }), ...(touched && { fault: touched.fault }),
    });
  }
}
