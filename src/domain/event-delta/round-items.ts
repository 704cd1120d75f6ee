import type { Event, EventChange, TimeSpan } from "../model.js";
import { overlapsWindow, seriesExtent, spanOf } from "../events/series/series.js";
import { occurrencesIn, type WindowRows } from "./window-at.js";

// What a calendarView/delta round says, as groups of items: one group per single instance, and
// one per series (its master, occurrences and exceptions), so that a page never splits a
// series unless the series alone is larger than the page (issue 10).
//
// The window rule of spec §3.5 decides an item's fate from where it is at the round's end:
// inside the window it is sent (in full, or as a skeleton for an occurrence); anywhere else —
// deleted, moved out, or added or edited outside the window — it is sent as `@removed`.

export type EventDeltaItem =
  /** A single instance, series master or exception, in full. */
  | { kind: "event"; event: Event }
  /** An occurrence: its skeleton (id, type, seriesMasterId, start, end) goes on the wire (§3.4). */
  | { kind: "occurrence"; event: Event }
  | { kind: "removed"; id: string };

export interface ItemGroup {
  key: string;
  items: EventDeltaItem[];
}

function byStart(a: Event, b: Event): number {
  return a.start.epochMs - b.start.epochMs || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/** An initial round: everything in the window at the round's watermark, grouped, in start order. */
export function snapshotGroups(rows: WindowRows, window: TimeSpan): ItemGroup[] {
  const groups: { start: number; group: ItemGroup }[] = [];
  const bySeries = new Map<string, Event[]>();
  for (const item of rows.items) {
    if (item.type === "exception" && item.seriesMasterId !== null) {
      const list = bySeries.get(item.seriesMasterId) ?? [];
      list.push(item);
      bySeries.set(item.seriesMasterId, list);
    } else {
      groups.push({ start: item.start.epochMs, group: { key: item.id, items: [{ kind: "event", event: item }] } });
    }
  }
  for (const master of rows.masters) {
    const occurrences = occurrencesIn(master, rows.exceptions.get(master.id) ?? [], window);
    const exceptions = bySeries.get(master.id) ?? [];
    bySeries.delete(master.id);
    const members = [...occurrences, ...exceptions].sort(byStart);
    if (members.length === 0) continue;
    groups.push({
      start: (members[0] as Event).start.epochMs,
      group: {
        key: master.id,
        items: [
          { kind: "event", event: master },
          ...members.map((e): EventDeltaItem => (e.type === "occurrence" ? { kind: "occurrence", event: e } : { kind: "event", event: e })),
        ],
      },
    });
  }
  // Exceptions whose master does not reach the window (moved far from the series) stand alone.
  for (const [key, exceptions] of bySeries) {
    const sorted = exceptions.sort(byStart);
    groups.push({ start: (sorted[0] as Event).start.epochMs, group: { key, items: sorted.map((event) => ({ kind: "event", event })) } });
  }
  return groups.sort((a, b) => a.start - b.start || (a.group.key < b.group.key ? -1 : 1)).map((g) => g.group);
}

/** The state of an item at the round's start and end, from its entries in the round. */
interface ItemHistory {
  before: Event | null;
  after: Event | null;
  removed: boolean;
}

function histories(changes: readonly EventChange[]): Map<string, ItemHistory> {
  const out = new Map<string, ItemHistory>();
  for (const c of changes) {
    const seen = out.get(c.eventId);
    if (seen) {
      seen.after = c.after;
      seen.removed = c.removed;
    } else {
      out.set(c.eventId, { before: c.before, after: c.after, removed: c.removed });
    }
  }
  return out;
}

/** A series as it was at one end of a round: its master (null: none then) and its exceptions. */
export interface SeriesState {
  master: Event | null;
  exceptions: Event[];
}

/** The ids whose own entries make a group re-derive a series: the changed masters (and single instances). */
export function changedKeys(changes: readonly EventChange[]): Set<string> {
  return new Set(changes.filter((c) => c.seriesMasterId === null).map((c) => c.eventId));
}

/**
 * A later round: the changes in (since, upTo] of one calendar, collapsed per item and grouped
 * per series, in the order of each group's first change. `seriesAtStart`/`seriesAtEnd` hold,
 * for each id of `changedKeys`, the series at `since` and at `upTo`: only the series that
 * changed are expanded, so the round costs what changed, not what the window holds.
 */
export function changeGroups(args: {
  changes: readonly EventChange[]; window: TimeSpan;
  seriesAtStart: ReadonlyMap<string, SeriesState>; seriesAtEnd: ReadonlyMap<string, SeriesState>;
}): ItemGroup[] {
  const { changes, window } = args;
  const history = histories(changes);
  const order: string[] = [];
  const members = new Map<string, string[]>();
  for (const c of changes) {
    const key = c.seriesMasterId ?? c.eventId;
    if (!members.has(key)) {
      members.set(key, []);
      order.push(key);
    }
    const list = members.get(key) as string[];
    if (!list.includes(c.eventId)) list.push(c.eventId);
  }
  const none: SeriesState = { master: null, exceptions: [] };
  const groups: ItemGroup[] = [];
  for (const key of order) {
    const items = new Map<string, EventDeltaItem>();
    const ids = members.get(key) as string[];
    // A series whose master changed: its occurrences in the window may all have moved.
    if (ids.includes(key)) {
      const h = history.get(key) as ItemHistory;
      const start = args.seriesAtStart.get(key) ?? none;
      const end = args.seriesAtEnd.get(key) ?? none;
      const occurrencesBefore = start.master?.type === "seriesMaster" ? occurrencesIn(start.master, start.exceptions, window) : [];
      const occurrencesAfter = end.master?.type === "seriesMaster" ? occurrencesIn(end.master, end.exceptions, window) : [];
      const exceptionsInWindow = end.exceptions.filter((e) => overlapsWindow(spanOf(e), window));
      const after = h.removed ? null : h.after;
      if (after && after.type !== "seriesMaster" && overlapsWindow(spanOf(after), window)) {
        items.set(key, { kind: "event", event: after });
      } else if (end.master?.type === "seriesMaster" && (occurrencesAfter.length > 0
        // Exceptions alone bring the master only when its extent reaches the window, as in
        // snapshotGroups (whose other exceptions stand alone): otherwise a client that synced
        // incrementally would hold a master that a fresh initial round does not send.
        || (exceptionsInWindow.length > 0 && overlapsWindow(seriesExtent(end.master), window)))) {
        items.set(key, { kind: "event", event: end.master });
      } else {
        items.set(key, { kind: "removed", id: key });
      }
      const now = new Set(occurrencesAfter.map((o) => o.id));
      for (const o of occurrencesAfter) items.set(o.id, { kind: "occurrence", event: o });
      for (const o of occurrencesBefore) if (!now.has(o.id)) items.set(o.id, { kind: "removed", id: o.id });
    }
    // Items with their own entries (exceptions, cancelled occurrences, single instances) decide last.
    for (const id of ids) {
      if (id === key) continue;
      const h = history.get(id) as ItemHistory;
      const after = h.removed ? null : h.after;
      // Gone as a row but an occurrence again at upTo: a cancellation or exception dropped by a
      // later master edit in the same round (its occurrence fits the pattern once more) — the
      // occurrence the master re-derived above stands. (Model test: cancel, then drop and
      // restore the recurrence, in one round.)
      if (!after && items.get(id)?.kind === "occurrence") continue;
      items.set(id, after && overlapsWindow(spanOf(after), window) ? { kind: "event", event: after } : { kind: "removed", id });
    }
    groups.push({ key, items: [...items.values()] });
  }
  return groups;
}

/**
 * The page that starts `from` items into the round (groups laid end to end): whole groups while
 * they fit in `pageSize` items. A group larger than a page is the one thing that is split, in
 * page-size pieces, each continuing where the last stopped. So a series shares no page boundary
 * unless it alone exceeds the page. `next` is the offset of the following page.
 */
export function pageOfGroups(groups: readonly ItemGroup[], from: number, pageSize: number): { items: EventDeltaItem[]; next: number; done: boolean } {
  const items: EventDeltaItem[] = [];
  let offset = 0;
  let g = 0;
  // Find the group holding item `from`.
  while (g < groups.length && offset + (groups[g] as ItemGroup).items.length <= from) offset += (groups[g++] as ItemGroup).items.length;
  if (g < groups.length && from > offset) {
    // Inside a split group: its next piece.
    const rest = (groups[g] as ItemGroup).items.slice(from - offset);
    const piece = rest.slice(0, pageSize);
    items.push(...piece);
    if (piece.length < rest.length) return { items, next: from + piece.length, done: false };
    offset += (groups[g++] as ItemGroup).items.length;
  }
  while (g < groups.length) {
    const group = groups[g] as ItemGroup;
    if (items.length + group.items.length <= pageSize) {
      items.push(...group.items);
      offset += group.items.length;
      g++;
      continue;
    }
    if (items.length === 0) {
      // Alone larger than a page: its first piece.
      items.push(...group.items.slice(0, pageSize));
      return { items, next: offset + pageSize, done: false };
    }
    break;
  }
  return { items, next: offset, done: g >= groups.length };
}
