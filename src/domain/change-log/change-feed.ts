import type { CalendarChange, EventChange } from "../model.js";
import type { StoreReader } from "../store.js";
import type { ChangeLogWriter } from "./change-log-writer.js";

// The change log as the web console shows it (issue 13): every entry a write appended, in seq
// order — the same sequence delta rounds read, uncollapsed — and a way to hear of new ones as they
// commit. Calendar and event entries live in two tables but share one per-mailbox sequence, and
// each table holds at most one entry per seq (its primary key), so merging by seq is exact.

/** One change-log entry, described for a person. */
export interface ChangeFeedEntry {
  seq: number;
  kind: "calendar" | "event";
  /** `created` when the entry is the item's first; `deleted` for a removal. */
  change: "created" | "updated" | "deleted";
  /** The calendar's or event's id (an occurrence's id for a cancelled occurrence). */
  itemId: string;
  calendarId: string;
  /** The calendar's name or the event's subject as of this entry (before a deletion); null if unknown. */
  title: string | null;
  /** Graph's event type (singleInstance, seriesMaster, exception, occurrence); null for calendars. */
  eventType: string | null;
  changedAt: Date;
}

export interface ChangeFeedPage {
  entries: ChangeFeedEntry[];
  /** The seq to ask `after` next: the last entry's, or `after` itself when there was none. */
  lastSeq: number;
}

export type ChangeFeedListener = (event: { mailboxId: string; changeSeq: number }) => void;

const MAX_LIMIT = 1000;

export class ChangeFeed {
  readonly #store: StoreReader;
  readonly #listeners = new Map<string, Set<ChangeFeedListener>>();

  constructor(deps: { store: StoreReader; writer: ChangeLogWriter }) {
    this.#store = deps.store;
    // One listener on the writer for the feed's lifetime: the writer has no unsubscribe, while
    // console streams come and go.
    deps.writer.onChange(({ mailboxId, changeSeq }) => {
      for (const listener of this.#listeners.get(mailboxId) ?? []) listener({ mailboxId, changeSeq });
    });
  }

  /** Entries after `after`, oldest first, at most `limit` (1…1000). */
  async list(query: { mailboxId: string; after: number; limit: number }): Promise<ChangeFeedPage> {
    const limit = Math.min(Math.max(1, Math.floor(query.limit)), MAX_LIMIT);
    const { mailboxId, after } = query;
    const [calendars, events] = await Promise.all([
      this.#store.listCalendarChanges({ mailboxId, after, limit }),
      this.#store.listEventChanges({ mailboxId, after, limit }),
    ]);
    // Each list is complete up to its own last seq, so the first `limit` of the merge are too.
    const entries = [...calendars.map(calendarEntry), ...events.map(eventEntry)]
      .sort((a, b) => a.seq - b.seq)
      .slice(0, limit);
    return { entries, lastSeq: entries.at(-1)?.seq ?? after };
  }

  /** Calls `listener` after each commit that moved the mailbox's sequence; returns the unsubscribe. */
  subscribe(mailboxId: string, listener: ChangeFeedListener): () => void {
    let set = this.#listeners.get(mailboxId);
    if (!set) this.#listeners.set(mailboxId, (set = new Set()));
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0 && this.#listeners.get(mailboxId) === set) this.#listeners.delete(mailboxId);
    };
  }
}

function calendarEntry(change: CalendarChange): ChangeFeedEntry {
  return {
    seq: change.seq, kind: "calendar", change: change.removed ? "deleted" : change.createdSeq === change.seq ? "created" : "updated",
    itemId: change.calendarId, calendarId: change.calendarId, title: change.calendar?.name ?? null, eventType: null,
    changedAt: change.changedAt,
  };
}

function eventEntry(change: EventChange): ChangeFeedEntry {
  const item = change.after ?? change.before;
  return {
    seq: change.seq, kind: "event",
    change: change.removed ? "deleted" : change.before === null && change.createdSeq === change.seq ? "created" : "updated",
    itemId: change.eventId, calendarId: change.calendarId, title: item?.subject ?? null,
    eventType: item?.type ?? (change.seriesMasterId !== null ? "occurrence" : null), changedAt: change.changedAt,
  };
}
