import type { Generated } from "kysely";

// Table shapes as the SQL sees them (snake_case). Every mailbox table leads with mailbox_id,
// the future distribution column; settings and apps are small global (reference) tables.
// Booleans are 0/1 integers and times epoch milliseconds so both engines agree.

export interface MailboxesTable {
  mailbox_id: string;
  tenant_id: string;
  upn: string;
  upn_key: string;
  display_name: string;
  given_name: string | null;
  surname: string | null;
  mail: string | null;
  has_mailbox: number;
  password_hash: string | null;
  change_seq: number;
  prune_seq: number;
  reset_seq: number;
  created_at: number;
  max_event_ms: Generated<number>;
  expiry_seq: Generated<number>;
}

export interface CalendarGroupsTable {
  mailbox_id: string;
  group_id: string;
  name_key: string;
  is_default: number;
  created_seq: number;
  data: string;
}

export interface CalendarsTable {
  mailbox_id: string;
  calendar_id: string;
  group_id: string;
  name_key: string;
  is_default: number;
  created_seq: number;
  change_seq: number;
  data: string;
}

export interface CalendarChangesTable {
  mailbox_id: string;
  seq: number;
  calendar_id: string;
  created_seq: number;
  removed: number;
  changed_at: number;
  data: string | null;
}

export interface CalendarPermissionsTable {
  mailbox_id: string;
  permission_id: string;
  calendar_id: string;
  grantee_mailbox_id: string;
  data: string;
}

export interface EventsTable {
  mailbox_id: string;
  event_id: string;
  calendar_id: string;
  row_kind: number;
  series_master_id: string | null;
  start_ms: number;
  end_ms: number;
  extent_start_ms: number;
  extent_end_ms: number;
  original_start_ms: number | null;
  subject_key: string;
  categories_key: string;
  is_all_day: number;
  is_cancelled: number;
  created_ms: number;
  modified_ms: number;
  transaction_id: string | null;
  created_seq: number;
  change_seq: number;
  data: string;
}

export interface EventChangesTable {
  mailbox_id: string;
  seq: number;
  event_id: string;
  calendar_id: string;
  series_master_id: string | null;
  created_seq: number;
  removed: number;
  changed_at: number;
  before_start_ms: number | null;
  before_end_ms: number | null;
  after_start_ms: number | null;
  after_end_ms: number | null;
  before_data: string | null;
  after_data: string | null;
}

/** A delta link an administrator expired, by the hash of its cursor (migration 004). */
export interface ExpiredDeltaTokensTable {
  mailbox_id: string;
  token_hash: string;
  expired_at: number;
}

/** A change-notification subscription and its delivery state (migration 005). */
export interface SubscriptionsTable {
  subscription_id: string;
  mailbox_id: string;
  tenant_id: string;
  application_id: string;
  creator_id: string;
  resource: string;
  target_kind: string;
  calendar_id: string | null;
  change_types: string;
  notification_url: string;
  lifecycle_url: string | null;
  client_state: string | null;
  tls_version: string;
  expiration_ms: number;
  created_ms: number;
  delivered_seq: number;
  attempts: number;
  first_failure_ms: number | null;
  next_attempt_ms: number;
  reauthorize_sent_ms: number | null;
  lease_owner: string | null;
  lease_until: number;
}

/** A lifecycle notification waiting to be delivered (migration 005). */
export interface SubscriptionLifecycleTable {
  notice_id: string;
  subscription_id: string;
  url: string;
  lifecycle_event: string;
  body: string;
  created_ms: number;
  attempts: number;
  first_failure_ms: number | null;
  next_attempt_ms: number;
  lease_owner: string | null;
  lease_until: number;
}

export interface SettingsTable {
  key: string;
  value: string;
}

export interface AppsTable {
  client_id: string;
  tenant_id: string;
  display_name: string;
  secret_hash: string;
  roles: string;
  /** JSON array of the delegated scopes the app may be granted (migration 005). */
  delegated_scopes: string;
  created_at: Generated<number>;
}

export interface Database {
  mailboxes: MailboxesTable;
  calendar_groups: CalendarGroupsTable;
  calendars: CalendarsTable;
  calendar_changes: CalendarChangesTable;
  calendar_permissions: CalendarPermissionsTable;
  events: EventsTable;
  event_changes: EventChangesTable;
  expired_delta_tokens: ExpiredDeltaTokensTable;
  subscriptions: SubscriptionsTable;
  subscription_lifecycle: SubscriptionLifecycleTable;
  settings: SettingsTable;
  apps: AppsTable;
}
