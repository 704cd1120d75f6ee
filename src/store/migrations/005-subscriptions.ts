import type { Kysely, Migration } from "kysely";

// Change-notification subscriptions and the lifecycle outbox (issue 12, ADR 0010). A subscription
// row holds what the client asked for and its delivery cursor (`delivered_seq`, in the mailbox's
// change sequence) with the retry state; `lease_owner`/`lease_until` (wall-clock ms) make one
// instance at a time deliver it. No foreign key to the mailbox: a reset removes subscriptions
// through the service, which tells each one's lifecycle URL first, and a lifecycle notice must
// outlive the subscription (and the mailbox) it reports on.
export const migration005Subscriptions: Migration = {
  async up(db: Kysely<any>) {
    await db.schema
      .createTable("subscriptions")
      .addColumn("subscription_id", "text", (c) => c.primaryKey())
      .addColumn("mailbox_id", "text", (c) => c.notNull())
      .addColumn("tenant_id", "text", (c) => c.notNull())
      .addColumn("application_id", "text", (c) => c.notNull())
      .addColumn("creator_id", "text", (c) => c.notNull())
      .addColumn("resource", "text", (c) => c.notNull())
      // 'events' (calendar_id null: every calendar) or 'calendars'.
      .addColumn("target_kind", "text", (c) => c.notNull())
      .addColumn("calendar_id", "text")
      .addColumn("change_types", "text", (c) => c.notNull())
      .addColumn("notification_url", "text", (c) => c.notNull())
      .addColumn("lifecycle_url", "text")
      .addColumn("client_state", "text")
      .addColumn("tls_version", "text", (c) => c.notNull())
      .addColumn("expiration_ms", "bigint", (c) => c.notNull())
      .addColumn("created_ms", "bigint", (c) => c.notNull())
      .addColumn("delivered_seq", "bigint", (c) => c.notNull())
      .addColumn("attempts", "integer", (c) => c.notNull().defaultTo(0))
      .addColumn("first_failure_ms", "bigint")
      .addColumn("next_attempt_ms", "bigint", (c) => c.notNull().defaultTo(0))
      .addColumn("reauthorize_sent_ms", "bigint")
      .addColumn("lease_owner", "text")
      .addColumn("lease_until", "bigint", (c) => c.notNull().defaultTo(0))
      .execute();
    // A commit wakes its mailbox's subscriptions; the poll joins them to the mailbox's seq.
    await db.schema.createIndex("subscriptions_mailbox").on("subscriptions").columns(["mailbox_id"]).execute();
    // GET /subscriptions: what one app created.
    await db.schema.createIndex("subscriptions_app").on("subscriptions").columns(["application_id", "created_ms"]).execute();

    await db.schema
      .createTable("subscription_lifecycle")
      .addColumn("notice_id", "text", (c) => c.primaryKey())
      .addColumn("subscription_id", "text", (c) => c.notNull())
      .addColumn("url", "text", (c) => c.notNull())
      .addColumn("lifecycle_event", "text", (c) => c.notNull())
      .addColumn("body", "text", (c) => c.notNull())
      .addColumn("created_ms", "bigint", (c) => c.notNull())
      .addColumn("attempts", "integer", (c) => c.notNull().defaultTo(0))
      .addColumn("first_failure_ms", "bigint")
      .addColumn("next_attempt_ms", "bigint", (c) => c.notNull().defaultTo(0))
      .addColumn("lease_owner", "text")
      .addColumn("lease_until", "bigint", (c) => c.notNull().defaultTo(0))
      .execute();
  },
};
