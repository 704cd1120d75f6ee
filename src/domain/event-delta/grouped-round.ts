import type { DeltaCursor, PageCursor, RoundCursor } from "../delta/delta-cursor.js";
import { issuedAtSeq, type DeltaService } from "../delta/delta-service.js";
import { pageOfGroups, type EventDeltaItem, type ItemGroup } from "./round-items.js";
import type { KeptSlice, PageCheck } from "../delta/delta-service.js";
import { KeptPages } from "../cache/kept-pages.js";

// The round machinery both event delta functions share (calendarView/delta, beta events/delta):
// the unchanged-mailbox fast path, retention and reset checks, the round's frozen bounds, and
// pages cut between groups. What a round holds is the caller's (`groupsFor`).

export type EventDeltaPage =
  | { kind: "more"; items: readonly EventDeltaItem[]; next: PageCursor; kept?: KeptSlice; checked?: PageCheck }
  | { kind: "complete"; items: readonly EventDeltaItem[]; round: RoundCursor; kept?: KeptSlice; checked?: PageCheck };

/**
 * Pages cut from a round's groups, by the groups' identity: the groups RoundCache keeps are
 * frozen, so the page at the same place of them is the same page for every request
 * (catalogue entry 14). Groups too big to keep are new each time and their pages die with them.
 */
const keptPages = new KeptPages<{ items: readonly EventDeltaItem[]; next: number; done: boolean }>();

/**
 * One page of a round. The cursor's binding must already have been checked (checkBinding);
 * `binding` is what the next link carries. `groupsFor(since, upTo)` gives the round's groups:
 * since 0 is an initial round (the state at upTo), else the changes of (since, upTo].
 */
export async function pageOfRound(args: {
  delta: DeltaService; mailboxId: string; cursor: DeltaCursor; pageSize: number;
  binding: Omit<RoundCursor, "kind" | "since">;
  groupsFor: (since: number, upTo: number) => Promise<readonly ItemGroup[]>;
}): Promise<EventDeltaPage> {
  const { delta, cursor, binding } = args;
  // Fast path, shared with calendars/delta: nothing new in the mailbox since the round.
  if (cursor.kind === "round" && delta.watermarks.get(args.mailboxId) === cursor.since) {
    return { kind: "complete", items: [], round: delta.sameRound(cursor, binding) };
  }
  const epoch = delta.epoch;
  const state = await delta.syncState(args.mailboxId, issuedAtSeq(cursor));
  let since = 0;
  let upTo = state.changeSeq;
  let after = 0;
  if (cursor.kind !== "initial") {
    await delta.checkIssued(cursor, state);
    since = cursor.since;
    if (cursor.kind === "page") ({ upTo, after } = cursor);
  }
  const groups = await args.groupsFor(since, upTo);
  const page = keptPages.get(groups, after, args.pageSize, () => {
    const cut = pageOfGroups(groups, after, args.pageSize);
    return { ...cut, items: Object.freeze(cut.items) };
  });
  const kept: KeptSlice = { round: groups, from: after };
  // A later page's answer may be repeated while its check holds (DeltaService.repeatsPage).
  const checked = cursor.kind === "page" ? { checked: { seq: state.changeSeq, epoch } } : undefined;
  if (!page.done) return { kind: "more", items: page.items, next: { kind: "page", since, upTo, after: page.next, ...binding }, kept, ...checked };
  if (cursor.kind === "round" && upTo === cursor.since) return { kind: "complete", items: page.items, round: delta.sameRound(cursor, binding) };
  return { kind: "complete", items: page.items, round: { kind: "round", since: upTo, ...binding }, kept, ...checked };
}
