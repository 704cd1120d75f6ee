import type { Kysely } from "kysely";
import { describe, expect, it } from "vitest";
import { useTestServer } from "../../support/harness.js";
import type { EventChange, Mailbox } from "../../../src/domain/index.js";
import { toEventChange, type StoreSchema } from "../../../src/store/index.js";

// Every event write appends its event_changes entries in the write's own transaction: the
// entries' seqs are exactly the seqs the write took, and the mailbox's committed seq is the last.
// The test reads the table with the server's own Kysely handle (the port has no reader for it).

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const DEC1 = Date.UTC(2026, 11, 1, 9, 0, 0);

function at(ms: number): { dateTime: string; timeZone: string } {
  return { dateTime: new Date(ms).toISOString().slice(0, 19), timeZone: "UTC" };
}

function daily(count: number, interval = 1) {
  return { pattern: { type: "daily", interval }, range: { type: "numbered", startDate: "2026-12-01", numberOfOccurrences: count } };
}

describe("events: change log entries per write", () => {
  const t = useTestServer();

  const db = (): Kysely<StoreSchema> => (t.server.store as unknown as { db: Kysely<StoreSchema> }).db;

  async function fresh(): Promise<{ mailbox: Mailbox; token: string }> {
    const mailbox = await t.newMailbox();
    return { mailbox, token: await t.userToken(mailbox) };
  }

  async function seqOf(mailbox: Mailbox): Promise<number> {
    return (await t.server.store.getSyncState({ mailboxId: mailbox.id }))!.changeSeq;
  }

  /** Runs a write and returns the entries it appended; they must end at the committed seq. */
  async function entriesOf(mailbox: Mailbox, write: () => Promise<{ status: number }>, status: number): Promise<EventChange[]> {
    const before = await seqOf(mailbox);
    const res = await write();
    expect(res.status).toBe(status);
    const rows = await db().selectFrom("event_changes").selectAll()
      .where("mailbox_id", "=", mailbox.id).where("seq", ">", before).orderBy("seq").execute();
    const entries = rows.map(toEventChange);
    if (entries.length > 0) expect(entries[entries.length - 1]!.seq).toBe(await seqOf(mailbox));
    for (const e of entries) expect(e.changedAt.getTime()).toBe(t.clock.now().getTime());
    return entries;
  }

  async function createSeries(token: string, count = 5, interval = 1): Promise<any> {
    const res = await t.request("POST", "/v1.0/me/events", {
      token, body: { subject: "Series", start: at(DEC1), end: at(DEC1 + HOUR), recurrence: daily(count, interval) },
    });
    expect(res.status).toBe(201);
    return res.body;
  }

  async function occurrences(token: string, masterId: string): Promise<any[]> {
    const res = await t.request("GET", `/v1.0/me/events/${masterId}/instances?startDateTime=2026-11-30T00:00:00Z&endDateTime=2026-12-31T00:00:00Z`, { token });
    expect(res.status).toBe(200);
    return res.body.value;
  }

  it("create: one entry, before null, after the stored event, span of the event", async () => {
    const { mailbox, token } = await fresh();
    let created: any;
    const entries = await entriesOf(mailbox, async () => {
      const res = await t.request("POST", "/v1.0/me/events", { token, body: { subject: "One", start: at(DEC1), end: at(DEC1 + HOUR) } });
      created = res.body;
      return res;
    }, 201);
    expect(entries).toHaveLength(1);
    const [e] = entries as [EventChange];
    expect(e).toMatchObject({ eventId: created.id, seriesMasterId: null, removed: false, before: null, spanBefore: null, spanAfter: { startMs: DEC1, endMs: DEC1 + HOUR } });
    expect(e.createdSeq).toBe(e.seq);
    expect(e.after).toMatchObject({ id: created.id, subject: "One", changeKey: created.changeKey });
    // A transactionId replay writes nothing.
    const first = await entriesOf(mailbox, () => t.request("POST", "/v1.0/me/events", { token, body: { subject: "R", transactionId: "tx-log" } }), 201);
    expect(first).toHaveLength(1);
    expect(await entriesOf(mailbox, () => t.request("POST", "/v1.0/me/events", { token, body: { subject: "R", transactionId: "tx-log" } }), 201)).toEqual([]);
  });

  it("update: before and after snapshots with both spans", async () => {
    const { mailbox, token } = await fresh();
    const created = (await t.request("POST", "/v1.0/me/events", { token, body: { subject: "Old", start: at(DEC1), end: at(DEC1 + HOUR) } })).body;
    t.clock.advance(60_000);
    const entries = await entriesOf(mailbox, () => t.request("PATCH", `/v1.0/me/events/${created.id}`, {
      token, body: { subject: "New", start: at(DEC1 + 2 * HOUR), end: at(DEC1 + 4 * HOUR) },
    }), 200);
    expect(entries).toHaveLength(1);
    const [e] = entries as [EventChange];
    expect(e).toMatchObject({ eventId: created.id, removed: false, spanBefore: { startMs: DEC1, endMs: DEC1 + HOUR }, spanAfter: { startMs: DEC1 + 2 * HOUR, endMs: DEC1 + 4 * HOUR } });
    expect(e.before).toMatchObject({ subject: "Old", changeKey: created.changeKey });
    expect(e.after?.subject).toBe("New");
    expect(e.createdSeq).toBeLessThan(e.seq);
  });

  it("occurrence → exception: one entry for the occurrence id, with seriesMasterId", async () => {
    const { mailbox, token } = await fresh();
    const master = await createSeries(token);
    const third = (await occurrences(token, master.id))[2];
    const entries = await entriesOf(mailbox, () => t.request("PATCH", `/v1.0/me/events/${third.id}`, {
      token, body: { subject: "Moved", start: at(DEC1 + 2 * DAY + HOUR), end: at(DEC1 + 2 * DAY + 2 * HOUR) },
    }), 200);
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({
      eventId: third.id, seriesMasterId: master.id, removed: false, before: null,
      spanBefore: { startMs: DEC1 + 2 * DAY, endMs: DEC1 + 2 * DAY + HOUR }, spanAfter: { startMs: DEC1 + 2 * DAY + HOUR, endMs: DEC1 + 2 * DAY + 2 * HOUR },
    });
    expect(entries[0]!.after).toMatchObject({ id: third.id, type: "exception", subject: "Moved", originalStart: DEC1 + 2 * DAY });
    // Editing the exception again: before is now the stored exception.
    const again = await entriesOf(mailbox, () => t.request("PATCH", `/v1.0/me/events/${third.id}`, { token, body: { subject: "Again" } }), 200);
    expect(again).toHaveLength(1);
    expect(again[0]!.before?.subject).toBe("Moved");
    expect(again[0]!.after?.subject).toBe("Again");
  });

  it("cancel an occurrence: the master's entry, then a removal for the occurrence id", async () => {
    const { mailbox, token } = await fresh();
    const master = await createSeries(token);
    const second = (await occurrences(token, master.id))[1];
    const entries = await entriesOf(mailbox, () => t.request("DELETE", `/v1.0/me/events/${second.id}`, { token }), 204);
    expect(entries.map((e) => [e.eventId, e.removed])).toEqual([[master.id, false], [second.id, true]]);
    expect(entries[0]!.before?.cancelledOccurrences).toEqual([]);
    expect(entries[0]!.after?.cancelledOccurrences).toEqual([DEC1 + DAY]);
    expect(entries[1]).toMatchObject({ seriesMasterId: master.id, before: null, after: null, spanAfter: null, spanBefore: { startMs: DEC1 + DAY, endMs: DEC1 + DAY + HOUR } });
    // Cancelling an exception: the removal carries the stored exception.
    const fourth = (await occurrences(token, master.id))[2];
    await t.request("PATCH", `/v1.0/me/events/${fourth.id}`, { token, body: { subject: "Exc" } });
    const cancelled = await entriesOf(mailbox, () => t.request("DELETE", `/v1.0/me/events/${fourth.id}`, { token }), 204);
    expect(cancelled.map((e) => [e.eventId, e.removed])).toEqual([[master.id, false], [fourth.id, true]]);
    expect(cancelled[1]!.before).toMatchObject({ id: fourth.id, type: "exception", subject: "Exc" });
  });

  it("delete a master with exceptions: one removal per stored row", async () => {
    const { mailbox, token } = await fresh();
    const master = await createSeries(token);
    const [o1, , o3] = await occurrences(token, master.id);
    for (const o of [o1, o3]) expect((await t.request("PATCH", `/v1.0/me/events/${o.id}`, { token, body: { subject: `E ${o.id}` } })).status).toBe(200);
    const entries = await entriesOf(mailbox, () => t.request("DELETE", `/v1.0/me/events/${master.id}`, { token }), 204);
    expect(entries.every((e) => e.removed && e.after === null && e.spanAfter === null)).toBe(true);
    expect(entries.map((e) => e.eventId).sort()).toEqual([master.id, o1.id, o3.id].sort());
    expect(entries.find((e) => e.eventId === master.id)!.before?.type).toBe("seriesMaster");
  });

  it("delete a calendar: one removal per event it holds", async () => {
    const { mailbox, token } = await fresh();
    const cal = (await t.request("POST", "/v1.0/me/calendars", { token, body: { name: "Doomed" } })).body;
    const single = (await t.request("POST", `/v1.0/me/calendars/${cal.id}/events`, { token, body: { subject: "S", start: at(DEC1), end: at(DEC1 + HOUR) } })).body;
    const series = (await t.request("POST", `/v1.0/me/calendars/${cal.id}/events`, { token, body: { subject: "M", start: at(DEC1), end: at(DEC1 + HOUR), recurrence: daily(3) } })).body;
    const occ = (await occurrences(token, series.id))[1];
    expect((await t.request("PATCH", `/v1.0/me/events/${occ.id}`, { token, body: { subject: "X" } })).status).toBe(200);
    // An event of another calendar is untouched.
    await t.request("POST", "/v1.0/me/events", { token, body: { subject: "Kept" } });
    const entries = await entriesOf(mailbox, () => t.request("DELETE", `/v1.0/me/calendars/${cal.id}`, { token }), 204);
    expect(entries.map((e) => e.eventId).sort()).toEqual([single.id, series.id, occ.id].sort());
    expect(entries.every((e) => e.removed && e.calendarId === cal.id)).toBe(true);
  });

  it("a master's pattern change that drops an exception logs its removal", async () => {
    const { mailbox, token } = await fresh();
    const master = await createSeries(token, 6);
    const [, o2, o3] = await occurrences(token, master.id);
    for (const o of [o2, o3]) expect((await t.request("PATCH", `/v1.0/me/events/${o.id}`, { token, body: { subject: "E" } })).status).toBe(200);
    // Every other day from Dec 1: Dec 3 (o3) is still an occurrence, Dec 2 (o2) is not.
    const entries = await entriesOf(mailbox, () => t.request("PATCH", `/v1.0/me/events/${master.id}`, { token, body: { recurrence: daily(3, 2) } }), 200);
    expect(entries.map((e) => [e.eventId, e.removed])).toEqual([[master.id, false], [o2.id, true]]);
    expect(entries[1]!.before).toMatchObject({ id: o2.id, type: "exception" });
    expect(entries[0]!.after?.recurrence?.pattern.interval).toBe(2);
  });

  it("a refused write appends nothing (412 If-Match, 400 crossing a neighbour, 403 Birthdays)", async () => {
    const { mailbox, token } = await fresh();
    const master = await createSeries(token);
    const occ = await occurrences(token, master.id);
    expect(await entriesOf(mailbox, () => t.request("PATCH", `/v1.0/me/events/${master.id}`, {
      token, body: { subject: "x" }, headers: { "if-match": 'W/"stale"' },
    }), 412)).toEqual([]);
    // The second occurrence may not start before the first one ends.
    expect(await entriesOf(mailbox, () => t.request("PATCH", `/v1.0/me/events/${occ[1].id}`, {
      token, body: { start: at(DEC1 + HOUR / 2), end: at(DEC1 + 2 * HOUR) },
    }), 400)).toEqual([]);
    const birthdays = (await t.request("GET", "/v1.0/me/calendars", { token })).body.value.find((c: { name: string }) => c.name === "Birthdays");
    expect(await entriesOf(mailbox, () => t.request("POST", `/v1.0/me/calendars/${birthdays.id}/events`, { token, body: { subject: "No" } }), 403)).toEqual([]);
  });
});
