import type { DeltaService, IssuedCursor, Mailbox } from "../../domain/index.js";
import { toGraphError } from "../errors.js";

// What a delta or skip token carries, spelt out for a person (the console's delta explorer,
// issue 13): the round it belongs to, what it is bound to, and whether the mailbox would still
// serve from it. The wire format itself is http/odata/delta-token.ts (ADR 0003).

export interface DeltaTokenView {
  /** `nextLink`: mid-round (a `$skiptoken`); `deltaLink`: a completed round (a `$deltatoken`). */
  link: "nextLink" | "deltaLink";
  keyId: string;
  mailbox: { id: string; userPrincipalName: string };
  apiVersion: string;
  /** The `$select` the chain was started with; null: every property. */
  select: string[] | null;
  caller: { kind: "user" | "app"; id: string };
  /** The change seq the round starts after: a deltaLink's next round serves changes above it. */
  watermark: number;
  /** Mid-round: the round's frozen upper bound, and the seq this page continues after. */
  upTo: number | null;
  after: number | null;
  issuedAt: string;
  resource: ResourceView;
  /** Whether the mailbox would serve from the token now, else the error it would answer. */
  state: { changeSeq: number; usable: true } | { changeSeq: number; usable: false; status: number; code: string; message: string };
}

type ResourceView =
  | { kind: "calendars" }
  | { kind: "calendarView"; calendarId: string; viaDefaultCalendar: boolean; startDateTime: string; endDateTime: string }
  | { kind: "events"; calendarId: string | null; startDateTime: string | null };

export async function describeToken(args: {
  keyId: string; cursor: IssuedCursor; mailbox: Mailbox; delta: DeltaService;
}): Promise<DeltaTokenView> {
  const { cursor, mailbox } = args;
  const [callerKind, callerId] = [cursor.caller.slice(0, 1), cursor.caller.slice(2)];
  return {
    link: cursor.kind === "page" ? "nextLink" : "deltaLink",
    keyId: args.keyId,
    mailbox: { id: mailbox.id, userPrincipalName: mailbox.userPrincipalName },
    apiVersion: cursor.apiVersion,
    select: cursor.select,
    caller: { kind: callerKind === "a" ? "app" : "user", id: callerId },
    watermark: cursor.since,
    upTo: cursor.kind === "page" ? cursor.upTo : null,
    after: cursor.kind === "page" ? cursor.after : null,
    issuedAt: new Date(cursor.issuedAt * 1000).toISOString(),
    resource: resourceOf(cursor),
    state: await stateOf(cursor, args.delta),
  };
}

function resourceOf(cursor: IssuedCursor): ResourceView {
  const scope = cursor.scope;
  if (!scope) return { kind: "calendars" };
  if (scope.resource === "calendarView") {
    return {
      kind: "calendarView", calendarId: scope.calendarId, viaDefaultCalendar: scope.viaDefault,
      startDateTime: new Date(scope.window.startMs).toISOString(), endDateTime: new Date(scope.window.endMs).toISOString(),
    };
  }
  return { kind: "events", calendarId: scope.calendarId, startDateTime: scope.startMs === null ? null : new Date(scope.startMs).toISOString() };
}

/** The store-side checks a delta request makes (retention, resets, expired links), as their answer. */
async function stateOf(cursor: IssuedCursor, delta: DeltaService): Promise<DeltaTokenView["state"]> {
  const state = await delta.syncState(cursor.mailboxId);
  try {
    await delta.checkIssued(cursor, state);
    return { changeSeq: state.changeSeq, usable: true };
  } catch (error) {
    const mapped = toGraphError(error);
    if (!mapped) throw error;
    return { changeSeq: state.changeSeq, usable: false, status: mapped.status, code: mapped.code, message: mapped.message };
  }
}
