// Case 10 (issue 11 "Performance"): the price of test isolation. Measured in this process on the
// built server over an in-memory SQLite store, through the HTTP app (Fastify inject, no sockets):
//  - a server started with that fixture (`--fixtures FILE`): `POST /_graphcal/reset` back to it,
//    what a suite does before each test (median of 20; target ≤ 20 ms, so 1,000 tests spend
//    ≤ 20 s on isolation);
//  - `POST /_graphcal/reset` + `POST /_graphcal/fixtures` of a 50-calendar, 500-event fixture
//    (median of 20; the cold seed of a fixture the server was not started with);
//  - createServer → listening → first answered request over TCP (target ≤ 300 ms).
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createServer, ManualClock, parseConfig } from "../dist/server/index.js";
import { median, out, quietWait, verdicts } from "./harness.js";
import { table } from "./report.js";

const RUNS = 20;
const WARMUP_RUNS = 3;
const CALENDARS = 50;
const EVENTS = 500;

/** One user, 50 calendars of 10 events each; every tenth event a weekly series with an exception and a cancellation. */
export function controlsFixture(): unknown {
  const time = (day: number, hour: number) => ({ dateTime: `2027-01-${String(day).padStart(2, "0")}T${String(hour).padStart(2, "0")}:00:00`, timeZone: "Pacific Standard Time" });
  const calendars = Array.from({ length: CALENDARS }, (_, c) => ({
    name: c === 0 ? "Calendar" : `Calendar ${c}`,
    color: "lightBlue",
    events: Array.from({ length: EVENTS / CALENDARS }, (_, e) => {
      const day = 4 + ((c + e) % 20);
      const event = {
        subject: `Event ${c}.${e}`, body: { contentType: "text", content: "Agenda: one, two, three." },
        start: time(day, 9 + (e % 8)), end: time(day, 10 + (e % 8)), location: { displayName: `Room ${e}` },
        attendees: [{ type: "required", emailAddress: { address: "someone@contoso.com", name: "Someone" } }],
      };
      if (e !== 0) return event;
      return {
        ...event,
        recurrence: { pattern: { type: "weekly", interval: 1, daysOfWeek: ["monday"] }, range: { type: "numbered", startDate: "2027-01-04", numberOfOccurrences: 10 } },
        start: time(4, 9), end: time(4, 10),
        exceptions: [{ originalStart: "2027-01-11", subject: "Moved", start: time(11, 15), end: time(11, 16) }],
        cancelledOccurrences: ["2027-01-18"],
      };
    }),
  }));
  return { users: [{ userPrincipalName: "bench@contoso.com", displayName: "Bench", calendars }] };
}

const config = (env: Record<string, string> = {}) =>
  parseConfig({ LOG_LEVEL: "silent", SEED_DEMO: "false", DEV_OPEN_ADMIN: "true", PORT: "0", ...env }, { memory: true });

/** `POST /_graphcal/reset` of a server started with the fixture: the first seeds it again, the others restore the kept rows. */
async function resetsToStartupFixture(payload: string): Promise<number[]> {
  const folder = mkdtempSync(join(tmpdir(), "graphcal-bench-fixture-"));
  const file = join(folder, "fixture.json");
  writeFileSync(file, payload);
  const server = await createServer(config({ FIXTURES_FILE: file }), { clock: new ManualClock(Date.UTC(2027, 0, 1)) });
  const times: number[] = [];
  try {
    for (let i = 0; i < WARMUP_RUNS + RUNS; i++) {
      const t0 = performance.now();
      const res = await server.app.inject({ method: "POST", url: "/_graphcal/reset" });
      if (res.statusCode !== 200) throw new Error(`reset: ${res.statusCode} ${res.body.slice(0, 300)}`);
      if (i >= WARMUP_RUNS) times.push(performance.now() - t0);
    }
  } finally {
    await server.close();
    rmSync(folder, { recursive: true, force: true });
  }
  return times;
}

export async function caseControls(): Promise<void> {
  out(`\n## Case 10 — test isolation: reset + seed of a ${CALENDARS}-calendar, ${EVENTS}-event fixture; server start to first answer`);
  const fixture = controlsFixture();
  const payload = JSON.stringify(fixture);
  const server = await createServer(config(), { clock: new ManualClock(Date.UTC(2027, 0, 1)) });
  const inject = async (url: string, body?: string) => {
    const res = await server.app.inject({ method: "POST", url, ...(body !== undefined && { payload: body, headers: { "content-type": "application/json" } }) });
    if (res.statusCode !== 200) throw new Error(`${url}: ${res.statusCode} ${res.body.slice(0, 300)}`);
  };
  await quietWait();
  const resets: number[] = [];
  const seeds: number[] = [];
  const both: number[] = [];
  for (let i = 0; i < WARMUP_RUNS + RUNS; i++) {
    const t0 = performance.now();
    await inject("/_graphcal/reset");
    const t1 = performance.now();
    await inject("/_graphcal/fixtures", payload);
    const t2 = performance.now();
    if (i < WARMUP_RUNS) continue;
    resets.push(t1 - t0);
    seeds.push(t2 - t1);
    both.push(t2 - t0);
  }
  await server.close();
  const restores = await resetsToStartupFixture(payload);
  const ms = (v: number) => `${v.toFixed(1)} ms`;
  out(`in process, Fastify inject, in-memory SQLite, no demo seed; ${WARMUP_RUNS} warm-up runs then ${RUNS} measured; each run: `
    + `POST /_graphcal/reset (whole store) then POST /_graphcal/fixtures (one user, ${CALENDARS} calendars, ${EVENTS} events of which `
    + `${CALENDARS} weekly series with an exception and a cancellation; ${(payload.length / 1024).toFixed(0)} KB of JSON)`);

  // Start-up: a new server each time (the modules are loaded by then, as in a test suite's second test file).
  const starts: number[] = [];
  for (let i = 0; i < 5; i++) {
    const t0 = performance.now();
    const s = await createServer(config());
    const { http } = await s.listen();
    const res = await fetch(`${http}/_graphcal/clock`);
    if (res.status !== 200) throw new Error(`first request: ${res.status}`);
    await res.text();
    starts.push(performance.now() - t0);
    await s.close();
  }
  out(table(["measure", "median", "min", "max"], [
    ["reset (whole store)", ms(median(resets)), ms(Math.min(...resets)), ms(Math.max(...resets))],
    ["seed (POST /_graphcal/fixtures)", ms(median(seeds)), ms(Math.min(...seeds)), ms(Math.max(...seeds))],
    ["reset + seed", ms(median(both)), ms(Math.min(...both)), ms(Math.max(...both))],
    ["reset to the startup fixture (--fixtures; kept rows restored)", ms(median(restores)), ms(Math.min(...restores)), ms(Math.max(...restores))],
    ["createServer → listen → first answer (TCP)", ms(median(starts)), ms(Math.min(...starts)), ms(Math.max(...starts))],
  ]));
  verdicts.push({
    target: `10. reset back to a startup fixture of ${CALENDARS} calendars / ${EVENTS} events (in-memory SQLite) <= 20 ms`,
    measured: ms(median(restores)), pass: median(restores) <= 20,
  });
  verdicts.push({ target: `10. reset + POST /_graphcal/fixtures (cold seed) of the same fixture (no target)`, measured: ms(median(both)), pass: undefined });
  verdicts.push({ target: "10. createServer → first answered request <= 300 ms", measured: ms(median(starts)), pass: median(starts) <= 300 });
}
