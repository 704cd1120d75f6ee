// graphcal/client — keep a local store of a mailbox's calendars (calendars/delta) or of a window
// of its events (calendarView/delta) in step with Microsoft Graph (or graphcal). Imports no
// server code. See README.md in this folder.
export { DeltaSync, type DeltaSyncOptions, type SyncTarget } from "./delta-sync.js";
export { hydrateEvents, hydrateOccurrence } from "./event-view.js";
export { eventsToIcs } from "./events-ics.js";
export type { RoundSummary, SyncEvent, WatchSummary } from "./sync-events.js";
export type { RoundCounts } from "./round-stage.js";
export type { CalendarRecord, EventRecord, LocalStoreCommit, SyncResource, SyncState, LocalStore } from "./local-store.js";
export { MemoryLocalStore } from "./memory-local-store.js";
export { openSqliteLocalStore, type SqliteLocalStoreOptions } from "./sqlite-local-store.js";
export {
  cachedAccessTokenSource, jwtExpiry, staticToken, toAccessTokenSource, tokenFunction, type AccessTokenInput, type AccessTokenSource,
} from "./access-token-source.js";
export { commandToken } from "./command-token.js";
export { clientCredentials, type ClientCredentialsOptions } from "./client-credentials.js";
export { DEFAULT_RETRY, parseRetryAfter, retryDelay, type RetryOptions } from "./retry-policy.js";
export type { RetryEvent } from "./retrying-fetch.js";
export { DeltaProtocolError, GraphRequestError, SyncStateLostError } from "./sync-errors.js";
export { realTimers, type Timers } from "./timers.js";
export { NotificationListener, type ChangeNotification, type LifecycleNotification, type NotificationListenerOptions } from "./notification-listener.js";
export {
  renewalDelay, SubscriptionKeeper, type KeptSubscription, type SubscriptionEvent, type SubscriptionKeeperOptions,
} from "./subscription-keeper.js";
export { NotifySync, type NotifySummary, type NotifySyncEvent, type NotifySyncOptions } from "./notify-sync.js";
