import type { ChangeNotification, ChangeType, LifecycleEvent, LifecycleNotification } from "../../graph/index.js";
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

/** The notifications of `notices` that `subscription` asked for, in log order. */
export function changeNotifications(subscription: Subscription, notices: readonly ChangeNotice[], options: { createdAlsoUpdated: boolean }): ChangeNotification[] {
  const out: ChangeNotification[] = [];
  const calendars = subscription.target.kind === "calendars";
  const segment = calendars ? "Calendars" : "Events";
  const type = calendars ? "#Microsoft.Graph.Calendar" : "#Microsoft.Graph.Event";
  const expiry = notificationExpiry(subscription.expirationMs);
  for (const notice of notices) {
    for (const changeType of changeTypesOf(notice, options)) {
      if (!subscription.changeTypes.includes(changeType)) continue;
      const resource = `Users/${subscription.mailboxId}/${segment}/${notice.itemId}`;
      out.push({
        subscriptionId: subscription.id,
        subscriptionExpirationDateTime: expiry,
        changeType,
        resource,
        resourceData: {
          "@odata.type": type,
          "@odata.id": resource,
          ...(notice.changeKey !== null && { "@odata.etag": `W/"${notice.changeKey}"` }),
          id: notice.itemId,
        },
        clientState: subscription.clientState,
        tenantId: subscription.tenantId,
      });
    }
  }
  return out;
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
