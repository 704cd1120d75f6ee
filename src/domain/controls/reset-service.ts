import type { Mailbox } from "../model.js";
import type { Store } from "../store.js";
import type { MailboxService } from "../mailboxes/mailbox-service.js";
import type { DeltaService } from "../delta/delta-service.js";

/**
 * The admin resets (issue 11 §2): one mailbox back to its provisioned state, or the whole store
 * back to empty, then to the startup state (`reseed`: the demo tenant when the server seeded it).
 *
 * Why no pre-reset answer survives, cache by cache (domain/cache/README.md):
 * - a mailbox reset takes a change seq, so everything validated by the mailbox's seq misses
 *   (calendar lists, calendarView windows, the watermark and with it the poll replay); rounds
 *   are keyed by their `upTo`, which only new tokens reach; old tokens are refused by the reset
 *   watermark before any cache is asked;
 * - a whole-store reset deletes mailbox records, which the mailbox cache would otherwise keep
 *   serving, so it and the watermarks are cleared; mailboxes created afterwards start above
 *   every seq the store had (Store.resetAll), so no seq-keyed entry can match them, and tokens
 *   for a mailbox recreated under its old id answer 410 ResyncRequired.
 */
export class ResetService {
  constructor(private readonly deps: {
    store: Store; mailboxes: MailboxService; delta: DeltaService;
    /** Puts the startup state back after a whole-store reset (the demo seed, a startup fixture); none: stays empty. */
    reseed?: () => Promise<void>;
    /** What `reseed` puts back, for the answer ("demo", "fixture", "demo+fixture"). */
    startupState?: string;
    /**
     * Change-notification subscriptions go with a reset (ADR 0010): those of the mailbox, or all,
     * each told `subscriptionRemoved` at its lifecycle URL, as Graph tells an app whose mailbox
     * was reset under it. The client recreates them and resyncs with delta.
     */
    subscriptions?: { removeForMailbox(mailboxId: string): Promise<void>; removeAll(): Promise<void> };
  }) {}

  async resetMailbox(mailbox: Mailbox): Promise<void> {
    await this.deps.subscriptions?.removeForMailbox(mailbox.id);
    await this.deps.mailboxes.reset(mailbox);
  }

  async resetAll(): Promise<{ startupState: string }> {
    await this.deps.subscriptions?.removeAll();
    await this.deps.store.resetAll();
    this.deps.mailboxes.forgetAll();
    this.deps.delta.forgetAll();
    if (!this.deps.reseed) return { startupState: "empty" };
    await this.deps.reseed();
    return { startupState: this.deps.startupState ?? "demo" };
  }
}
