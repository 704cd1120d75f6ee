import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Mailbox } from "../../src/domain/index.js";
import { startTestServer, type TestServer } from "../support/harness.js";
import { CalendarWrites, DeltaClient, expectSameState, fetchTransport, listCalendars, type Json } from "./delta-support.js";

// calendars/delta over a real socket while several writers change the mailbox at the same
// time: rounds never serve an id twice, and once the writers stop, finishing the round in
// flight plus one final round brings every client to GET /calendars (spec §7.8).

/** A small deterministic PRNG so a failure can be replayed. */
function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let x = Math.imul(s ^ (s >>> 15), 1 | s);
    x ^= x + Math.imul(x ^ (x >>> 7), 61 | x);
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

describe("calendars/delta under concurrent writers (real socket)", () => {
  let t: TestServer;
  let origin: string;
  beforeAll(async () => {
    t = await startTestServer();
    origin = (await t.server.listen()).http;
  });
  afterAll(async () => t.close());

  /** One writer: its own calendars, created, renamed, recoloured and deleted at random. */
  async function writer(w: CalendarWrites, id: number, ops: number, random: () => number, created: Set<string>): Promise<number> {
    const mine: string[] = [];
    let n = 0;
    for (let i = 0; i < ops; i++) {
      const r = random();
      if (mine.length === 0 || r < 0.4) {
        const c = await w.create(`W${id} ${n++}`);
        mine.push(c.id);
        created.add(c.id);
      } else if (r < 0.8) {
        const target = mine[Math.floor(random() * mine.length)]!;
        await w.update(target, random() < 0.5 ? { name: `W${id} ${n++}` } : { color: random() < 0.5 ? "lightRed" : "lightBlue" });
      } else {
        const [target] = mine.splice(Math.floor(random() * mine.length), 1);
        await w.remove(target!);
      }
    }
    return ops;
  }

  /** Syncs until told to stop; checks every completed round on the way. */
  async function syncer(client: DeltaClient, random: () => number, held: Set<string>, stop: () => boolean): Promise<number> {
    let rounds = 0;
    while (!stop()) {
      const sizes = [1, 2, 5, undefined];
      await client.round({ pageSize: () => sizes[Math.floor(random() * sizes.length)] });
      rounds++;
      // Checked once the writers stopped: a calendar can be served after its commit but before
      // its writer has read the 201, so "known" is only complete at the end.
      for (const id of client.state.keys()) held.add(id);
      expect([...client.state.values()].filter((c) => c.isDefaultCalendar)).toHaveLength(1);
    }
    return rounds;
  }

  async function scenario(options: { writers: number; opsPerWriter: number; seed: number }) {
    const mailbox: Mailbox = await t.newMailbox("Concurrent");
    const userToken = await t.userToken(mailbox, ["Calendars.ReadWrite"]);
    const appToken = await t.appToken(["Calendars.Read"]);
    const user = fetchTransport(origin, userToken);
    const app = fetchTransport(origin, appToken);
    const base = "/beta/me";
    const initial = await listCalendars(user, base);
    const created = new Set<string>(initial.keys());

    const clients = [
      new DeltaClient(user, `${origin}/beta/me/calendars/delta`),
      new DeltaClient(app, `${origin}/beta/users/${mailbox.id}/calendars/delta`),
      new DeltaClient(user, `${origin}/beta/users/${encodeURIComponent(mailbox.userPrincipalName)}/calendars/delta`),
    ];
    let writing = true;
    const random = prng(options.seed);
    const writers = Array.from({ length: options.writers }, (_, i) =>
      writer(new CalendarWrites(user, base), i, options.opsPerWriter, prng(options.seed * 31 + i), created));
    const held = new Set<string>();
    const syncers = clients.map((c) => syncer(c, random, held, () => !writing));
    const done = await Promise.all(writers);
    writing = false;
    const rounds = await Promise.all(syncers);
    // Whatever the watermark, clients only ever held calendars that really existed.
    for (const id of held) expect(created.has(id), `unknown id ${id}`).toBe(true);
    expect(done.reduce((a, b) => a + b, 0)).toBe(options.writers * options.opsPerWriter);

    // One final round after the writers stopped.
    const now = await listCalendars(user, base);
    for (const [i, client] of clients.entries()) {
      const final = await client.round({ pageSize: 3 });
      expect(final.pages.length).toBeGreaterThan(0);
      expectSameState(client.state, now, `client ${i} after the final round`);
    }
    return { rounds, now };
  }

  it("delta: 4 writers and 3 syncing clients at once; a final round equals GET /calendars", async () => {
    const { rounds, now } = await scenario({ writers: 4, opsPerWriter: 60, seed: 1 });
    expect(rounds.every((n) => n >= 1)).toBe(true);
    expect(now.size).toBeGreaterThan(2);
  });

  it("delta: 8 writers with a different seed", async () => {
    await scenario({ writers: 8, opsPerWriter: 30, seed: 7 });
  });

  it("delta: writers on other mailboxes do not disturb a mailbox's rounds", async () => {
    const quiet = await t.newMailbox("Quiet");
    const token = await t.userToken(quiet, ["Calendars.ReadWrite"]);
    const transport = fetchTransport(origin, token);
    const client = new DeltaClient(transport, `${origin}/beta/me/calendars/delta`);
    await client.round();
    const busy = scenario({ writers: 4, opsPerWriter: 25, seed: 3 });
    const empties: Json[][] = [];
    for (let i = 0; i < 20; i++) empties.push((await client.round({ pageSize: 1 })).items);
    await busy;
    expect(empties.every((items) => items.length === 0)).toBe(true);
    expectSameState(client.state, await listCalendars(transport, "/beta/me"));
  });
});
