import { InvalidQueryError } from "../../domain/index.js";

/**
 * Resolves `$select` against a type's properties (case-insensitively, emitting canonical
 * names). Returns undefined for "all properties". `id` is always included.
 */
export function resolveSelect(value: string | undefined, properties: readonly string[], typeName: string): string[] | undefined {
  if (value === undefined) return undefined;
  const byKey = new Map(properties.map((p) => [p.toLowerCase(), p]));
  const chosen = new Set<string>(["id"]);
  for (const raw of value.split(",")) {
    const name = raw.trim();
    if (name === "") throw new InvalidQueryError("The $select query option has an empty item.");
    if (name === "*") return undefined;
    const canonical = byKey.get(name.toLowerCase());
    if (!canonical) {
      throw new InvalidQueryError(`Could not find a property named '${name}' on type 'microsoft.graph.${typeName}'.`);
    }
    chosen.add(canonical);
  }
  // Keep the type's own order so projected bodies read like full ones.
  return properties.filter((p) => chosen.has(p));
}
