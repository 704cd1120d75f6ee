import type { Clock } from "../clock.js";
import type { ChangeLogWriter } from "../change-log/change-log-writer.js";
import type { IssuedCursor } from "../delta/delta-cursor.js";
import { cursorFingerprint } from "../delta/cursor-fingerprint.js";

/**
 * Ends delta links on purpose, so a client's resync path can be tested without waiting out the
 * retention period (issue 11 §7). Both answers are 410 SyncStateNotFound, Graph's answer to a
 * token whose history is gone — unlike resetSync's ResyncRequired.
 *
 * Each expiry is a write that takes a change seq: the mailbox's watermark moves, so no cache
 * that repeats "still at W" (the delta fast path, the poll replay) can answer an expired link
 * again, in this process or — through the store's commit mark or TTL — in another.
 */
export class DeltaTokenExpiry {
  constructor(private readonly deps: { writer: ChangeLogWriter; clock: Clock }) {}

  /** Exactly this link: recorded by its cursor's hash (DeltaService.checkIssued looks it up). */
  async expireLink(cursor: IssuedCursor): Promise<void> {
    const { mailboxId } = cursor;
    await this.deps.writer.write(mailboxId, async (tx, seq) => {
      await tx.insertExpiredDeltaToken({ mailboxId, tokenHash: cursorFingerprint(cursor), expiredAt: this.deps.clock.now(), expirySeq: seq });
    });
  }

  /**
   * Every link of the mailbox issued so far: its history up to now counts as pruned, exactly
   * as if the retention period had passed over it (checkRetained's prune watermark).
   */
  async expireMailbox(mailboxId: string): Promise<void> {
    await this.deps.writer.write(mailboxId, async (tx, seq) => {
      await tx.raisePruneSeq({ mailboxId, pruneSeq: seq });
    });
  }
}
