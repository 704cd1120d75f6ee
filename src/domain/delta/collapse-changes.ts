import type { CalendarChange } from "../model.js";

/** Which part of a round `collapseChanges` answers (the arguments of `StoreReader.listChanges`). */
export interface CollapseWindow {
  /** The round's starting watermark: the client holds the mailbox as it was at `since`. */
  since: number;
  /** The round's frozen upper bound: the round brings the client to the state at `upTo`. */
  upTo: number;
  /** The last seq already served in this round (`since` on a round's first page). */
  after: number;
  /** At most this many entries (a positive count). */
  limit: number;
}

/**
 * The collapse rule of calendars/delta, as a specification: what `StoreReader.listChanges`
 * returns for one mailbox's raw change log. `SqlReader.listChanges` is its fast
 * implementation, and the store contract suite checks the two against each other on every
 * engine (domain/delta/README.md §4).
 *
 * 1. Each calendar's state at `upTo` is its latest entry at or below `upTo`, wherever that
 *    entry lies. A calendar whose latest entry is at or below `max(since, after)` is left
 *    out: unchanged since the watermark, or already served on an earlier page of the round.
 * 2. A removal is kept only if the calendar existed at `since` (`createdSeq <= since`), so
 *    the client could hold it (spec decision 27). The filter applies *after* the collapse:
 *    a removal that is dropped still hides the calendar's earlier entries, so a calendar
 *    created and deleted within the round yields nothing at all.
 * 3. Entries come in seq order (decision 26), at most `limit` of them.
 *
 * `changes` is the log of one mailbox, in any order; seqs are unique (the log's key).
 */
export function collapseChanges(query: { changes: readonly CalendarChange[] } & CollapseWindow): CalendarChange[] {
  const { changes, since, upTo, after, limit } = query;
  const latest = new Map<string, CalendarChange>();
  for (const change of changes) {
    // Entries above upTo belong to the next round; they neither show nor hide anything here.
    if (change.seq > upTo) continue;
    const seen = latest.get(change.calendarId);
    if (!seen || change.seq > seen.seq) latest.set(change.calendarId, change);
  }
  const from = Math.max(since, after);
  return [...latest.values()]
    .filter((change) => change.seq > from && (!change.removed || change.createdSeq <= since))
    .sort((a, b) => a.seq - b.seq)
    .slice(0, limit);
}
