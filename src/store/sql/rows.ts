import type { Insertable, Selectable } from "kysely";
import {
  nameKeyOf, upnKey, type AppRegistration, type Calendar, type CalendarChange, type CalendarGroup, type CalendarPermission, type Event,
  type EventChange, type LifecycleNotice, type Mailbox, type Subscription, type TimeSpan,
} from "../../domain/index.js";
import type { ChangeType, LifecycleEvent, TlsVersion } from "../../graph/index.js";
import type {
  AppsTable, CalendarChangesTable, CalendarGroupsTable, CalendarPermissionsTable, CalendarsTable, EventChangesTable, EventsTable,
  MailboxesTable, SubscriptionLifecycleTable, SubscriptionsTable,
} from "./schema.js";

// One row<->domain mapper per table keeps snake_case out of the domain.

export function toMailbox(row: Selectable<MailboxesTable>): Mailbox {
  return {
    id: row.mailbox_id,
    tenantId: row.tenant_id,
    userPrincipalName: row.upn,
    displayName: row.display_name,
    givenName: row.given_name,
    surname: row.surname,
    mail: row.mail,
    hasMailbox: Number(row.has_mailbox) === 1,
  };
}

export function fromMailbox(m: Mailbox, passwordHash: string | null, createdAt: number): Insertable<MailboxesTable> {
  return {
    mailbox_id: m.id,
    tenant_id: m.tenantId,
    upn: m.userPrincipalName,
    upn_key: upnKey(m.userPrincipalName),
    display_name: m.displayName,
    given_name: m.givenName,
    surname: m.surname,
    mail: m.mail,
    has_mailbox: m.hasMailbox ? 1 : 0,
    password_hash: passwordHash,
    change_seq: 0,
    prune_seq: 0,
    reset_seq: 0,
    created_at: createdAt,
  };
}

export function toCalendar(row: Pick<Selectable<CalendarsTable>, "data">): Calendar {
  return JSON.parse(row.data) as Calendar;
}

export function fromCalendar(mailboxId: string, c: Calendar): CalendarsTable {
  return {
    mailbox_id: mailboxId,
    calendar_id: c.id,
    group_id: c.groupId,
    name_key: nameKeyOf(c.name),
    is_default: c.isDefaultCalendar ? 1 : 0,
    created_seq: c.createdSeq,
    change_seq: c.changeSeq,
    data: JSON.stringify(c),
  };
}

export function toCalendarGroup(row: Pick<Selectable<CalendarGroupsTable>, "data">): CalendarGroup {
  return JSON.parse(row.data) as CalendarGroup;
}

export function fromCalendarGroup(mailboxId: string, g: CalendarGroup): CalendarGroupsTable {
  return {
    mailbox_id: mailboxId,
    group_id: g.id,
    name_key: nameKeyOf(g.name),
    is_default: g.isDefault ? 1 : 0,
    created_seq: g.createdSeq,
    data: JSON.stringify(g),
  };
}

export function toChange(row: Selectable<CalendarChangesTable>): CalendarChange {
  return {
    seq: Number(row.seq),
    calendarId: row.calendar_id,
    createdSeq: Number(row.created_seq),
    removed: Number(row.removed) === 1,
    calendar: row.data === null ? null : (JSON.parse(row.data) as Calendar),
    changedAt: new Date(Number(row.changed_at)),
  };
}

export function fromChange(mailboxId: string, c: CalendarChange): CalendarChangesTable {
  return {
    mailbox_id: mailboxId,
    seq: c.seq,
    calendar_id: c.calendarId,
    created_seq: c.createdSeq,
    removed: c.removed ? 1 : 0,
    changed_at: c.changedAt.getTime(),
    data: c.calendar === null ? null : JSON.stringify(c.calendar),
  };
}

export function toApp(row: Selectable<AppsTable>): AppRegistration {
  return {
    clientId: row.client_id,
    tenantId: row.tenant_id,
    displayName: row.display_name,
    secretHash: row.secret_hash,
    roles: JSON.parse(row.roles) as string[],
    delegatedScopes: JSON.parse(row.delegated_scopes) as string[],
  };
}

export function toCalendarPermission(row: { data: string }): CalendarPermission {
  return JSON.parse(row.data) as CalendarPermission;
}

export function fromCalendarPermission(mailboxId: string, p: CalendarPermission): CalendarPermissionsTable {
  return {
    mailbox_id: mailboxId, permission_id: p.id, calendar_id: p.calendarId,
    grantee_mailbox_id: p.granteeMailboxId, data: JSON.stringify(p),
  };
}

const ROW_KIND = { singleInstance: 0, seriesMaster: 1, exception: 2 } as const;
export const EVENT_ROW_KIND = ROW_KIND;

/** Lower-cased in JavaScript so both engines compare identical strings (no collation differences). */
export function searchKey(text: string): string {
  return text.toLowerCase();
}

export function toEvent(row: Pick<Selectable<EventsTable>, "data">): Event {
  return JSON.parse(row.data) as Event;
}

export function fromEvent(mailboxId: string, e: Event, extent: TimeSpan): EventsTable {
  if (e.type === "occurrence") throw new Error("occurrences are computed from their master, never stored");
  return {
    mailbox_id: mailboxId,
    event_id: e.id,
    calendar_id: e.calendarId,
    row_kind: ROW_KIND[e.type],
    series_master_id: e.seriesMasterId,
    start_ms: e.start.epochMs,
    end_ms: e.end.epochMs,
    extent_start_ms: extent.startMs,
    extent_end_ms: extent.endMs,
    original_start_ms: e.originalStart,
    subject_key: searchKey(e.subject),
    // Each category quoted, so `categories/any(c:c eq 'x')` is a substring test for "x" with its quotes.
    categories_key: JSON.stringify(e.categories.map(searchKey)),
    is_all_day: e.isAllDay ? 1 : 0,
    is_cancelled: e.isCancelled ? 1 : 0,
    created_ms: e.createdDateTime,
    modified_ms: e.lastModifiedDateTime,
    transaction_id: e.transactionId ?? null,
    created_seq: e.createdSeq,
    change_seq: e.changeSeq,
    data: JSON.stringify(e),
  };
}

export function toEventChange(row: Selectable<EventChangesTable>): EventChange {
  const span = (start: number | null, end: number | null): TimeSpan | null =>
    start === null || end === null ? null : { startMs: Number(start), endMs: Number(end) };
  return {
    seq: Number(row.seq),
    eventId: row.event_id,
    calendarId: row.calendar_id,
    seriesMasterId: row.series_master_id,
    createdSeq: Number(row.created_seq),
    removed: Number(row.removed) === 1,
    before: row.before_data === null ? null : (JSON.parse(row.before_data) as Event),
    after: row.after_data === null ? null : (JSON.parse(row.after_data) as Event),
    spanBefore: span(row.before_start_ms, row.before_end_ms),
    spanAfter: span(row.after_start_ms, row.after_end_ms),
    changedAt: new Date(Number(row.changed_at)),
  };
}

export function fromEventChange(mailboxId: string, c: EventChange): EventChangesTable {
  return {
    mailbox_id: mailboxId,
    seq: c.seq,
    event_id: c.eventId,
    calendar_id: c.calendarId,
    series_master_id: c.seriesMasterId,
    created_seq: c.createdSeq,
    removed: c.removed ? 1 : 0,
    changed_at: c.changedAt.getTime(),
    before_start_ms: c.spanBefore?.startMs ?? null,
    before_end_ms: c.spanBefore?.endMs ?? null,
    after_start_ms: c.spanAfter?.startMs ?? null,
    after_end_ms: c.spanAfter?.endMs ?? null,
    before_data: c.before === null ? null : JSON.stringify(c.before),
    after_data: c.after === null ? null : JSON.stringify(c.after),
  };
}

export function toSubscription(row: Selectable<SubscriptionsTable>): Subscription {
  return {
    id: row.subscription_id,
    mailboxId: row.mailbox_id,
    tenantId: row.tenant_id,
    applicationId: row.application_id,
    creatorId: row.creator_id,
    resource: row.resource,
    target: row.target_kind === "calendars" ? { kind: "calendars" } : { kind: "events", calendarId: row.calendar_id },
    changeTypes: row.change_types.split(",") as ChangeType[],
    notificationUrl: row.notification_url,
    lifecycleNotificationUrl: row.lifecycle_url,
    clientState: row.client_state,
    latestSupportedTlsVersion: row.tls_version as TlsVersion,
    expirationMs: Number(row.expiration_ms),
    createdMs: Number(row.created_ms),
    delivery: {
      deliveredSeq: Number(row.delivered_seq),
      attempts: Number(row.attempts),
      firstFailureMs: row.first_failure_ms === null ? null : Number(row.first_failure_ms),
      nextAttemptMs: Number(row.next_attempt_ms),
      reauthorizeSentForMs: row.reauthorize_sent_ms === null ? null : Number(row.reauthorize_sent_ms),
    },
  };
}

export function fromSubscription(s: Subscription): Insertable<SubscriptionsTable> {
  return {
    subscription_id: s.id,
    mailbox_id: s.mailboxId,
    tenant_id: s.tenantId,
    application_id: s.applicationId,
    creator_id: s.creatorId,
    resource: s.resource,
    target_kind: s.target.kind,
    calendar_id: s.target.kind === "events" ? s.target.calendarId : null,
    change_types: s.changeTypes.join(","),
    notification_url: s.notificationUrl,
    lifecycle_url: s.lifecycleNotificationUrl,
    client_state: s.clientState,
    tls_version: s.latestSupportedTlsVersion,
    expiration_ms: s.expirationMs,
    created_ms: s.createdMs,
    delivered_seq: s.delivery.deliveredSeq,
    attempts: s.delivery.attempts,
    first_failure_ms: s.delivery.firstFailureMs,
    next_attempt_ms: s.delivery.nextAttemptMs,
    reauthorize_sent_ms: s.delivery.reauthorizeSentForMs,
    lease_owner: null,
    lease_until: 0,
  };
}

export function toLifecycleNotice(row: Selectable<SubscriptionLifecycleTable>): LifecycleNotice {
  return {
    id: row.notice_id,
    subscriptionId: row.subscription_id,
    url: row.url,
    lifecycleEvent: row.lifecycle_event as LifecycleEvent,
    body: row.body,
    createdMs: Number(row.created_ms),
    attempts: Number(row.attempts),
    firstFailureMs: row.first_failure_ms === null ? null : Number(row.first_failure_ms),
    nextAttemptMs: Number(row.next_attempt_ms),
  };
}

export function fromLifecycleNotice(n: LifecycleNotice): Insertable<SubscriptionLifecycleTable> {
  return {
    notice_id: n.id,
    subscription_id: n.subscriptionId,
    url: n.url,
    lifecycle_event: n.lifecycleEvent,
    body: n.body,
    created_ms: n.createdMs,
    attempts: n.attempts,
    first_failure_ms: n.firstFailureMs,
    next_attempt_ms: n.nextAttemptMs,
    lease_owner: null,
    lease_until: 0,
  };
}
