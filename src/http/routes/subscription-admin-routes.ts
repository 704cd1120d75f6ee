import type { FastifyInstance, FastifyRequest } from "fastify";
import {
  subscriptionView, SubscriptionNotFoundError, ValidationError, type MailboxAccess, type MailboxService, type Subscription,
  type SubscriptionService,
} from "../../domain/index.js";
import { LIFECYCLE_EVENTS, type LifecycleEvent } from "../../graph/index.js";
import { adminMailbox, authorizeAdmin, type AdminCaller } from "./admin-auth.js";
import { optionalString, readControlBody } from "./admin-body.js";

// Change notifications as the emulator shows and drives them (issue 12), not a Graph surface:
//   GET  /_graphcal/subscriptions[?mailbox=id|upn]      every subscription (all apps), with its delivery state
//   GET  /_graphcal/subscriptions/{id}                  one of them
//   GET  /_graphcal/subscriptions/{id}/deliveries       its recent delivery attempts (this instance's, in memory)
//   POST /_graphcal/subscriptions/{id}/lifecycle        {"lifecycleEvent": "reauthorizationRequired" | "subscriptionRemoved" | "missed"}
// An admin app sees its own tenant's subscriptions; an open server (--dev-open-admin) all.

const JSON_TYPE = "application/json; charset=utf-8";

/** The Graph view plus what only the emulator knows: the mailbox and where delivery stands. */
function adminView(subscription: Subscription): Record<string, unknown> {
  const { delivery } = subscription;
  return {
    ...subscriptionView(subscription), mailboxId: subscription.mailboxId, tenantId: subscription.tenantId,
    delivery: {
      deliveredSeq: delivery.deliveredSeq, failedAttempts: delivery.attempts,
      failingSince: delivery.firstFailureMs === null ? null : new Date(delivery.firstFailureMs).toISOString(),
      nextAttempt: delivery.nextAttemptMs === 0 ? null : new Date(delivery.nextAttemptMs).toISOString(),
    },
  };
}

export function registerSubscriptionAdminRoutes(app: FastifyInstance, deps: {
  subscriptions: SubscriptionService; access: MailboxAccess; mailboxes: MailboxService;
}): void {
  const { subscriptions } = deps;
  /** The subscription, if the caller's tenant owns it (a 404 otherwise, as for a missing one). */
  const find = async (caller: AdminCaller, id: string): Promise<Subscription> => {
    const subscription = await subscriptions.adminGet(id);
    if (!caller.open && subscription.tenantId !== caller.principal.tenantId) throw new SubscriptionNotFoundError(id);
    return subscription;
  };

  app.get("/_graphcal/subscriptions", async (request: FastifyRequest, reply) => {
    const caller = await authorizeAdmin(request);
    const user = new URL(request.url, "http://graphcal").searchParams.get("mailbox");
    const mailboxId = user === null ? undefined : (await adminMailbox(caller, user, deps)).id;
    const all = await subscriptions.adminList(mailboxId === undefined ? {} : { mailboxId });
    const visible = caller.open ? all : all.filter((s) => s.tenantId === caller.principal.tenantId);
    return reply.header("content-type", JSON_TYPE).send({ value: visible.map(adminView) });
  });

  app.get<{ Params: { id: string } }>("/_graphcal/subscriptions/:id", async (request, reply) => {
    const caller = await authorizeAdmin(request);
    return reply.header("content-type", JSON_TYPE).send(adminView(await find(caller, request.params.id)));
  });

  app.get<{ Params: { id: string } }>("/_graphcal/subscriptions/:id/deliveries", async (request, reply) => {
    const caller = await authorizeAdmin(request);
    const { id } = request.params;
    // A removed subscription's attempts stay readable (its subscriptionRemoved, say) until they age out.
    const value = subscriptions.deliveries(id);
    if (value.length === 0) await find(caller, id);
    return reply.header("content-type", JSON_TYPE).send({ subscriptionId: id, value });
  });

  app.post<{ Params: { id: string } }>("/_graphcal/subscriptions/:id/lifecycle", async (request, reply) => {
    const caller = await authorizeAdmin(request);
    const body = readControlBody(request.body, ["lifecycleEvent"]);
    const lifecycleEvent = optionalString(body, "lifecycleEvent");
    if (lifecycleEvent === undefined || !(LIFECYCLE_EVENTS as readonly string[]).includes(lifecycleEvent)) {
      throw new ValidationError(`'lifecycleEvent' must be one of ${LIFECYCLE_EVENTS.join(", ")}.`, "badRequest");
    }
    const subscription = await find(caller, request.params.id);
    const result = await subscriptions.triggerLifecycle({ id: subscription.id, lifecycleEvent: lifecycleEvent as LifecycleEvent });
    return reply.header("content-type", JSON_TYPE).send({ subscriptionId: subscription.id, lifecycleEvent, ...result });
  });
}
