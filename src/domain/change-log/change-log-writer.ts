import type { Clock } from "../clock.js";
import type { Calendar, EventChange } from "../model.js";
import type { ChangeNotice } from "../notifications/subscription.js";
import type { Store, StoreTx } from "../store.js";

/** A change-log entry as a notification needs it, from the log it went to. */
export interface LoggedChange extends ChangeNotice {
  kind: "events" | "calendars";
}

/**
 * Told after a mailbox's change sequence moved (after commit); the delta watermark cache listens.
 * `mark` is the store's foreign-commit mark read before the transaction began (undefined without one).
 * `logged` is every change-log entry the transaction appended for the mailbox (the notification
 * dispatcher keeps them to spare itself reading them back).
 */
export type ChangeListener = (event: { mailboxId: string; changeSeq: number; mark: number | undefined; logged: readonly LoggedChange[] }) => void;

/** An event change as a service describes it; the writer stamps the time. */
export type EventChangeEntry = Omit<EventChange, "changedAt">;

/**
 * The write path of every calendar and event change: one transaction that takes the mailbox's next
 * change sequence (serialising writers of that mailbox), changes the row and appends the
 * change-log entry. Listeners hear of the new sequence only once it has committed.
 */
export class ChangeLogWriter {
  readonly #listeners: ChangeListener[] = [];
  /** The entries each open transaction appended, by mailbox. */
  readonly #logged = new WeakMap<StoreTx, Map<string, LoggedChange[]>>();

  constructor(readonly store: Store, private readonly clock: Clock) {}

  onChange(listener: ChangeListener): void {
    this.#listeners.push(listener);
  }

  /**
   * Runs `fn` in one transaction that has taken the mailbox's next change sequence `seq`. A
   * write that changes several items (provisioning, moving the default flag) takes one more
   * sequence per extra item with `takeSeq`. Listeners then hear of the highest one, after commit.
   */
  async write<T>(
    mailboxId: string,
    fn: (tx: StoreTx, seq: number, takeSeq: () => Promise<number>) => Promise<T>,
    options: { setup?: (tx: StoreTx) => Promise<void> } = {},
  ): Promise<T> {
    let lastSeq = 0;
    // Read before the transaction: a commit by another process after this point moves the mark,
    // so the seq below is trusted with this mark only if nobody else committed (WatermarkCache).
    const mark = this.store.foreignCommitMark?.();
    let txRef: StoreTx | undefined;
    const result = await this.store.transaction(async (tx) => {
      txRef = tx;
      await options.setup?.(tx);
      const takeSeq = async (): Promise<number> => (lastSeq = await tx.nextChangeSeq({ mailboxId }));
      return fn(tx, await takeSeq(), takeSeq);
    });
    const logged = (txRef && this.#logged.get(txRef)?.get(mailboxId)) ?? [];
    for (const listener of this.#listeners) listener({ mailboxId, changeSeq: lastSeq, mark, logged });
    return result;
  }

  /**
   * One transaction over several mailboxes (a fixture load, all or nothing): `reserve` takes a
   * block of `count` consecutive sequences of a mailbox and returns the first. After commit,
   * listeners hear of each mailbox's highest sequence, as after `write`.
   */
  async writeMailboxes<T>(
    fn: (tx: StoreTx, reserve: (mailboxId: string, count: number) => Promise<number>) => Promise<T>,
  ): Promise<T> {
    const last = new Map<string, number>();
    let txRef: StoreTx | undefined;
    const mark = this.store.foreignCommitMark?.();
    const result = await this.store.transaction(async (tx) => {
      txRef = tx;
      const reserve = async (mailboxId: string, count: number): Promise<number> => {
        const first = await tx.reserveChangeSeqs({ mailboxId, count });
        last.set(mailboxId, first + count - 1);
        return first;
      };
      return fn(tx, reserve);
    });
    const loggedBy = txRef && this.#logged.get(txRef);
    for (const [mailboxId, changeSeq] of last) {
      const logged = loggedBy?.get(mailboxId) ?? [];
      for (const listener of this.#listeners) listener({ mailboxId, changeSeq, mark, logged });
    }
    return result;
  }

  /** `log` and `logEvent` for many items at once, in a few statements (bulk loads). */
  async logBatch(tx: StoreTx, mailboxId: string, items: { calendars: readonly Calendar[]; events: readonly EventChangeEntry[] }): Promise<void> {
    const changedAt = this.clock.now();
    for (const calendar of items.calendars) this.#note(tx, mailboxId, calendarEntry(calendar.changeSeq, calendar, calendar.id, calendar.createdSeq));
    for (const change of items.events) this.#note(tx, mailboxId, eventEntry(change));
    await tx.appendChangeBatch({
      mailboxId,
      changes: items.calendars.map((calendar) => ({
        seq: calendar.changeSeq, calendarId: calendar.id, createdSeq: calendar.createdSeq, removed: false, calendar, changedAt,
      })),
      eventChanges: items.events.map((change) => ({ ...change, changedAt })),
    });
  }

  async log(tx: StoreTx, mailboxId: string, calendar: Calendar): Promise<void> {
    this.#note(tx, mailboxId, calendarEntry(calendar.changeSeq, calendar, calendar.id, calendar.createdSeq));
    await tx.appendChange({
      mailboxId,
      change: {
        seq: calendar.changeSeq, calendarId: calendar.id, createdSeq: calendar.createdSeq,
        removed: false, calendar, changedAt: this.clock.now(),
      },
    });
  }

  async logRemoval(tx: StoreTx, mailboxId: string, calendar: Calendar, seq: number): Promise<void> {
    this.#note(tx, mailboxId, calendarEntry(seq, null, calendar.id, calendar.createdSeq));
    await tx.appendChange({
      mailboxId,
      change: {
        seq, calendarId: calendar.id, createdSeq: calendar.createdSeq,
        removed: true, calendar: null, changedAt: this.clock.now(),
      },
    });
  }

  async logEvent(tx: StoreTx, mailboxId: string, change: EventChangeEntry): Promise<void> {
    this.#note(tx, mailboxId, eventEntry(change));
    await tx.appendEventChange({ mailboxId, change: { ...change, changedAt: this.clock.now() } });
  }

  #note(tx: StoreTx, mailboxId: string, entry: LoggedChange): void {
    let byMailbox = this.#logged.get(tx);
    if (!byMailbox) {
      byMailbox = new Map();
      this.#logged.set(tx, byMailbox);
    }
    const list = byMailbox.get(mailboxId);
    if (list) list.push(entry);
    else byMailbox.set(mailboxId, [entry]);
  }
}

function calendarEntry(seq: number, calendar: Calendar | null, calendarId: string, createdSeq: number): LoggedChange {
  return { kind: "calendars", seq, itemId: calendarId, calendarId, removed: calendar === null, created: createdSeq === seq, changeKey: calendar?.changeKey ?? null };
}

function eventEntry(change: EventChangeEntry): LoggedChange {
  return {
    kind: "events", seq: change.seq, itemId: change.eventId, calendarId: change.calendarId, removed: change.removed,
    created: change.createdSeq === change.seq, changeKey: change.after?.changeKey ?? null,
  };
}
