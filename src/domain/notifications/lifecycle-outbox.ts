import type { LifecycleEvent } from "../../graph/index.js";
import type { Clock } from "../clock.js";
import type { IdSource } from "../ids.js";
import type { Store } from "../store.js";
import { lifecycleNotification } from "./notification-payload.js";
import type { Subscription } from "./subscription.js";

/**
 * Queues a lifecycle notification for the dispatcher (spec §4.7). It goes to the lifecycle URL
 * only: a subscription without one is never told (Graph's rule), and this returns false. The
 * notice is a row of its own, so a `subscriptionRemoved` outlives the subscription it reports.
 */
export async function queueLifecycle(deps: { store: Store; clock: Clock; ids: IdSource }, subscription: Subscription, lifecycleEvent: LifecycleEvent): Promise<boolean> {
  const url = subscription.lifecycleNotificationUrl;
  if (url === null) return false;
  await deps.store.notifications.insertLifecycleNotice({
    id: deps.ids.guid(), subscriptionId: subscription.id, url, lifecycleEvent,
    body: JSON.stringify(lifecycleNotification(subscription, lifecycleEvent)),
    createdMs: deps.clock.nowMs(), attempts: 0, firstFailureMs: null, nextAttemptMs: 0,
  });
  return true;
}
