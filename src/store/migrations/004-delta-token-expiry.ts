import type { Kysely, Migration } from "kysely";

// Delta links an administrator expired (issue 11 §7: `POST /_graphcal/delta-tokens/expire`),
// kept so the expiry survives restarts and holds on every instance over the same store. A row
// names a token by a hash of what it says (domain/delta/cursor-fingerprint.ts), never the token.
export const migration004DeltaTokenExpiry: Migration = {
  async up(db: Kysely<any>) {
    await db.schema
      .createTable("expired_delta_tokens")
      .addColumn("mailbox_id", "text", (c) => c.notNull().references("mailboxes.mailbox_id").onDelete("cascade"))
      .addColumn("token_hash", "text", (c) => c.notNull())
      .addColumn("expired_at", "bigint", (c) => c.notNull())
      .addPrimaryKeyConstraint("expired_delta_tokens_pk", ["mailbox_id", "token_hash"])
      .execute();
    // The change seq of the mailbox's latest single-link expiry: only tokens issued below it can
    // be in the table, so a poll of a newer token needs no lookup (the delta hot path stays one read).
    await db.schema.alterTable("mailboxes").addColumn("expiry_seq", "bigint", (c) => c.notNull().defaultTo(0)).execute();
  },
};
