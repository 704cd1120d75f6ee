import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DeltaSync, MemoryLocalStore } from "../../src/client/index.js";
import { DEMO_USERS } from "../../src/server/index.js";
import { startGraphcal, type Graphcal } from "../../src/testing/index.js";
import type { TestResponse } from "../support/harness.js";
import { expectInStep, FROM, TO, type EventsMailbox } from "./events-sync-support.js";

// Random walks of writes around the window (singles and series moved in and out, exceptions,
// cancellations, pattern edits, deletes), a round after each burst, small random page sizes:
// after every round the local calendar view equals calendarView. Seeded, so a failure replays.
// The server is graphcal/testing's (in-memory SQLite, a real socket); each seed walks a demo user
// of its own, reset first, so seeds cannot collide.

let gc: Graphcal;
let appToken: string;

beforeAll(async () => {
  gc = await startGraphcal();
  appToken = await gc.token({ app: true });
});
afterAll(async () => {
  await gc?.close();
});

/** Graph requests over the socket, in the shape the shared events helpers read. */
const t = {
  async request(method: string, url: string, options: { token?: string; body?: unknown } = {}): Promise<TestResponse> {
    const res = await fetch(`${gc.origin}${url}`, {
      method,
      headers: { ...(options.token && { authorization: `Bearer ${options.token}` }), ...(options.body !== undefined && { "content-type": "application/json" }) },
      ...(options.body !== undefined && { body: JSON.stringify(options.body) }),
    });
    const text = await res.text();
    return { status: res.status, headers: Object.fromEntries(res.headers), body: text ? JSON.parse(text) : undefined, text };
  },
};

function rng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let x = Math.imul(a ^ (a >>> 15), 1 | a);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
  return { next, int: (n: number) => Math.floor(next() * n), pick: <T>(xs: T[]): T => xs[Math.floor(next() * xs.length)]! };
}

/** A day from 02-20 to 04-10, around the March window. */
function day(r: ReturnType<typeof rng>): string {
  const d = new Date(Date.UTC(2026, 1, 20) + r.int(50) * 86_400_000);
  return d.toISOString().slice(0, 10);
}
const slot = (d: string, h: number) => ({
  start: { dateTime: `${d}T${String(h).padStart(2, "0")}:00:00`, timeZone: "UTC" },
  end: { dateTime: `${d}T${String(h + 1).padStart(2, "0")}:30:00`, timeZone: "UTC" },
});

async function randomBurst(m: EventsMailbox, r: ReturnType<typeof rng>, singles: string[], masters: string[], tag: string) {
  const req = (method: string, path: string, body?: unknown) => t.request(method, `/v1.0/me${path}`, { token: m.token, ...(body !== undefined && { body }) });
  for (let i = 0; i < 8; i++) {
    const op = r.int(9);
    if (op === 0 || singles.length === 0) {
      const res = await req("POST", "/events", { subject: `s ${tag}.${i}`, ...slot(day(r), 8 + r.int(8)) });
      expect(res.status, res.text).toBe(201);
      singles.push(res.body.id);
    } else if (op === 1) {
      expect((await req("PATCH", `/events/${r.pick(singles)}`, slot(day(r), 8 + r.int(8)))).status).toBe(200);
    } else if (op === 2) {
      expect((await req("PATCH", `/events/${r.pick(singles)}`, { subject: `edited ${tag}.${i}`, location: { displayName: `L${i}` } })).status).toBe(200);
    } else if (op === 3) {
      const id = singles.splice(r.int(singles.length), 1)[0]!;
      expect((await req("DELETE", `/events/${id}`)).status).toBe(204);
    } else if (op === 4 || masters.length === 0) {
      const start = day(r);
      const weekly = r.next() < 0.5;
      const res = await req("POST", "/events", {
        subject: `series ${tag}.${i}`, ...slot(start, 7 + r.int(3)),
        recurrence: {
          pattern: weekly ? { type: "weekly", interval: 1, daysOfWeek: [new Date(`${start}T00:00:00Z`).toLocaleDateString("en-US", { weekday: "long", timeZone: "UTC" }).toLowerCase()] } : { type: "daily", interval: 1 + r.int(2) },
          range: { type: "numbered", startDate: start, numberOfOccurrences: 2 + r.int(6) },
        },
      });
      expect(res.status, res.text).toBe(201);
      masters.push(res.body.id);
    } else if (op === 5) {
      expect((await req("PATCH", `/events/${r.pick(masters)}`, { subject: `master ${tag}.${i}` })).status).toBe(200);
    } else if (op === 6 || op === 7) {
      const master = r.pick(masters);
      const inst = await req("GET", `/events/${master}/instances?startDateTime=2026-01-01T00:00:00Z&endDateTime=2026-06-01T00:00:00Z`);
      expect(inst.status, inst.text).toBe(200);
      if (inst.body.value.length === 0) continue;
      const occurrence = r.pick(inst.body.value as Array<{ id: string; start: { dateTime: string } }>);
      if (op === 6) {
        const d = occurrence.start.dateTime.slice(0, 10);
        const res = await req("PATCH", `/events/${occurrence.id}`, { subject: `exception ${tag}.${i}`, ...slot(d, 12 + r.int(6)) });
        expect(res.status, res.text).toBe(200);
      } else {
        expect((await req("DELETE", `/events/${occurrence.id}`)).status).toBe(204);
      }
    } else {
      const id = masters.splice(r.int(masters.length), 1)[0]!;
      expect((await req("DELETE", `/events/${id}`)).status).toBe(204);
    }
  }
}

describe("events sync, random walks", () => {
  it.each([1, 2, 3, 4])("random: seed %i — every round ends equal to calendarView", async (seed) => {
    const r = rng(seed);
    const user = DEMO_USERS[seed - 1]!;
    await gc.reset({ mailbox: user.userPrincipalName });
    const mailbox = await gc.server.services.mailboxes.getUser(user.userPrincipalName);
    const m: EventsMailbox = { mailbox, token: await gc.token(user.userPrincipalName), ids: {} };
    const store = new MemoryLocalStore();
    const singles: string[] = [];
    const masters: string[] = [];
    await randomBurst(m, r, singles, masters, "0");
    const sync = new DeltaSync({
      baseUrl: gc.betaUrl, userId: mailbox.userPrincipalName, store, token: appToken, pageSize: 1 + r.int(4),
      resource: { kind: "calendarView", start: FROM, end: TO },
    });
    let seen = 0;
    for (let round = 1; round <= 5; round++) {
      await sync.runRound();
      seen += await expectInStep(t, m, store, 0).catch((error: unknown) => {
        throw new Error(`seed ${seed}, round ${round}: ${(error as Error).message}`);
      });
      await randomBurst(m, r, singles, masters, String(round));
    }
    expect(seen).toBeGreaterThan(5); // the walk kept events in the window
  });
});
