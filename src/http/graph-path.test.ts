import { describe, expect, it } from "vitest";
import { ALLOWED_METHODS, resolveGraphPath, type GraphRoute } from "./graph-path.js";
import { UnknownSegmentError } from "./edge-errors.js";

const resolve = (path: string): GraphRoute => resolveGraphPath(path.split("/"));

function unknownSegment(path: string): string {
  try {
    resolve(path);
  } catch (error) {
    expect(error).toBeInstanceOf(UnknownSegmentError);
    expect((error as Error).message).toBe(`Resource not found for the segment '${(error as UnknownSegmentError).segment}'.`);
    return (error as UnknownSegmentError).segment;
  }
  throw new Error(`expected '${path}' not to resolve`);
}

describe("resolveGraphPath", () => {
  it("resolveGraphPath: /me and /users/{id} are user routes", () => {
    expect(resolve("me")).toEqual({ kind: "user", subject: { me: true } });
    expect(resolve("users/alice@contoso.com")).toEqual({ kind: "user", subject: { user: "alice@contoso.com" } });
    expect(resolve("users")).toEqual({ kind: "users" });
  });

  it("resolveGraphPath: segments match case-insensitively but ids keep their case", () => {
    expect(resolve("ME/CALENDARS")).toEqual({ kind: "calendars", subject: { me: true } });
    expect(resolve("Users/AbC/Calendars/XyZ")).toEqual({
      kind: "calendar", subject: { user: "AbC" }, target: { calendarId: "XyZ" },
    });
  });

  it("resolveGraphPath: users/TokenToReplace is an alias of me (Kiota without its middleware)", () => {
    expect(resolve("users/TokenToReplace/calendars")).toEqual({ kind: "calendars", subject: { me: true } });
    expect(resolve("users/tokentoreplace")).toEqual({ kind: "user", subject: { me: true } });
  });

  it("resolveGraphPath: OData key syntax users('…') and calendars('…') equals plain segments", () => {
    expect(resolve("users('alice@contoso.com')/calendars('AAMk')")).toEqual(resolve("users/alice@contoso.com/calendars/AAMk"));
    expect(resolve("users(abc)/calendars")).toEqual({ kind: "calendars", subject: { user: "abc" } });
  });

  it("resolveGraphPath: the four delta spellings route to delta", () => {
    for (const spelling of ["delta", "delta()", "microsoft.graph.delta", "microsoft.graph.delta()", "Delta()"]) {
      expect(resolve(`me/calendars/${spelling}`), spelling).toEqual({ kind: "delta", subject: { me: true } });
      expect(resolve(`users/u1/calendars/${spelling}`), spelling).toEqual({ kind: "delta", subject: { user: "u1" } });
    }
  });

  it("resolveGraphPath: calendarGroups/{id}/calendars has no delta (not change-tracked)", () => {
    expect(unknownSegment("me/calendarGroups/g1/calendars/delta")).toBe("delta");
    expect(unknownSegment("me/calendarGroup/calendars/delta()")).toBe("delta");
    expect(unknownSegment("me/calendars/delta/extra")).toBe("extra");
  });

  it("resolveGraphPath: /calendar is the default calendar, with permanentDelete", () => {
    expect(resolve("me/calendar")).toEqual({ kind: "calendar", subject: { me: true }, target: { defaultCalendar: true } });
    expect(resolve("me/calendar/permanentDelete")).toEqual({ kind: "permanentDelete", subject: { me: true }, target: { defaultCalendar: true } });
    expect(unknownSegment("me/calendar/attachments")).toBe("attachments");
  });

  it("resolveGraphPath: permanentDelete after a calendar id, plain or namespaced", () => {
    const expected = { kind: "permanentDelete", subject: { me: true }, target: { calendarId: "c1" } };
    expect(resolve("me/calendars/c1/permanentDelete")).toEqual(expected);
    expect(resolve("me/calendars/c1/microsoft.graph.permanentDelete")).toEqual(expected);
    expect(resolve("me/calendars/c1/PERMANENTDELETE")).toEqual(expected);
    // Nothing may follow the action (which segment the message names is not pinned here).
    expect(() => resolve("me/calendars/c1/permanentDelete/x")).toThrow(UnknownSegmentError);
    expect(() => resolve("me/calendar/permanentDelete/x")).toThrow(UnknownSegmentError);
  });

  it("resolveGraphPath: calendars under the default group and under a group id carry the group", () => {
    expect(resolve("me/calendarGroup/calendars")).toEqual({ kind: "calendars", subject: { me: true }, group: { defaultGroup: true } });
    expect(resolve("me/calendarGroups/g1/calendars/c1")).toEqual({
      kind: "calendar", subject: { me: true }, target: { calendarId: "c1" }, group: { groupId: "g1" },
    });
    expect(resolve("me/calendarGroups/g1/calendars/c1/permanentDelete")).toEqual({
      kind: "permanentDelete", subject: { me: true }, target: { calendarId: "c1" }, group: { groupId: "g1" },
    });
    expect(unknownSegment("me/calendarGroup")).toBe("");
    expect(unknownSegment("me/calendarGroup/x")).toBe("x");
  });

  it("resolveGraphPath: calendarGroups list and one group", () => {
    expect(resolve("me/calendarGroups")).toEqual({ kind: "calendarGroups", subject: { me: true } });
    expect(resolve("users/u1/calendarGroups/g1")).toEqual({ kind: "calendarGroup", subject: { user: "u1" }, group: { groupId: "g1" } });
    expect(unknownSegment("me/calendarGroups/g1/events")).toBe("events");
  });

  it("resolveGraphPath: names the first segment it cannot resolve", () => {
    expect(unknownSegment("foo")).toBe("foo");
    expect(unknownSegment("me/tasks")).toBe("tasks");
    expect(unknownSegment("me/calendars/c1/attachments")).toBe("attachments");
    expect(unknownSegment("groups/g1/calendar")).toBe("groups");
  });

  it("resolveGraphPath: empty segments (double slashes) are unknown segments", () => {
    expect(unknownSegment("")).toBe("");
    expect(unknownSegment("users//calendars")).toBe("");
    expect(unknownSegment("me//calendars")).toBe("");
    expect(unknownSegment("me/calendars//x")).toBe("");
    expect(unknownSegment("me/calendarGroups//calendars")).toBe("");
  });

  it("ALLOWED_METHODS: collections take GET/POST, entities GET/PATCH/DELETE, actions POST", () => {
    expect(ALLOWED_METHODS.calendars).toEqual(["GET", "POST"]);
    expect(ALLOWED_METHODS.calendar).toEqual(["GET", "PATCH", "DELETE"]);
    expect(ALLOWED_METHODS.permanentDelete).toEqual(["POST"]);
    expect(ALLOWED_METHODS.delta).toEqual(["GET"]);
    expect(ALLOWED_METHODS.users).toEqual(["GET"]);
    expect(ALLOWED_METHODS.calendarGroups).toEqual(["GET", "POST"]);
    expect(ALLOWED_METHODS.calendarGroup).toEqual(["GET", "PATCH", "DELETE"]);
  });

  it("resolveGraphPath: events of the mailbox, the default calendar, a calendar and a group's calendar", () => {
    const me = { me: true } as const;
    expect(resolve("me/events")).toEqual({ kind: "events", subject: me, scope: {} });
    expect(resolve("me/calendar/events")).toEqual({ kind: "events", subject: me, scope: { calendar: { defaultCalendar: true } } });
    expect(resolve("users/u1/calendars/C1/events/E1")).toEqual({
      kind: "event", subject: { user: "u1" }, scope: { calendar: { calendarId: "C1" } }, eventId: "E1",
    });
    expect(resolve("me/calendarGroups/G1/calendars/C1/events/E1/instances")).toEqual({
      kind: "instances", subject: me, scope: { calendar: { calendarId: "C1" }, group: { groupId: "G1" } }, eventId: "E1",
    });
    expect(resolve("me/events('E1')")).toEqual({ kind: "event", subject: me, scope: {}, eventId: "E1" });
  });

  it("resolveGraphPath: calendarView on the mailbox, a calendar and a group's calendar", () => {
    const me = { me: true } as const;
    expect(resolve("me/calendarView")).toEqual({ kind: "calendarView", subject: me, scope: {} });
    expect(resolve("me/CALENDARVIEW")).toEqual({ kind: "calendarView", subject: me, scope: {} });
    expect(resolve("me/calendar/calendarView")).toEqual({ kind: "calendarView", subject: me, scope: { calendar: { defaultCalendar: true } } });
    expect(resolve("me/calendars/C1/calendarView")).toEqual({ kind: "calendarView", subject: me, scope: { calendar: { calendarId: "C1" } } });
    expect(resolve("me/calendarGroup/calendars/C1/calendarView")).toEqual({
      kind: "calendarView", subject: me, scope: { calendar: { calendarId: "C1" }, group: { defaultGroup: true } },
    });
  });

  it("resolveGraphPath: what may not follow events and calendarView names the first bad segment", () => {
    expect(unknownSegment("me/events/E1/attachments")).toBe("attachments");
    expect(unknownSegment("me/events/E1/instances/x")).toBe("instances");
    expect(unknownSegment("me/calendarView/x")).toBe("x");
    expect(unknownSegment("me/events/")).toBe("");
    expect(ALLOWED_METHODS.events).toEqual(["GET", "POST"]);
    expect(ALLOWED_METHODS.instances).toEqual(["GET"]);
  });

  it("resolveGraphPath: events/delta (every spelling) on the mailbox, a calendar and a group's calendar", () => {
    const me = { me: true };
    for (const spelling of ["delta", "delta()", "microsoft.graph.delta", "Microsoft.Graph.Delta()"]) {
      expect(resolve(`me/events/${spelling}`), spelling).toEqual({ kind: "eventsDelta", subject: me, scope: {} });
      expect(resolve(`users/u1/events/${spelling}`), spelling).toEqual({ kind: "eventsDelta", subject: { user: "u1" }, scope: {} });
    }
    expect(resolve("me/calendar/events/delta")).toEqual({ kind: "eventsDelta", subject: me, scope: { calendar: { defaultCalendar: true } } });
    expect(resolve("me/calendars/C1/events/delta()")).toEqual({ kind: "eventsDelta", subject: me, scope: { calendar: { calendarId: "C1" } } });
    expect(resolve("users/u1/calendarGroups/G1/calendars/C1/events/delta")).toEqual({
      kind: "eventsDelta", subject: { user: "u1" }, scope: { calendar: { calendarId: "C1" }, group: { groupId: "G1" } },
    });
    // Only directly after `events`: an event's id segment or instances is not a delta.
    expect(resolve("me/events/E1/instances")).toMatchObject({ kind: "instances", eventId: "E1" });
    expect(unknownSegment("me/events/delta/x")).toBe("x");
    expect(ALLOWED_METHODS.eventsDelta).toEqual(["GET"]);
  });
});

