import { ValidationError } from "../../domain/index.js";

// Control bodies are small JSON objects; anything else is a Graph-format 400 that names what
// was wrong, never a 500 (issue 11: "JSON in, JSON out, Graph-format errors on bad input").

/** The body as an object with only `allowed` properties; an absent body counts as `{}`. */
export function readControlBody(body: unknown, allowed: readonly string[]): Record<string, unknown> {
  if (body === undefined || body === null || body === "") return {};
  if (typeof body !== "object" || Array.isArray(body)) throw new ValidationError("The request body must be a JSON object.", "badRequest");
  const object = body as Record<string, unknown>;
  for (const name of Object.keys(object)) {
    if (!allowed.includes(name)) {
      throw new ValidationError(`Unknown property '${name}'; expected one of ${allowed.map((a) => `'${a}'`).join(", ")}.`, "badRequest");
    }
  }
  return object;
}

export function optionalString(object: Record<string, unknown>, name: string): string | undefined {
  const value = object[name];
  if (value === undefined) return undefined;
  if (typeof value !== "string" || value === "") throw new ValidationError(`'${name}' must be a non-empty string.`, "badRequest");
  return value;
}

export function optionalBoolean(object: Record<string, unknown>, name: string): boolean | undefined {
  const value = object[name];
  if (value === undefined) return undefined;
  if (typeof value !== "boolean") throw new ValidationError(`'${name}' must be true or false.`, "badRequest");
  return value;
}

/** Exactly one of `names` is present: the command the body gives. */
export function exactlyOne(object: Record<string, unknown>, names: readonly string[]): string {
  const present = names.filter((n) => object[n] !== undefined);
  if (present.length !== 1) {
    throw new ValidationError(`Give exactly one of ${names.map((n) => `'${n}'`).join(", ")}.`, "badRequest");
  }
  return present[0] as string;
}
