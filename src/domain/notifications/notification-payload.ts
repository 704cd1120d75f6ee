import type { ChangeType, LifecycleEvent, LifecycleNotification } from "../../graph/index.js";
import type { ChangeNotice, Subscription } from "./subscription.js";

// What a receiver is sent (spec §4.4, §4.7): basic notifications, ids only, in Outlook's casing
// (`Users/{id}/Events/{id}`, `#Microsoft.Graph.Event`; spec §6 X7). Several go in one POST as
// `{ "value": [...] }`.
// see: https://learn.microsoft.com/graph/outlook-change-notifications-overview

/** The changeTypes a change-log entry stands for. */
export function changeTypesOf(notice: ChangeNotice, options: { createdAlsoUpdated: boolean }): ChangeType[] {
  if (notice.removed) return ["deleted"];
  if (!notice.created) return ["updated"];
  // Real Graph sends `updated` right after `created` for a new event (the quirk mode; spec §4.4).
  return options.createdAlsoUpdated ? ["created", "updated"] : ["created"];
}

/**
 * The notifications of `notices` that `subscription` asked for, in log order, each as its JSON
 * text (a `ChangeNotification`, keys in that order). Written as text rather than built as objects
 * and stringified: delivery shares the core with the writes it reports (issue 12), and all but
 * the item's id, changeType and etag are the same for every notification of a subscription.
 */
export function changeNotifications(subscription: Subscription, notices: readonly ChangeNotice[], options: { createdAlsoUpdated: boolean }): string[] {
  const out: string[] = [];
  const parts = partsOf(subscription);
  for (const notice of notices) {
    for (const changeType of changeTypesOf(notice, options)) {
      if (!subscription.changeTypes.includes(changeType)) continue;
      const resource = JSON.stringify(`${parts.resourcePrefix}${notice.itemId}`);
      const etag = notice.changeKey !== null ? `,"@odata.etag":${JSON.stringify(`W/"${notice.changeKey}"`)}` : "";
      out.push(`${parts.head}"changeType":"${changeType}","resource":${resource},"resourceData":{"@odata.type":"${parts.type}","@odata.id":${resource}${etag},`
        + `"id":${JSON.stringify(notice.itemId)}},${parts.tail}`);
    }
  }
  return out;
}

interface SubscriptionParts {
  expirationMs: number;
  /** `{"subscriptionId":…,"subscriptionExpirationDateTime":…,` */
  head: string;
  /** `"clientState":…,"tenantId":…}` */
  tail: string;
  resourcePrefix: string;
  type: string;
}

/** Per subscription, what every notification of it repeats (recomputed when its expiry moves). */
const partsCache = new WeakMap<Subscription, SubscriptionParts>();

function partsOf(subscription: Subscription): SubscriptionParts {
  const cached = partsCache.get(subscription);
  if (cached && cached.expirationMs === subscription.expirationMs) return cached;
  const calendars = subscription.target.kind === "calendars";
  const parts: SubscriptionParts = {
    expirationMs: subscription.expirationMs,
    head: `{"subscriptionId":${JSON.stringify(subscription.id)},"subscriptionExpirationDateTime":"${notificationExpiry(subscription.expirationMs)}",`,
    tail: `"clientState":${JSON.stringify(subscription.clientState)},"tenantId":${JSON.stringify(subscription.tenantId)}}`,
    resourcePrefix: `Users/${subscription.mailboxId}/${calendars ? "Calendars" : "Events"}/`,
    type: calendars ? "#Microsoft.Graph.Calendar" : "#Microsoft.Graph.Event",
  };
  partsCache.set(subscription, parts);
  return parts;
}

export function lifecycleNotification(subscription: Subscription, lifecycleEvent: LifecycleEvent): LifecycleNotification {
  return {
    subscriptionId: subscription.id,
    // The lifecycle example's form (spec §4.7): seven fractional digits.
    subscriptionExpirationDateTime: new Date(subscription.expirationMs).toISOString().replace(/\.(\d{3})Z$/, ".$10000Z"),
    tenantId: subscription.tenantId,
    clientState: subscription.clientState,
    lifecycleEvent,
  };
}

/** `2026-01-05T11:00:00+00:00`: the form change notifications carry (spec §4.4). */
function notificationExpiry(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, "+00:00");
}

/**
 * The notifications of `notices` in POSTs of at most `size`, cut between change-log entries
 * (an entry's created+updated pair stays together), each with the seqs it covers.
 */
export function notificationBatches(subscription: Subscription, notices: readonly ChangeNotice[], size: number, createdAlsoUpdated: boolean) {
  const out: { notifications: ReturnType<typeof changeNotifications>; seqs: { first: number; last: number } }[] = [];
  let current: (typeof out)[number] | undefined;
  for (const notice of notices) {
    const items = changeNotifications(subscription, [notice], { createdAlsoUpdated });
    if (items.length === 0) {
      // Not asked for: still covered, so the cursor moves past it with the batch it falls in.
      if (current) current.seqs.last = notice.seq;
      continue;
    }
    if (!current || current.notifications.length + items.length > size) {
      current = { notifications: [], seqs: { first: notice.seq, last: notice.seq } };
      out.push(current);
    }
    current.notifications.push(...items);
    current.seqs.last = notice.seq;
  }
  return out;
}
