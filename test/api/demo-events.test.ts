import { afterAll, describe, expect, it } from "vitest";
import { rmSync } from "node:fs";
import { startTestServer, tempDataDir, useTestServer } from "../support/harness.js";
import { ManualClock } from "../../src/server/index.js";

// The demo tenant's week of events (issue 9 point 8): what `npm start` shows, read as a client
// would, through calendarView of the clock's current week.

// Wednesday 25 November 2026: the demo week runs from Monday the 23rd.
const NOW = Date.UTC(2026, 10, 25, 12, 0, 0);
const WEEK = "startDateTime=2026-11-23T00:00:00Z&endDateTime=2026-11-30T00:00:00Z&$top=50";

interface WireEvent {
  id: string; subject: string; type: string; isAllDay: boolean; seriesMasterId: string | null;
  start: { dateTime: string; timeZone: string }; end: { dateTime: string; timeZone: string };
  attendees: { emailAddress: { address: string }; type: string }[]; location: { displayName: string };
}

describe("demo tenant events", () => {
  const t = useTestServer({ clock: new ManualClock(NOW) });

  async function week(upn: string, zone: string): Promise<WireEvent[]> {
    const token = await t.userToken(upn);
    const res = await t.request("GET", `/v1.0/me/calendarView?${WEEK}`, { token, headers: { prefer: `outlook.timezone="${zone}"` } });
    expect(res.status).toBe(200);
    expect(res.body["@odata.nextLink"]).toBeUndefined();
    return res.body.value as WireEvent[];
  }

  it("Samantha's week (Pacific): the standup series with one exception and one cancelled day", async () => {
    const events = await week("samanthab@contoso.com", "Pacific Standard Time");
    const standups = events.filter((e) => e.seriesMasterId !== null);
    expect(standups.map((e) => [e.start.dateTime.slice(0, 16), e.type, e.subject])).toEqual([
      ["2026-11-23T09:30", "occurrence", "Daily standup"],
      ["2026-11-24T11:00", "exception", "Daily standup (after all-hands)"],
      ["2026-11-25T09:30", "occurrence", "Daily standup"],
      // Thursday the 26th was cancelled.
      ["2026-11-27T09:30", "occurrence", "Daily standup"],
    ]);
    expect(standups.every((e) => e.start.timeZone === "Pacific Standard Time")).toBe(true);
    expect(new Set(standups.map((e) => e.seriesMasterId)).size).toBe(1);
    expect(standups[0]!.end.dateTime.slice(11, 16)).toBe("09:45");
  });

  it("Samantha's week also has the all-day offsite, the planning meeting with attendees and two single meetings", async () => {
    const events = await week("samanthab@contoso.com", "Pacific Standard Time");
    const singles = events.filter((e) => e.type === "singleInstance");
    expect(singles.map((e) => e.subject)).toEqual([
      "Quarterly planning", "Team offsite", "1:1 with Adele", "Lunch & learn: Graph calendars",
    ]);
    const offsite = singles.find((e) => e.subject === "Team offsite")!;
    expect(offsite.isAllDay).toBe(true);
    expect(offsite.start.dateTime.slice(0, 19)).toBe("2026-11-25T00:00:00");
    expect(offsite.end.dateTime.slice(0, 19)).toBe("2026-11-26T00:00:00");

    const planning = singles.find((e) => e.subject === "Quarterly planning")!;
    expect(planning.start.dateTime.slice(0, 16)).toBe("2026-11-24T08:00");
    expect(planning.end.dateTime.slice(0, 16)).toBe("2026-11-24T09:00");
    expect(planning.location.displayName).toBe("Conference Room Rainier");
    expect(planning.attendees.map((a) => [a.emailAddress.address, a.type])).toEqual([
      ["adelev@contoso.com", "required"], ["meganb@contoso.com", "required"], ["alexw@contoso.com", "optional"],
    ]);
  });

  it("the planning meeting keeps its two zones: it starts in Pacific time and ends in Berlin time", async () => {
    const token = await t.userToken("samanthab@contoso.com");
    const list = await t.request("GET", "/v1.0/me/events?$filter=subject eq 'Quarterly planning'", { token });
    expect(list.status).toBe(200);
    expect(list.body.value).toHaveLength(1);
    const planning = list.body.value[0];
    expect(planning.originalStartTimeZone).toBe("Pacific Standard Time");
    expect(planning.originalEndTimeZone).toBe("W. Europe Standard Time");
    expect(planning.start).toEqual({ dateTime: "2026-11-24T16:00:00.0000000", timeZone: "UTC" });
    expect(planning.end).toEqual({ dateTime: "2026-11-24T17:00:00.0000000", timeZone: "UTC" });
  });

  it("Adele's standup is at 09:30 in her own zone (W. Europe), the same series shape", async () => {
    const events = await week("adelev@contoso.com", "W. Europe Standard Time");
    const standups = events.filter((e) => e.seriesMasterId !== null);
    expect(standups.map((e) => e.start.dateTime.slice(0, 16))).toEqual([
      "2026-11-23T09:30", "2026-11-24T11:00", "2026-11-25T09:30", "2026-11-27T09:30",
    ]);
    // Her planning meeting is 17:00 Berlin time; she invited the three others.
    const planning = events.find((e) => e.subject === "Quarterly planning")!;
    expect(planning.start.dateTime.slice(0, 16)).toBe("2026-11-24T17:00");
    expect(planning.attendees.map((a) => a.emailAddress.address)).toEqual(["samanthab@contoso.com", "meganb@contoso.com", "alexw@contoso.com"]);
  });

  it("the series master lists the cancelled Thursday and instances shows the exception under its occurrence id", async () => {
    const token = await t.userToken("samanthab@contoso.com");
    const masters = await t.request("GET", "/v1.0/me/events?$filter=type eq 'seriesMaster'", { token });
    expect(masters.status).toBe(200);
    expect(masters.body.value.map((e: WireEvent) => e.subject)).toEqual(["Daily standup"]);
    const master = masters.body.value[0];
    expect(master.recurrence.pattern).toMatchObject({ type: "weekly", daysOfWeek: ["monday", "tuesday", "wednesday", "thursday", "friday"] });
    expect(master.recurrence.range).toMatchObject({ type: "noEnd", startDate: "2026-11-23", recurrenceTimeZone: "Pacific Standard Time" });
    const instances = await t.request("GET", `/v1.0/me/events/${master.id}/instances?${WEEK}`, { token });
    expect(instances.status).toBe(200);
    expect(instances.body.value.map((e: WireEvent) => e.type)).toEqual(["occurrence", "exception", "occurrence", "occurrence"]);
  });
});

describe("demo events across restarts", () => {
  const dataDir = tempDataDir();
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it("a restart (even a week later) does not seed the week again", async () => {
    const clock = new ManualClock(NOW);
    const count = async (server: Awaited<ReturnType<typeof startTestServer>>) => {
      const res = await server.request("GET", "/v1.0/me/events?$count=true&$top=1", { token: await server.userToken("samanthab@contoso.com") });
      expect(res.status).toBe(200);
      return res.body["@odata.count"] as number;
    };
    const first = await startTestServer({ dataDir, clock });
    const before = await count(first);
    // The standup master, the all-day offsite, planning, the 1:1 and lunch (the exception is not listed).
    expect(before).toBe(5);
    await first.close();

    clock.advance(7 * 86400_000);
    const second = await startTestServer({ dataDir, clock });
    try {
      expect(await count(second)).toBe(before);
      // The series keeps running into the new week, without a new exception or cancellation.
      const res = await second.request("GET", "/v1.0/me/calendarView?startDateTime=2026-11-30T00:00:00Z&endDateTime=2026-12-07T00:00:00Z", {
        token: await second.userToken("samanthab@contoso.com"),
      });
      expect(res.body.value.map((e: WireEvent) => e.type)).toEqual(["occurrence", "occurrence", "occurrence", "occurrence", "occurrence"]);
    } finally {
      await second.close();
    }
  });
});
