import { BoundedMap } from "../cache/bounded-map.js";
import type { LoggedChange } from "../change-log/change-log-writer.js";
import type { ChangeNotice } from "./subscription.js";

// The latest change-log entries this instance committed, per subscribed mailbox, as the writer
// reported them after commit. A delivery pass whose window (after, upTo] they cover seq by seq
// reads nothing back from the store. Any seq of the window missing here — another instance's
// write, a seq taken with no entry, an entry pushed out — sends the pass to the store, so the
// tail can spare reads but never hide a change.

/** Entries kept per mailbox; a window wider than this is read from the store. */
const PER_MAILBOX = 64;
const MAILBOXES = 10_000;

export class NoticeTail {
  /** By mailbox, then by seq: every entry of that seq (the same seq may be in both logs; one transaction wrote them all). */
  readonly #byMailbox = new BoundedMap<Map<number, LoggedChange[]>>({ limit: MAILBOXES });

  add(mailboxId: string, logged: readonly LoggedChange[]): void {
    if (logged.length === 0) return;
    let entries = this.#byMailbox.get(mailboxId);
    if (!entries) {
      entries = new Map();
      this.#byMailbox.set(mailboxId, entries);
    }
    for (const entry of logged) {
      const same = entries.get(entry.seq);
      if (same) same.push(entry);
      else entries.set(entry.seq, [entry]);
    }
    // Commits of one mailbox arrive in seq order, so the first keys are the oldest.
    for (const seq of entries.keys()) {
      if (entries.size <= PER_MAILBOX) break;
      entries.delete(seq);
    }
  }

  /** The window's entries by log, in seq order, if every seq in (after, upTo] is here. */
  window(mailboxId: string, after: number, upTo: number): { events: ChangeNotice[]; calendars: ChangeNotice[] } | undefined {
    if (upTo - after > PER_MAILBOX) return undefined;
    const entries = this.#byMailbox.get(mailboxId);
    if (!entries) return undefined;
    const events: ChangeNotice[] = [];
    const calendars: ChangeNotice[] = [];
    for (let seq = after + 1; seq <= upTo; seq++) {
      const same = entries.get(seq);
      if (!same) return undefined;
      for (const entry of same) (entry.kind === "events" ? events : calendars).push(entry);
    }
    return { events, calendars };
  }

  forget(mailboxId: string | null): void {
    if (mailboxId === null) this.#byMailbox.clear();
    else this.#byMailbox.delete(mailboxId);
  }
}
