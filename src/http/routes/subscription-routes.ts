import { subscriptionView, type Subscription } from "../../domain/index.js";
import type { GraphRoute } from "../graph-path.js";
import type { GraphContext, GraphResponse } from "../graph-context.js";
import { metadataUrl } from "../odata/links.js";

// Change-notification subscriptions (spec §4.2–4.6): create, list, get, renew, delete, reauthorize.
// Delivery is not a route's business: the dispatcher sends notifications from the change log.
// see: https://learn.microsoft.com/graph/api/resources/subscription

type SubscriptionRoute = Extract<GraphRoute, { kind: "subscription" | "subscriptionReauthorize" }>;

function entity(ctx: GraphContext, subscription: Subscription): Record<string, unknown> {
  return { "@odata.context": metadataUrl(ctx.origin, ctx.apiVersion, "subscriptions/$entity"), ...subscriptionView(subscription) };
}

/** POST /subscriptions: 201 once the notification URL passed the validation handshake. */
export async function createSubscription(ctx: GraphContext): Promise<GraphResponse> {
  const subscription = await ctx.services.subscriptions.create({ principal: ctx.principal, body: ctx.body });
  return { status: 201, body: entity(ctx, subscription) };
}

export async function listSubscriptions(ctx: GraphContext): Promise<GraphResponse> {
  const subscriptions = await ctx.services.subscriptions.list({ principal: ctx.principal });
  return {
    status: 200,
    body: { "@odata.context": metadataUrl(ctx.origin, ctx.apiVersion, "subscriptions"), value: subscriptions.map(subscriptionView) },
  };
}

export async function getSubscription(ctx: GraphContext, route: SubscriptionRoute): Promise<GraphResponse> {
  const subscription = await ctx.services.subscriptions.get({ principal: ctx.principal, id: route.subscriptionId });
  return { status: 200, body: entity(ctx, subscription) };
}

/** PATCH: renewal (expirationDateTime) and a new notificationUrl (validated first). */
export async function updateSubscription(ctx: GraphContext, route: SubscriptionRoute): Promise<GraphResponse> {
  const subscription = await ctx.services.subscriptions.update({ principal: ctx.principal, id: route.subscriptionId, body: ctx.body });
  return { status: 200, body: entity(ctx, subscription) };
}

export async function deleteSubscription(ctx: GraphContext, route: SubscriptionRoute): Promise<GraphResponse> {
  await ctx.services.subscriptions.delete({ principal: ctx.principal, id: route.subscriptionId });
  return { status: 204 };
}

/** POST /subscriptions/{id}/reauthorize: 204 (spec §4.6, [REC]). */
export async function reauthorizeSubscription(ctx: GraphContext, route: SubscriptionRoute): Promise<GraphResponse> {
  await ctx.services.subscriptions.reauthorize({ principal: ctx.principal, id: route.subscriptionId });
  return { status: 204 };
}
