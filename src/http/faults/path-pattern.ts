// Fault rules name the requests they break by a path pattern: `/me/calendars/delta`,
// `/users/*/calendarView/delta`, `/me/**`. `*` stands for one segment, `**` for any number
// (none included). Segments compare case-insensitively, as Graph resolves them. Patterns are
// compiled once, when the rule is added, into one anchored RegExp: matching a request is then a
// single `test` per rule, which keeps 100 loaded rules cheap on the hot path.

export interface PathPattern {
  readonly source: string;
  /** Whether the pattern names an identity endpoint (token, discovery, keys) by a literal segment. */
  readonly namesIdentity: boolean;
  matches(path: string): boolean;
}

const IDENTITY_SEGMENTS = new Set(["oauth2", "discovery", ".well-known"]);

/** Throws a plain Error with the reason when the pattern is unusable (the caller names the field). */
export function compilePathPattern(source: string): PathPattern {
  if (!source.startsWith("/")) throw new Error("must start with '/'");
  if (/[?#]/.test(source)) throw new Error("is a path only: no query string or fragment");
  const segments = source.split("/").slice(1);
  if (segments.length > 1 && segments[segments.length - 1] === "") segments.pop();
  let regex = "^";
  let namesIdentity = false;
  for (const segment of segments) {
    if (segment === "**") {
      regex += "(?:/[^/]*)*";
    } else if (segment === "*") {
      regex += "/[^/]+";
    } else if (segment.includes("*")) {
      throw new Error(`'*' and '**' stand for whole segments only, got '${segment}'`);
    } else {
      const literal = safeDecode(segment).toLowerCase();
      if (IDENTITY_SEGMENTS.has(literal)) namesIdentity = true;
      regex += `/${escapeRegExp(literal)}`;
    }
  }
  const compiled = new RegExp(`${regex}/?$`);
  return { source, namesIdentity, matches: (path) => compiled.test(path) };
}

/**
 * The form a request path is matched in: lower case, percent escapes decoded, no query. Graph
 * paths are given without their `/v1.0` or `/beta` prefix.
 */
export function normalizePath(rawPath: string): string {
  const path = rawPath.includes("%") ? safeDecode(rawPath) : rawPath;
  return path.toLowerCase();
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
