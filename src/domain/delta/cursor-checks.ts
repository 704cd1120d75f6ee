import type { ApiVersion } from "../../graph/index.js";
import { BadSyncTokenError, ResyncRequiredError, SyncStateInvalidError, SyncStateNotFoundError } from "../errors.js";
import type { MailboxSyncState } from "../model.js";
import type { IssuedCursor } from "./delta-cursor.js";

// The checks every delta function (calendars/delta, calendarView/delta, events/delta) makes on a token it
// issued, before serving from it (domain/delta/README.md §3).

/** A token is only good for the mailbox, version, caller and resource it was issued to. */
export function checkBinding(cursor: IssuedCursor, args: {
  mailboxId: string; apiVersion: ApiVersion; caller: string; nowSec: number; retentionMs: number;
  /** The scope the request addresses: a calendar and window for calendarView/delta, none for calendars/delta. */
  scopeKey: string | undefined;
}): void {
  if (cursor.mailboxId !== args.mailboxId) throw new BadSyncTokenError("token is for another mailbox");
  if (cursor.apiVersion !== args.apiVersion) throw new BadSyncTokenError("token is for another API version");
  if (cursor.caller !== args.caller) throw new BadSyncTokenError("token was issued to another caller");
  if (scopeKeyOf(cursor) !== args.scopeKey) throw new BadSyncTokenError("token is for another resource");
  if (cursor.issuedAt > args.nowSec + 300) throw new BadSyncTokenError("token issued in the future");
  if ((args.nowSec - cursor.issuedAt) * 1000 > args.retentionMs) throw new SyncStateNotFoundError(cursor.since, 0);
}

/** One string for a cursor's scope, so that any difference (calendar, window, resource) refuses it. */
export function scopeKeyOf(cursor: Pick<IssuedCursor, "scope">): string | undefined {
  const scope = cursor.scope;
  if (!scope) return undefined;
  // The resource leads, so a calendarView token never matches an events one (or the reverse).
  return scope.resource === "calendarView"
    ? `${scope.resource}|${scope.calendarId}|${scope.viaDefault ? "default" : "id"}|${scope.window.startMs}|${scope.window.endMs}`
    : `${scope.resource}|${scope.calendarId ?? "*"}|${scope.startMs ?? "*"}`;
}

/** Pruned history and admin resets end old tokens with 410 (spec §7.6, decision 7). */
export function checkRetained(cursor: IssuedCursor, state: MailboxSyncState): void {
  const upTo = cursor.kind === "page" ? cursor.upTo : cursor.since;
  // Ahead of the mailbox: history was lost (a restored backup), 410 per spec decision 7.
  if (upTo > state.changeSeq) throw new SyncStateInvalidError(upTo, state.changeSeq);
  if (upTo < state.resetSeq) throw new ResyncRequiredError();
  // A round needs history above `since`; an initial round (since 0) needs its snapshot at upTo.
  const needed = cursor.since === 0 && cursor.kind === "page" ? cursor.upTo : cursor.since;
  if (needed < state.pruneSeq) throw new SyncStateNotFoundError(needed, state.changeSeq);
}
