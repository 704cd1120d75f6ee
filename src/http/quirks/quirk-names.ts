import { ValidationError } from "../../domain/index.js";

// The behaviours of real Graph that break naive sync clients (spec §9.5, §9.7; issue 11 §6),
// which graphcal reproduces on request. Strict mode — none of them — is the default and keeps
// graphcal's own guarantees (no item twice in a round, a round is the state at its watermark).

export const QUIRK_NAMES = [
  /** An item of a round comes again at the start of the next round (spec §9.5). */
  "replay-item",
  /** An item of a page comes again at the start of the round's next page (spec §9.5). */
  "duplicate-item",
  /** Every page is first answered empty, with a nextLink to the real page (spec §9.7). */
  "empty-page",
  /** The last change of a round is held back to the start of the next round. */
  "late-change",
  /** A new event is notified twice: `created`, then `updated` (spec §4.4; change notifications). */
  "created-and-updated",
] as const;

export type QuirkName = (typeof QUIRK_NAMES)[number];

export function isQuirkName(value: unknown): value is QuirkName {
  return typeof value === "string" && (QUIRK_NAMES as readonly string[]).includes(value);
}

/** A JSON list of quirk names (the admin API); `field` names it in the 400's message. */
export function parseQuirkNames(input: unknown, field = "quirks"): QuirkName[] {
  if (!Array.isArray(input)) throw new ValidationError(`'${field}' must be a list of quirk names (${QUIRK_NAMES.join(", ")}).`, "badRequest");
  input.forEach((name, i) => {
    if (!isQuirkName(name)) {
      throw new ValidationError(`${field}[${i}]: unknown quirk ${JSON.stringify(name)}; expected one of ${QUIRK_NAMES.join(", ")}.`, "badRequest");
    }
  });
  return [...new Set(input as QuirkName[])];
}

/** `a,b` as `--quirks` and `QUIRKS=` take it; `off` or empty is strict mode. Throws a plain Error. */
export function parseQuirkList(text: string): QuirkName[] {
  const names = text.split(",").map((s) => s.trim()).filter((s) => s !== "" && s.toLowerCase() !== "off");
  for (const name of names) {
    if (!isQuirkName(name)) throw new Error(`QUIRKS: unknown quirk '${name}'; expected a comma-separated list of ${QUIRK_NAMES.join(", ")}`);
  }
  return [...new Set(names as QuirkName[])];
}
