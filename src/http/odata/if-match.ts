import type { IfMatch } from "../../domain/index.js";

// If-Match on PATCH/DELETE of an event (spec §1.2: `@odata.etag` is W/"{changeKey}"). Clients
// send back the etag they read, weak or strong, or `*`; several tags may be listed.
// see: https://www.rfc-editor.org/rfc/rfc9110#name-if-match

/** The If-Match header as changeKeys, `*` as any; undefined when absent or empty. */
export function parseIfMatch(header: string | string[] | undefined): IfMatch | undefined {
  const values = header === undefined ? [] : Array.isArray(header) ? header : [header];
  const changeKeys: string[] = [];
  for (const value of values) {
    for (const raw of value.split(",")) {
      const tag = raw.trim();
      if (tag === "") continue;
      if (tag === "*") return { any: true };
      // W/"ck", "ck", or a bare ck some clients send: the changeKey is what is inside.
      changeKeys.push(tag.replace(/^W\//i, "").replace(/^"(.*)"$/, "$1"));
    }
  }
  return changeKeys.length === 0 ? undefined : { changeKeys };
}
