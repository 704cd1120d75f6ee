import type { Event, EventChange, TimeSpan } from "../model.js";
import type { StoreReader } from "../store.js";
import { overlapsWindow, seriesExtent, seriesOccurrences, spanOf } from "../events/series/series.js";

// A calendar's time window as it was at change seq `at`: the stored rows then (single instances,
// series masters, exceptions) and what they expand to. Rows are read as they are now and rolled
// back with the log: an item changed after `at` is taken as the `before` of its first later entry
// (null: it did not exist yet). The log is immutable below the mailbox's watermark, so the
// answer for a given `at` never changes — every page of a round sees the same calendar.

/** The rows of one calendar at `at` that matter to `window`. */
export interface WindowRows {
  /** Single instances and exceptions that overlap the window. */
  items: Event[];
  /** Series masters whose extent overlaps the window. */
  masters: Event[];
  /** Every exception of those masters (wherever it now lies), by master id: they replace occurrences. */
  exceptions: Map<string, Event[]>;
}

/** The first entry after `at` of each item changed since then: its `before` is the item at `at`. */
export function firstChangeAfter(changes: readonly EventChange[]): Map<string, EventChange> {
  const first = new Map<string, EventChange>();
  for (const change of changes) if (!first.has(change.eventId)) first.set(change.eventId, change);
  return first;
}

/**
 * Reads the calendar's log entries after `at`. It is called only once the current rows have been
 * read: then every change those rows reflect has committed, so its entry is in what it returns
 * (a log read first could miss a write that lands before the rows are read, which would then be
 * neither rolled back nor seen).
 */
export type LaterChanges = () => Promise<readonly EventChange[]>;

/** The rows of `calendarId` at `at` for `window`; `readLater` reads the log after `at` (see LaterChanges). */
export async function windowRowsAt(reader: StoreReader, args: {
  mailboxId: string; calendarId: string; window: TimeSpan; readLater: LaterChanges;
}): Promise<WindowRows> {
  const { mailboxId, calendarId, window } = args;
  const now = await reader.listEventsInWindow({ mailboxId, calendarId, ...window });
  // The current exceptions of every master in the window now, also read before the log.
  const nowMasterIds = new Set(now.masters.map((m) => m.id));
  let currentExceptions = nowMasterIds.size === 0 ? [] : await reader.listExceptions({ mailboxId, seriesMasterIds: [...nowMasterIds] });
  let first = firstChangeAfter(await args.readLater());
  // Masters that were in the window at `at` but are not now (moved or deleted since) are found in
  // the log; their exceptions are read now, and the log once more after them (LaterChanges).
  const goneMasterIds = [...first.values()]
    .filter((c) => c.before?.type === "seriesMaster" && !nowMasterIds.has(c.eventId))
    .map((c) => c.eventId);
  if (goneMasterIds.length > 0) {
    currentExceptions = [...currentExceptions, ...await reader.listExceptions({ mailboxId, seriesMasterIds: goneMasterIds })];
    first = firstChangeAfter(await args.readLater());
  }
  const asThen = (row: Event): Event | null => {
    const change = first.get(row.id);
    return change ? change.before : row;
  };
  const rows = new Map<string, Event>();
  for (const row of [...now.items, ...now.masters]) {
    const then = asThen(row);
    if (then) rows.set(then.id, then);
  }
  // Rows that were in the window at `at` but have moved or gone since.
  for (const [id, change] of first) {
    if (rows.has(id) || change.before === null || change.before.type === "occurrence") continue;
    rows.set(id, change.before);
  }
  const items: Event[] = [];
  const masters: Event[] = [];
  for (const row of rows.values()) {
    if (row.type === "seriesMaster") {
      if (overlapsWindow(seriesExtent(row), window)) masters.push(row);
    } else if (overlapsWindow(spanOf(row), window)) {
      items.push(row);
    }
  }
  const exceptions = new Map<string, Event[]>(masters.map((m) => [m.id, []]));
  const seen = new Set<string>();
  for (const row of currentExceptions) {
    seen.add(row.id);
    const then = asThen(row);
    if (then?.seriesMasterId) exceptions.get(then.seriesMasterId)?.push(then);
  }
  // Exceptions gone since `at` (deleted, cancelled, dropped by a pattern edit).
  for (const [id, change] of first) {
    const then = change.before;
    if (seen.has(id) || then === null || then.type !== "exception" || then.seriesMasterId === null) continue;
    exceptions.get(then.seriesMasterId)?.push(then);
  }
  return { items, masters, exceptions };
}

/** The occurrences of `master` in the window that no exception replaces (cancelled ones are left out). */
export function occurrencesIn(master: Event, exceptions: readonly Event[], window: TimeSpan): Event[] {
  const replaced = new Set(exceptions.flatMap((e) => (e.originalStart === null ? [] : [e.originalStart])));
  return seriesOccurrences(master, { window, replaced });
}

/**
 * The given series (or single instances: a master id may have been one) as they were before
 * `later` happened: each master row and its exceptions, rolled back like windowRowsAt.
 */
export async function seriesAt(reader: StoreReader, args: {
  mailboxId: string; masterIds: readonly string[]; readLater: LaterChanges;
}): Promise<Map<string, { master: Event | null; exceptions: Event[] }>> {
  const { mailboxId, masterIds } = args;
  const out = new Map<string, { master: Event | null; exceptions: Event[] }>();
  if (masterIds.length === 0) return out;
  // Rows first, then the log (LaterChanges).
  const current = new Map<string, Event | undefined>();
  for (const id of masterIds) current.set(id, await reader.getEvent({ mailboxId, eventId: id }));
  const currentExceptions = await reader.listExceptions({ mailboxId, seriesMasterIds: masterIds });
  const first = firstChangeAfter(await args.readLater());
  for (const id of masterIds) {
    const change = first.get(id);
    out.set(id, { master: change ? change.before : current.get(id) ?? null, exceptions: [] });
  }
  const seen = new Set<string>();
  for (const row of currentExceptions) {
    seen.add(row.id);
    const change = first.get(row.id);
    const then = change ? change.before : row;
    if (then?.seriesMasterId) out.get(then.seriesMasterId)?.exceptions.push(then);
  }
  for (const [id, change] of first) {
    const then = change.before;
    if (seen.has(id) || then === null || then.type !== "exception" || then.seriesMasterId === null) continue;
    out.get(then.seriesMasterId)?.exceptions.push(then);
  }
  return out;
}
