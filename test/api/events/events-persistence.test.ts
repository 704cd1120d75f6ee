import { rmSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { startTestServer, tempDataDir, type TestServer } from "../../support/harness.js";
import { ENGINES, createPgDatabase, type Engine } from "../../support/engines.js";
import { ManualClock } from "../../../src/server/index.js";

// A restart over the same data (a SQLite data folder, or the same PostgreSQL database) answers
// every event read exactly as before: same ids, same changeKeys, same occurrences.

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const DEC1 = Date.UTC(2026, 11, 1, 9, 0, 0);

function at(ms: number, timeZone = "UTC"): { dateTime: string; timeZone: string } {
  return { dateTime: new Date(ms).toISOString().slice(0, 19), timeZone };
}

/** Where the engine keeps its data, reopened by each start; dispose removes it. */
async function dataFor(engine: Engine): Promise<{ dataDir: string; env: Record<string, string>; dispose: () => Promise<void> }> {
  const dataDir = tempDataDir();
  if (engine === "sqlite") {
    // DATABASE_URL "" keeps SQLite even when the suite runs with GRAPHCAL_TEST_ENGINE=postgres.
    return { dataDir, env: { DATABASE_URL: "" }, dispose: async () => rmSync(dataDir, { recursive: true, force: true }) };
  }
  const db = await createPgDatabase();
  return { dataDir, env: { DATABASE_URL: db.url }, dispose: async () => { rmSync(dataDir, { recursive: true, force: true }); await db.drop(); } };
}

/** Every read the test compares, by label. */
async function snapshot(t: TestServer, token: string, ids: { singles: string[]; master: string; calendar: string }): Promise<Record<string, unknown>> {
  const reads: Record<string, string> = {
    list: "/v1.0/me/events?$top=50",
    listBeta: "/beta/me/events?$orderby=subject desc&$count=true",
    filtered: "/v1.0/me/events?$filter=startswith(subject,'Single')",
    calendarEvents: `/v1.0/me/calendars/${ids.calendar}/events`,
    instances: `/v1.0/me/events/${ids.master}/instances?startDateTime=2026-11-30T00:00:00Z&endDateTime=2026-12-31T00:00:00Z`,
    view: "/v1.0/me/calendarView?startDateTime=2026-11-30T00:00:00Z&endDateTime=2026-12-31T00:00:00Z&$top=50",
    viewPage: "/v1.0/me/calendarView?startDateTime=2026-11-30T00:00:00Z&endDateTime=2026-12-31T00:00:00Z&$top=3",
    viewZoned: "/beta/me/calendars/" + ids.calendar + "/calendarView?startDateTime=2026-12-02T00:00:00Z&endDateTime=2026-12-04T00:00:00Z",
    master: `/v1.0/me/events/${ids.master}`,
  };
  ids.singles.forEach((id, i) => { reads[`single${i}`] = `/v1.0/me/events/${id}`; });
  const out: Record<string, unknown> = {};
  for (const [label, url] of Object.entries(reads)) {
    const res = await t.request("GET", url, { token, headers: { prefer: 'outlook.timezone="Pacific Standard Time"' } });
    expect(res.status, label).toBe(200);
    out[label] = res.body;
  }
  return out;
}

describe.each(ENGINES)("events persistence (%s)", (engine) => {
  it("restart: events, instances and calendarView answer identically (ids, changeKeys, occurrences)", async () => {
    const data = await dataFor(engine);
    const clock = new ManualClock(Date.UTC(2026, 10, 25, 12, 0, 0));
    try {
      const first = await startTestServer({ dataDir: data.dataDir, clock, env: data.env });
      const mailbox = await first.newMailbox("Persistent Events");
      const token = await first.userToken(mailbox);
      let ids: { singles: string[]; master: string; calendar: string };
      let before: Record<string, unknown>;
      try {
        const post = async (body: unknown, path = "/v1.0/me/events") => {
          const res = await first.request("POST", path, { token, body });
          expect(res.status).toBe(201);
          return res.body;
        };
        const calendar = (await first.request("POST", "/v1.0/me/calendars", { token, body: { name: "Second" } })).body;
        const s1 = await post({ subject: "Single one", start: at(DEC1 + 3 * HOUR), end: at(DEC1 + 4 * HOUR), categories: ["Red"], body: { contentType: "html", content: "<p>Hello</p>" } });
        const s2 = await post({ subject: "Single two", start: at(DEC1 + 30 * HOUR, "Pacific Standard Time"), end: at(DEC1 + 31 * HOUR, "Pacific Standard Time"), transactionId: "persist-tx" });
        const s3 = await post({ subject: "Elsewhere", start: at(DEC1 + 2 * DAY), end: at(DEC1 + 2 * DAY + HOUR) }, `/v1.0/me/calendars/${calendar.id}/events`);
        const master = await post({
          subject: "Daily", start: at(DEC1), end: at(DEC1 + HOUR),
          recurrence: { pattern: { type: "daily", interval: 1 }, range: { type: "numbered", startDate: "2026-12-01", numberOfOccurrences: 5 } },
        });
        const occ = (await first.request("GET", `/v1.0/me/events/${master.id}/instances?startDateTime=2026-11-30T00:00:00Z&endDateTime=2026-12-31T00:00:00Z`, { token })).body.value;
        expect((await first.request("PATCH", `/v1.0/me/events/${occ[1].id}`, { token, body: { subject: "Moved", start: at(DEC1 + DAY + 2 * HOUR), end: at(DEC1 + DAY + 3 * HOUR) } })).status).toBe(200);
        expect((await first.request("DELETE", `/v1.0/me/events/${occ[3].id}`, { token })).status).toBe(204);
        const s2Edited = (await first.request("PATCH", `/v1.0/me/events/${s2.id}`, { token, body: { importance: "high" } })).body;
        expect(s2Edited.changeKey).not.toBe(s2.changeKey);
        ids = { singles: [s1.id, s2.id, s3.id], master: master.id, calendar: calendar.id };
        before = await snapshot(first, token, ids);
        // The snapshot holds what was written: 4 occurrences (one cancelled), one of them the exception.
        const instances = (before.instances as { value: { id: string; type: string }[] }).value;
        expect(instances.map((i) => i.type)).toEqual(["occurrence", "exception", "occurrence", "occurrence"]);
        expect(instances.map((i) => i.id)).not.toContain(occ[3].id);
      } finally {
        await first.close();
      }

      clock.advance(10 * 60_000);
      const second = await startTestServer({ dataDir: data.dataDir, clock, env: data.env });
      try {
        expect(await snapshot(second, token, ids)).toEqual(before);
        // The transactionId index survived too: a retried POST returns the stored event.
        const replay = await second.request("POST", "/v1.0/me/events", { token, body: { subject: "Single two", transactionId: "persist-tx" } });
        expect(replay.status).toBe(201);
        expect(replay.body.id).toBe(ids.singles[1]);
        // Writes continue with fresh changeKeys.
        const keys = new Set(JSON.stringify(before).match(/"changeKey":"[^"]+"/g));
        const edited = await second.request("PATCH", `/v1.0/me/events/${ids.master}`, { token, body: { subject: "Daily 2" } });
        expect(edited.status).toBe(200);
        expect(keys.has(`"changeKey":"${edited.body.changeKey}"`)).toBe(false);
      } finally {
        await second.close();
      }
    } finally {
      await data.dispose();
    }
  });
});
