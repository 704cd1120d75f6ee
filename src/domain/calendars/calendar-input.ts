import {
  CALENDAR_COLORS, CALENDAR_PROPERTIES, type ApiVersion, type CalendarColor,
} from "../../graph/index.js";
import { ValidationError } from "../errors.js";
import { readEntityBody } from "../entity-body.js";

/** What a client may set on a calendar (spec §4.2, decision 12). */
export interface CalendarInput {
  name?: string;
  color?: CalendarColor;
  hexColor?: string;
  isDefaultCalendar?: boolean;
}

export interface ParsedCalendarInput {
  input: CalendarInput;
  /** Read-only properties the body carried; accepted only if they match the result. */
  readOnly: Record<string, unknown>;
}

export const MAX_NAME_LENGTH = 255;
const HEX_COLOR = /^#[0-9A-Fa-f]{6}$/;
const COLOR_BY_KEY = new Map<string, CalendarColor>(CALENDAR_COLORS.map((c) => [c.toLowerCase(), c]));

function writableProperties(apiVersion: ApiVersion): readonly string[] {
  // hexColor is read-only in v1.0's documentation, unmarked (and so settable) in beta.
  return apiVersion === "beta"
    ? ["name", "color", "hexColor", "isDefaultCalendar"]
    : ["name", "color", "isDefaultCalendar"];
}

/** C0 controls and DEL: Exchange refuses them in folder names (calendars and groups are folders). */
const CONTROL_CHARACTER = /[\u0000-\u001f\u007f]/;

/**
 * A calendar or calendar group name. Exchange keeps folder names without the spaces around
 * them, so the name is stored (and answered) trimmed; its length and uniqueness are judged
 * trimmed too. Control characters, tabs and line breaks included, are refused anywhere in it.
 */
export function parseCalendarName(value: unknown): string {
  if (typeof value !== "string") {
    throw new ValidationError("Invalid value for property 'name': a string is expected.", "badRequest");
  }
  if (CONTROL_CHARACTER.test(value)) throw new ValidationError("The calendar name cannot contain control characters.");
  const name = value.trim();
  if (name === "") throw new ValidationError("The calendar name cannot be empty.");
  if (name.length > MAX_NAME_LENGTH) {
    throw new ValidationError(`The calendar name cannot be longer than ${MAX_NAME_LENGTH} characters.`);
  }
  return name;
}

/** Validates a calendar body for POST or PATCH; unknown properties are errors, as in Graph. */
export function parseCalendarInput(body: unknown, options: { apiVersion: ApiVersion; mode: "create" | "update" }): ParsedCalendarInput {
  const { writable, readOnly } = readEntityBody(body, {
    type: "microsoft.graph.calendar",
    properties: CALENDAR_PROPERTIES[options.apiVersion],
    writable: writableProperties(options.apiVersion),
  });
  const input: CalendarInput = {};
  for (const [key, value] of writable) {
    switch (key) {
      case "name":
        input.name = parseCalendarName(value);
        break;
      case "color": {
        const color = typeof value === "string" ? COLOR_BY_KEY.get(value.toLowerCase()) : undefined;
        if (!color) throw new ValidationError(`Requested value '${String(value)}' was not found for property 'color'.`, "badRequest");
        input.color = color;
        break;
      }
      case "hexColor":
        if (typeof value !== "string" || (value !== "" && !HEX_COLOR.test(value))) {
          throw new ValidationError("Invalid value for property 'hexColor': expected '#RRGGBB'.");
        }
        input.hexColor = value;
        break;
      case "isDefaultCalendar":
        if (typeof value !== "boolean") {
          throw new ValidationError("Invalid value for property 'isDefaultCalendar': a boolean is expected.", "badRequest");
        }
        input.isDefaultCalendar = value;
        break;
    }
  }
  if (options.mode === "create" && input.name === undefined) {
    throw new ValidationError("The calendar name is required.");
  }
  return { input, readOnly };
}
