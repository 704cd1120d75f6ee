import type { ApiVersion } from "../graph/index.js";
import type { GraphRoute } from "./graph-path.js";
import type { ErrorContext } from "./errors.js";
import { UnknownSegmentError } from "./edge-errors.js";

// Graph parity mode, the default: what Graph refuses, graphcal refuses, with Graph's error, so
// an app tested here does not pass and then fail on Graph. What graphcal serves beyond Graph is
// an extension, on only with `--graph-extensions` (GRAPH_EXTENSIONS=1). The README's extensions
// table lists the same set; keep the two together.

/** Every extension, by the name the README's table uses. */
export const GRAPH_EXTENSIONS = {
  /** `/v1.0/…/calendars/delta`: Graph has calendar delta on beta only (spec §1 fact 1, decision 1). */
  v1CalendarDelta: "v1.0 calendars/delta",
  /**
   * A `Location` header on 410 ResyncRequired, to the round's fresh initial URL (spec decision 7).
   * Graph documents that for directory resources only; Outlook's 410s carry none, so a client
   * must know its own initial URL.
   */
  resyncLocation: "410 ResyncRequired Location",
} as const;

/** The error Graph answers for a route it does not serve on `apiVersion`, if this is one. */
export function beyondGraph(route: GraphRoute, apiVersion: ApiVersion, extensions: boolean): Error | undefined {
  if (extensions) return undefined;
  // v1.0 has no delta bound to Collection(calendar): Graph fails to resolve the segment.
  if (route.kind === "delta" && apiVersion === "v1.0") return new UnknownSegmentError("delta");
  return undefined;
}

/** The error context an error row sees: without the 410's restart link unless extensions are on. */
export function parityContext(context: ErrorContext, extensions: boolean): ErrorContext {
  if (extensions || context.deltaRestartLink === undefined) return context;
  const { deltaRestartLink: _dropped, ...rest } = context;
  void _dropped;
  return rest;
}
