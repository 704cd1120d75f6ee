import {
  CALENDAR_GROUP_PROPERTIES, CALENDAR_ODATA_TYPE, CALENDAR_PROPERTIES, USER_PROPERTIES, type ApiVersion,
} from "../../graph/index.js";
import type { Calendar, CalendarGroup, Mailbox } from "../../domain/index.js";

// Domain objects to Graph JSON: the version's property set in Graph's order, or a $select of it.

function project(source: Record<string, unknown>, properties: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const p of properties) out[p] = source[p];
  return out;
}

export function calendarToWire(calendar: Calendar, apiVersion: ApiVersion, select?: readonly string[]): Record<string, unknown> {
  return project(calendar as unknown as Record<string, unknown>, select ?? CALENDAR_PROPERTIES[apiVersion]);
}

export function calendarGroupToWire(group: CalendarGroup, select?: readonly string[]): Record<string, unknown> {
  return project(group as unknown as Record<string, unknown>, select ?? CALENDAR_GROUP_PROPERTIES);
}

export function userToWire(user: Mailbox, select?: readonly string[]): Record<string, unknown> {
  return project(user as unknown as Record<string, unknown>, select ?? USER_PROPERTIES);
}

/**
 * JSON text of `calendarToWire`, memoised for frozen calendars: the calendar list cache hands
 * out the same deep-frozen objects to every request (domain/cache/calendar-list-cache.ts),
 * and such an object's JSON can never change. Other calendars are serialised each time.
 */
const calendarJsonMemo = new WeakMap<Calendar, Map<string, string>>();

export function calendarJson(calendar: Calendar, apiVersion: ApiVersion, select?: readonly string[], options: { typed?: boolean } = {}): string {
  const render = () => JSON.stringify(options.typed
    ? { "@odata.type": CALENDAR_ODATA_TYPE, ...calendarToWire(calendar, apiVersion, select) }
    : calendarToWire(calendar, apiVersion, select));
  if (!Object.isFrozen(calendar)) return render();
  let byShape = calendarJsonMemo.get(calendar);
  if (!byShape) calendarJsonMemo.set(calendar, byShape = new Map());
  // `typed`: with Graph's `@odata.type` member first, as delta items carry it.
  const shape = `${options.typed ? "t" : ""}${apiVersion}${select ? `:${select.join(",")}` : ""}`;
  let json = byShape.get(shape);
  if (json === undefined) byShape.set(shape, json = render());
  return json;
}

/**
 * A response body that is JSON already: text, UTF-8 bytes, or UTF-8 byte parts to be sent one
 * after another (assembled around memoised bytes, which are never copied into a page-sized
 * buffer); sent as is.
 */
export class JsonText {
  constructor(readonly content: string | Buffer | readonly Buffer[]) {}

  /** An object from [name, JSON text of the value] pairs, in order. */
  static object(members: readonly (readonly [string, string])[]): JsonText {
    return new JsonText(`{${members.map(([name, value]) => `${JSON.stringify(name)}:${value}`).join(",")}}`);
  }

  /**
   * The same, where values may be JSON bytes kept elsewhere (a memoised page): the body is the
   * kept bytes with the text around them as parts of their own, so the kept bytes are never
   * encoded or copied again (http/poll-replay.ts writes the parts as they are).
   */
  static objectBytes(members: readonly (readonly [string, string | Buffer])[]): JsonText {
    const parts: Buffer[] = [];
    let text = "{";
    members.forEach(([name, value], i) => {
      text += `${i ? "," : ""}${JSON.stringify(name)}:`;
      if (typeof value === "string") {
        text += value;
        return;
      }
      parts.push(Buffer.from(text), value);
      text = "";
    });
    parts.push(Buffer.from(`${text}}`));
    return new JsonText(parts);
  }

  /** The body as one string or buffer (parts are joined), for senders that take one payload. */
  get whole(): string | Buffer {
    const { content } = this;
    return typeof content === "string" || Buffer.isBuffer(content) ? content : Buffer.concat(content);
  }
}
