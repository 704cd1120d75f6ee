import { Annotation } from "../../graph/index.js";
import type { Principal } from "../../domain/index.js";
import type { GraphRoute } from "../graph-path.js";
import type { GraphResponse } from "../graph-context.js";
import { JsonText } from "../odata/serialize.js";
import type { QuirkControl } from "./quirk-control.js";
import type { QuirkName } from "./quirk-names.js";

// The quirk modes, applied at the edge to a delta page the routes answered (calendars/delta and
// calendarView/delta), so the domain and the routes keep their strict guarantees and the pages
// memoised as bytes (odata/page-json-memo.ts) are never changed: a quirked page is a new body.
// Every quirk leaves a client that dedupes by id (last occurrence wins), tolerates replays and
// follows links to the deltaLink with exactly the server's state; see README.md here.

/** The query parameter of the link an empty page points to: that request gets the real page. */
export const EMPTY_PAGE_MARK = "graphcal-quirk=empty-page";

type DeltaRoute = Extract<GraphRoute, { kind: "delta" | "calendarViewDelta" }>;

interface DeltaPageBody {
  [Annotation.nextLink]?: string;
  [Annotation.deltaLink]?: string;
  value: unknown[];
  [key: string]: unknown;
}

export function isDeltaRoute(route: GraphRoute): route is DeltaRoute {
  return route.kind === "delta" || route.kind === "calendarViewDelta";
}

/**
 * The page `response` as the mailbox's quirks change it, or `response` itself when none is on.
 * `url` is the request's path and query, `touch` notes a quirk that changed the answer (the
 * requests log shows it).
 */
export function applyDeltaQuirks(args: {
  control: QuirkControl; route: DeltaRoute; principal: Principal; url: string; origin: string;
  response: GraphResponse; touch: (quirk: QuirkName) => void;
}): GraphResponse {
  const { control, route, response, touch } = args;
  const on = control.for("me" in route.subject ? (args.principal.kind === "delegated" ? args.principal.userId : undefined) : route.subject.user);
  if (on.length === 0 || response.status !== 200 || !(response.body instanceof JsonText)) return response;
  // A quirked mailbox's polls are never replayed from bytes: the next answer may differ.
  const answer: GraphResponse = { ...response, replayWhile: undefined };
  const query = args.url.includes("?") ? args.url.slice(args.url.indexOf("?") + 1) : "";

  if (on.includes("empty-page") && !query.split("&").includes(EMPTY_PAGE_MARK)) {
    touch("empty-page");
    const page = parse(response.body);
    const self = `${args.origin}${args.url}${query === "" ? "?" : "&"}${EMPTY_PAGE_MARK}`;
    return { ...answer, body: serialise({ "@odata.context": page["@odata.context"], value: [], [Annotation.nextLink]: self }) };
  }

  const page = parse(response.body);
  const domain = [...page.value];
  const held: unknown[] = [];
  const requested = tokenKey(query);
  if (requested?.startsWith("delta:")) {
    const late = on.includes("late-change") ? control.late.get(requested) : undefined;
    if (late) {
      held.push(...late);
      touch("late-change");
    }
    const replay = on.includes("replay-item") ? control.replays.get(requested) : undefined;
    if (replay) {
      held.push(...replay);
      control.replays.delete(requested); // once: a replay is a surprise, not a loop
      touch("replay-item");
    }
  }
  if (requested?.startsWith("skip:") && on.includes("duplicate-item")) {
    const duplicate = control.duplicates.get(requested);
    if (duplicate) {
      held.push(...duplicate);
      touch("duplicate-item");
    }
  }

  const next = page[Annotation.nextLink];
  const delta = page[Annotation.deltaLink];
  if (next !== undefined && on.includes("duplicate-item") && domain.length > 0) {
    // Kept (not taken) on use, so a retried page carries its duplicate again.
    control.duplicates.set(tokenKey(queryOf(next)) ?? "", [domain[domain.length - 1]]);
  }
  if (delta !== undefined) {
    const key = tokenKey(queryOf(delta)) ?? "";
    if (on.includes("late-change") && domain.length > 0) {
      // Only a change of this round is held back, never one that came late already: each
      // change is at most one round late, and a quiet round delivers everything.
      control.late.set(key, [domain.pop()]);
      touch("late-change");
    }
    if (on.includes("replay-item") && domain.length > 0) control.replays.set(key, [domain[domain.length - 1]]);
  }
  if (held.length === 0 && domain.length === page.value.length) return answer;
  return { ...answer, body: serialise({ ...page, value: [...held, ...domain] }) };
}

function parse(body: JsonText): DeltaPageBody {
  const whole = body.whole;
  const text = typeof whole === "string" ? whole : whole.toString("utf8");
  return JSON.parse(text) as DeltaPageBody;
}

function serialise(page: Record<string, unknown>): JsonText {
  return new JsonText(JSON.stringify(page));
}

function queryOf(link: string): string {
  const q = link.indexOf("?");
  return q < 0 ? "" : link.slice(q + 1);
}

/** `skip:{token}` or `delta:{token}` of a query string: the same link gives the same key. */
export function tokenKey(query: string): string | undefined {
  for (const part of query.split("&")) {
    const eq = part.indexOf("=");
    const name = (eq < 0 ? part : part.slice(0, eq)).toLowerCase().replace(/^(%24|\$)/, "");
    if (name !== "skiptoken" && name !== "deltatoken") continue;
    const raw = part.slice(eq + 1);
    let value: string;
    try {
      value = decodeURIComponent(raw);
    } catch {
      value = raw; // the route refused such a token already; any stable key will do
    }
    return `${name === "skiptoken" ? "skip" : "delta"}:${value}`;
  }
  return undefined;
}
