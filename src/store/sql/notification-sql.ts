import type { Kysely } from "kysely";
import type { ChangeNotice, ClaimedSubscription, DeliveryState, LifecycleNotice, NotificationStore, Subscription } from "../../domain/index.js";
import type { Database } from "./schema.js";
import { fromLifecycleNotice, fromSubscription, toLifecycleNotice, toSubscription } from "./rows.js";

/**
 * The notification port over both engines (ADR 0010). Leases are single conditional UPDATEs
 * (`… where lease_owner is null or lease_until < now`), which both engines run atomically, so no
 * `FOR UPDATE SKIP LOCKED` or advisory lock is needed and SQLite's several processes over one
 * file are served by the same text.
 */
export class SqlNotificationStore implements NotificationStore {
  constructor(private readonly db: Kysely<Database>) {}

  async insertSubscription(subscription: Subscription): Promise<void> {
    await this.db.insertInto("subscriptions").values(fromSubscription(subscription)).execute();
  }

  async getSubscription(id: string): Promise<Subscription | undefined> {
    const row = await this.db.selectFrom("subscriptions").selectAll().where("subscription_id", "=", id).executeTakeFirst();
    return row && toSubscription(row);
  }

  async listSubscriptions(query: { applicationId?: string; creatorId?: string; mailboxId?: string; tenantId?: string }): Promise<Subscription[]> {
    let q = this.db.selectFrom("subscriptions").selectAll();
    if (query.applicationId !== undefined) q = q.where("application_id", "=", query.applicationId);
    if (query.creatorId !== undefined) q = q.where("creator_id", "=", query.creatorId);
    if (query.mailboxId !== undefined) q = q.where("mailbox_id", "=", query.mailboxId);
    if (query.tenantId !== undefined) q = q.where("tenant_id", "=", query.tenantId);
    const rows = await q.orderBy("created_ms").orderBy("subscription_id").execute();
    return rows.map(toSubscription);
  }

  async countSubscriptions(query: { mailboxId: string }): Promise<number> {
    const row = await this.db.selectFrom("subscriptions").select((eb) => eb.fn.countAll<number>().as("n"))
      .where("mailbox_id", "=", query.mailboxId).executeTakeFirst();
    return Number(row?.n ?? 0);
  }

  async updateSubscription(subscription: Subscription): Promise<void> {
    await this.db.updateTable("subscriptions").set({
      expiration_ms: subscription.expirationMs, notification_url: subscription.notificationUrl,
      lifecycle_url: subscription.lifecycleNotificationUrl,
    }).where("subscription_id", "=", subscription.id).execute();
  }

  async deleteSubscription(id: string): Promise<boolean> {
    const res = await this.db.deleteFrom("subscriptions").where("subscription_id", "=", id).executeTakeFirst();
    return Number(res.numDeletedRows) > 0;
  }

  async markReauthorizeSent(query: { id: string; forMs: number }): Promise<boolean> {
    const res = await this.db.updateTable("subscriptions").set({ reauthorize_sent_ms: query.forMs })
      .where("subscription_id", "=", query.id)
      .where((eb) => eb.or([eb("reauthorize_sent_ms", "is", null), eb("reauthorize_sent_ms", "<>", query.forMs)]))
      .executeTakeFirst();
    return Number(res.numUpdatedRows) > 0;
  }

  async listSubscribedMailboxes(): Promise<string[]> {
    const rows = await this.db.selectFrom("subscriptions").select("mailbox_id").distinct().execute();
    return rows.map((r) => r.mailbox_id);
  }

  async listPendingMailboxes(query: { nowMs: number }): Promise<string[]> {
    // A subscription whose mailbox is gone counts as pending: its pass removes it.
    const rows = await this.db.selectFrom("subscriptions as s")
      .leftJoin("mailboxes as m", "m.mailbox_id", "s.mailbox_id")
      .select("s.mailbox_id").distinct()
      .where((eb) => eb.or([
        eb("m.mailbox_id", "is", null),
        eb.and([eb("s.delivered_seq", "<", eb.ref("m.change_seq")), eb("s.next_attempt_ms", "<=", query.nowMs)]),
      ]))
      .execute();
    return rows.map((r) => r.mailbox_id);
  }

  async listExpired(query: { nowMs: number }): Promise<Subscription[]> {
    const rows = await this.db.selectFrom("subscriptions").selectAll().where("expiration_ms", "<=", query.nowMs).execute();
    return rows.map(toSubscription);
  }

  async listReauthorizeDue(query: { beforeMs: number }): Promise<Subscription[]> {
    const rows = await this.db.selectFrom("subscriptions").selectAll()
      .where("lifecycle_url", "is not", null)
      .where("expiration_ms", "<=", query.beforeMs)
      .where((eb) => eb.or([eb("reauthorize_sent_ms", "is", null), eb("reauthorize_sent_ms", "<>", eb.ref("expiration_ms"))]))
      .execute();
    return rows.map(toSubscription);
  }

  async claimMailboxes(query: { mailboxIds: readonly string[]; owner: string; untilMs: number; wallNowMs: number }): Promise<ClaimedSubscription[]> {
    if (query.mailboxIds.length === 0) return [];
    const claimed: ClaimedSubscription[] = [];
    for (const mailboxIds of chunks(query.mailboxIds, CHUNK)) {
      // Only what can change after creation comes back: every value read costs (~0.5 µs each with
      // better-sqlite3), and the dispatcher keeps the rest by id.
      const rows = await this.db.updateTable("subscriptions")
        .set({ lease_owner: query.owner, lease_until: query.untilMs })
        .where("mailbox_id", "in", mailboxIds)
        .where((eb) => eb.or([eb("lease_owner", "is", null), eb("lease_owner", "=", query.owner), eb("lease_until", "<", query.wallNowMs)]))
        .returning(["subscription_id", "mailbox_id", "created_ms", "expiration_ms", "notification_url", "lifecycle_url",
          "delivered_seq", "attempts", "first_failure_ms", "next_attempt_ms", "reauthorize_sent_ms"])
        .execute();
      for (const r of rows) {
        claimed.push({
          id: r.subscription_id, mailboxId: r.mailbox_id, createdMs: Number(r.created_ms), expirationMs: Number(r.expiration_ms),
          notificationUrl: r.notification_url, lifecycleNotificationUrl: r.lifecycle_url,
          delivery: {
            deliveredSeq: Number(r.delivered_seq), attempts: Number(r.attempts),
            firstFailureMs: r.first_failure_ms === null ? null : Number(r.first_failure_ms), nextAttemptMs: Number(r.next_attempt_ms),
            reauthorizeSentForMs: r.reauthorize_sent_ms === null ? null : Number(r.reauthorize_sent_ms),
          },
        });
      }
    }
    return claimed.sort((a, b) => a.createdMs - b.createdMs || (a.id < b.id ? -1 : 1));
  }

  async saveDeliveries(query: { owner: string; deliveries: readonly { id: string; delivery: DeliveryState }[] }): Promise<number> {
    // Subscriptions that took the same changes end in the same state: one UPDATE per distinct
    // state, all in one transaction (one commit).
    const groups = new Map<string, { delivery: DeliveryState; ids: string[] }>();
    for (const { id, delivery } of query.deliveries) {
      const key = `${delivery.deliveredSeq}:${delivery.attempts}:${delivery.firstFailureMs}:${delivery.nextAttemptMs}`;
      const group = groups.get(key);
      if (group) group.ids.push(id);
      else groups.set(key, { delivery, ids: [id] });
    }
    const write = async (db: Kysely<Database>) => {
      let saved = 0;
      for (const { delivery, ids } of groups.values()) {
        for (const part of chunks(ids, CHUNK)) {
          const res = await db.updateTable("subscriptions").set({
            delivered_seq: delivery.deliveredSeq, attempts: delivery.attempts, first_failure_ms: delivery.firstFailureMs,
            next_attempt_ms: delivery.nextAttemptMs,
          }).where("subscription_id", "in", part).where("lease_owner", "=", query.owner).executeTakeFirst();
          saved += Number(res.numUpdatedRows);
        }
      }
      return saved;
    };
    return groups.size <= 1 ? write(this.db) : this.db.transaction().execute(write);
  }

  async releaseLeases(query: { owner: string; ids: readonly string[] }): Promise<void> {
    for (const part of chunks(query.ids, CHUNK)) {
      await this.db.updateTable("subscriptions").set({ lease_owner: null, lease_until: 0 })
        .where("subscription_id", "in", part).where("lease_owner", "=", query.owner).execute();
    }
  }

  async releaseAll(query: { owner: string }): Promise<void> {
    await this.db.updateTable("subscriptions").set({ lease_owner: null, lease_until: 0 }).where("lease_owner", "=", query.owner).execute();
    await this.db.updateTable("subscription_lifecycle").set({ lease_owner: null, lease_until: 0 }).where("lease_owner", "=", query.owner).execute();
  }

  async listEventNotices(query: { mailboxId: string; calendarId?: string; after: number; upTo: number; limit: number }): Promise<ChangeNotice[]> {
    let q = this.db.selectFrom("event_changes")
      .select(["seq", "event_id", "calendar_id", "removed", "created_seq", "after_data"])
      .where("mailbox_id", "=", query.mailboxId).where("seq", ">", query.after).where("seq", "<=", query.upTo);
    if (query.calendarId !== undefined) q = q.where("calendar_id", "=", query.calendarId);
    const rows = await q.orderBy("seq").limit(query.limit).execute();
    return rows.map((r) => ({
      seq: Number(r.seq), itemId: r.event_id, calendarId: r.calendar_id, removed: Number(r.removed) === 1,
      created: Number(r.created_seq) === Number(r.seq), changeKey: changeKeyOf(r.after_data),
    }));
  }

  async listCalendarNotices(query: { mailboxId: string; after: number; upTo: number; limit: number }): Promise<ChangeNotice[]> {
    const rows = await this.db.selectFrom("calendar_changes")
      .select(["seq", "calendar_id", "removed", "created_seq", "data"])
      .where("mailbox_id", "=", query.mailboxId).where("seq", ">", query.after).where("seq", "<=", query.upTo)
      .orderBy("seq").limit(query.limit).execute();
    return rows.map((r) => ({
      seq: Number(r.seq), itemId: r.calendar_id, calendarId: r.calendar_id, removed: Number(r.removed) === 1,
      created: Number(r.created_seq) === Number(r.seq), changeKey: changeKeyOf(r.data),
    }));
  }

  async insertLifecycleNotice(notice: LifecycleNotice): Promise<void> {
    await this.db.insertInto("subscription_lifecycle").values(fromLifecycleNotice(notice)).execute();
  }

  async listDueLifecycleNotices(query: { nowMs: number; wallNowMs: number; limit: number }): Promise<LifecycleNotice[]> {
    const rows = await this.db.selectFrom("subscription_lifecycle").selectAll()
      .where("next_attempt_ms", "<=", query.nowMs)
      .where((eb) => eb.or([eb("lease_owner", "is", null), eb("lease_until", "<", query.wallNowMs)]))
      .orderBy("created_ms").orderBy("notice_id").limit(query.limit).execute();
    return rows.map(toLifecycleNotice);
  }

  async claimLifecycleNotice(query: { id: string; owner: string; untilMs: number; wallNowMs: number }): Promise<boolean> {
    const res = await this.db.updateTable("subscription_lifecycle")
      .set({ lease_owner: query.owner, lease_until: query.untilMs })
      .where("notice_id", "=", query.id)
      .where((eb) => eb.or([eb("lease_owner", "is", null), eb("lease_until", "<", query.wallNowMs)]))
      .executeTakeFirst();
    return Number(res.numUpdatedRows) > 0;
  }

  async deleteLifecycleNotice(id: string): Promise<void> {
    await this.db.deleteFrom("subscription_lifecycle").where("notice_id", "=", id).execute();
  }

  async rescheduleLifecycleNotice(query: { id: string; attempts: number; firstFailureMs: number; nextAttemptMs: number }): Promise<void> {
    await this.db.updateTable("subscription_lifecycle").set({
      attempts: query.attempts, first_failure_ms: query.firstFailureMs, next_attempt_ms: query.nextAttemptMs, lease_owner: null, lease_until: 0,
    }).where("notice_id", "=", query.id).execute();
  }
}

/** Ids per statement at most: far below both engines' parameter limits (SQLite 32,766; PostgreSQL 65,535). */
const CHUNK = 500;

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** The changeKey of the item's snapshot after the change (null for a removal). */
function changeKeyOf(data: string | null): string | null {
  if (data === null) return null;
  return (JSON.parse(data) as { changeKey?: string }).changeKey ?? null;
}
