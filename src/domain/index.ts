// The domain's public surface: what the outer layers (store, auth, http, server) and the
// cross-layer suites may use. Everything else in domain/ is internal to it. Listed by name,
// not `export *`, so that this file is where the surface is read and reviewed.

// Time, ids and errors.
export { ControlledClock, ManualClock, systemClock, type Clock, type ClockMode } from "./clock.js";
export { changeKeyFor, newEntityId, occurrenceIdFor, parseOccurrenceId, randomIds, type IdSource } from "./ids.js";
export {
  AccessDeniedError, BadSyncTokenError, DelegatedOnlyError, DistinguishedFolderError, DomainError, InvalidQueryError,
  MailboxNotEnabledError, MalformedIdError, NameConflictError, NotEmptyError, NotFoundError, OccurrenceCrossingBoundaryError,
  PreconditionFailedError, ResyncRequiredError, SyncStateInvalidError, SyncStateNotFoundError, UserNotFoundError, ValidationError,
  SubscriptionError, SubscriptionNotFoundError,
} from "./errors.js";

// The model and the storage port the store implements.
export type {
  AppRegistration, Calendar, CalendarChange, CalendarGroup, CalendarPermission, Event, EventChange, Mailbox, MailboxSyncState,
  TimeSpan,
} from "./model.js";
export type { Page, Store, StoreReader, StoreSnapshot, StoreTx } from "./store.js";
export { nameKeyOf } from "./calendars/name-key.js";
export { upnKey } from "./mailboxes/upn-key.js";

// Services and the writer they share.
export { ChangeLogWriter, type LoggedChange } from "./change-log/change-log-writer.js";
export { ChangeFeed, type ChangeFeedEntry, type ChangeFeedListener, type ChangeFeedPage } from "./change-log/change-feed.js";
export { MailboxService } from "./mailboxes/mailbox-service.js";
export { CalendarService, type CalendarTarget, type GroupTarget } from "./calendars/calendar-service.js";
export { CalendarGroupService } from "./calendars/calendar-group-service.js";
export { EventService, type EventScope, type IfMatch } from "./events/event-service.js";
export {
  newBirthdaysCalendar, newCalendar, newCalendarGroup, newDefaultCalendar,
} from "./calendars/calendar-defaults.js";
export { CalendarPermissionService } from "./sharing/calendar-permission-service.js";
export { calendarSeenBy, rightsOf, type CalendarRights, type EventDetail, type SharedCalendars } from "./sharing/calendar-rights.js";
export { eventDetailFor, eventQueryView, seesEverything, visibleEventProperties } from "./sharing/shared-event-view.js";

// Events: stored values and the time and body helpers the serialiser needs to render them.
export type { EventTime, NewEventValues } from "./events/event-defaults.js";
export { formatDateTimeTimeZone, type DateTimeTimeZone } from "./events/time/date-time-time-zone.js";
export { resolveTimeZone, type ResolvedTimeZone } from "./events/time/time-zones.js";
export { OPEN_END_MS, overlapsWindow } from "./events/series/series.js";
export { toTextBody } from "./events/item-body.js";
export { occurrenceIdOf } from "./events/apply-event-input.js";
export {
  compareEvents, matchesEventFilter,
  type ComparisonOp, type EventCondition, type EventFilter, type EventOrder, type EventOrderField, type EventQueryView,
  type EventTimeField,
} from "./events/event-query.js";

// Who may do what.
export type { Principal } from "./access/principal.js";
export { ADMIN_ROLE, EVENT_DETAIL_PROPERTIES, readsEventDetails, type MailboxOperation } from "./access/permissions.js";
export {
  MailboxAccess, type CalendarReach, type CalendarsReach, type EventsReach, type UserRef,
} from "./access/mailbox-access.js";

// Delta.
export type { CalendarViewScope, DeltaCursor, DeltaScope, EventsScope, IssuedCursor, PageCursor, RoundCursor } from "./delta/delta-cursor.js";
export { DeltaService, type DeltaItem, type DeltaOptions, type DeltaPage, type KeptSlice, type PageCheck } from "./delta/delta-service.js";
export { collapseChanges, type CollapseWindow } from "./delta/collapse-changes.js";
export { EventDeltaService, type EventDeltaPage } from "./event-delta/event-delta-service.js";
export { EventsDeltaService, type EventsDeltaPage } from "./event-delta/events-delta-service.js";
export type { EventDeltaItem } from "./event-delta/round-items.js";

// Emulator controls under /_graphcal (issue 11).
export { ClockControl, type ClockState } from "./controls/clock-control.js";
export { ResetService } from "./controls/reset-service.js";
export { DeltaTokenExpiry } from "./controls/delta-token-expiry.js";
export { TenantSummaryReader, type TenantCalendar, type TenantSummary, type TenantUser } from "./controls/tenant-summary.js";
export { FixtureService, FIXTURE_MODES, type FixtureLoadResult, type FixtureMode } from "./fixtures/fixture-service.js";
export type { FixtureDocument } from "./fixtures/export-fixture.js";

// Change notifications (issue 12; ADR 0010).
export type { ClaimedSubscription, NotificationStore } from "./notifications/notification-store.js";
export {
  SUBSCRIPTION_LIMITS, type ChangeNotice, type DeliveryState, type LifecycleNotice, type Subscription, type SubscriptionTarget,
} from "./notifications/subscription.js";
export { SubscriptionService, type SubscriptionServiceOptions } from "./notifications/subscription-service.js";
export { NotificationDispatcher } from "./notifications/notification-dispatcher.js";
export { DEFAULT_DISPATCHER_OPTIONS, retryDelayMs, type DispatcherOptions } from "./notifications/dispatcher-options.js";
export { DeliveryLog, DELIVERY_LOG_LIMITS, type DeliveryAttempt } from "./notifications/delivery-log.js";
export type { WebhookRequest, WebhookResult, WebhookTransport } from "./notifications/webhook.js";
export { formatExpiration, subscriptionView } from "./notifications/subscription-view.js";
export { VALIDATION_MESSAGES } from "./notifications/validation-handshake.js";
export { SubscribedMailboxes } from "./cache/subscribed-mailboxes.js";

// Caches other layers build on (the catalogue: cache/README.md).
export { BoundedMap } from "./cache/bounded-map.js";
export { VerifiedCache } from "./cache/verified-cache.js";
export { TOKEN_REUSE_MS } from "./cache/token-reuse.js";
export { NoticeTail } from "./notifications/notice-tail.js";
export { changeNotifications } from "./notifications/notification-payload.js";
