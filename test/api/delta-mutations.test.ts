import { describe, expect, it } from "vitest";
import { useTestServer } from "../support/harness.js";
import { expectSameState, mailboxFixture, type Json } from "./delta-support.js";

// Writes between pages and between rounds of calendars/delta (spec §7.1, §7.3, §7.8, decisions
// 13, 26, 27). The round model: a round has a frozen upper bound `upTo` taken at its first page;
// it serves, per calendar changed in (watermark, upTo], the latest state at upTo or @removed if
// it existed at the watermark. Later changes belong to the next round.

describe("calendars/delta with mutations (HTTP)", () => {
  const t = useTestServer();

  const label = (i: Json) => ("@removed" in i ? `-${i.id as string}` : (i.name as string));

  it("delta: creates, updates and deletes between rounds come in the next round, and only those", async () => {
    const f = await mailboxFixture(t);
    const a = await f.writes.create("A");
    const b = await f.writes.create("B");
    const c = await f.writes.create("C");
    const client = f.client();
    await client.round();

    const d = await f.writes.create("D");
    await f.writes.update(a.id, { name: "A2", color: "lightRed" });
    await f.writes.remove(b.id);
    const r = await client.round();
    expect(r.items.map(label)).toEqual(["D", "A2", `-${b.id}`]);
    expect(r.items[1]).toMatchObject({ id: a.id, name: "A2", color: "lightRed" });
    expect(r.ids).not.toContain(c.id);
    expect(r.ids).toContain(d.id);
    expectSameState(client.state, await f.list());
  });

  it("delta: created then deleted within one interval → nothing, in the next round and the initial one", async () => {
    const f = await mailboxFixture(t);
    const client = f.client();
    await client.round();
    const x = await f.writes.create("Ephemeral");
    await f.writes.update(x.id, { name: "Ephemeral 2" });
    await f.writes.remove(x.id);
    expect((await client.round()).items).toEqual([]);
    // A client starting now never hears of it either (no tombstones in initial rounds).
    const fresh = f.client();
    const initial = await fresh.round();
    expect(initial.ids).not.toContain(x.id);
    expect(initial.items.some((i) => "@removed" in i)).toBe(false);
  });

  it("delta: a calendar that existed at the watermark and was then updated and deleted → one @removed", async () => {
    const f = await mailboxFixture(t);
    const x = await f.writes.create("Doomed");
    const client = f.client();
    await client.round();
    await f.writes.update(x.id, { name: "Doomed 2" });
    await f.writes.update(x.id, { color: "lightBlue" });
    await f.writes.remove(x.id);
    const r = await client.round({ pageSize: 1 });
    expect(r.items).toEqual([{ "@odata.type": "#microsoft.graph.calendar", id: x.id, "@removed": { reason: "deleted" } }]);
    expect(client.state.has(x.id)).toBe(false);
  });

  it("delta: permanentDelete leaves the same tombstone as DELETE (decision 17)", async () => {
    const f = await mailboxFixture(t);
    const x = await f.writes.create("Gone for good");
    const client = f.client();
    await client.round();
    const res = await f.transport.send("POST", `/beta/me/calendars/${x.id}/permanentDelete`);
    expect(res.status).toBe(204);
    expect((await client.round()).items).toEqual([{ "@odata.type": "#microsoft.graph.calendar", id: x.id, "@removed": { reason: "deleted" } }]);
  });

  it("delta: repeated updates collapse into one entry with the latest state", async () => {
    const f = await mailboxFixture(t);
    const x = await f.writes.create("V0");
    const client = f.client();
    await client.round();
    let last: Json = {};
    for (let i = 1; i <= 12; i++) last = await f.writes.update(x.id, { name: `V${i}` });
    const r = await client.round({ pageSize: 1 });
    expect(r.items).toHaveLength(1);
    expect(r.items[0]).toMatchObject({ id: x.id, name: "V12", changeKey: last.changeKey });
  });

  it("delta: renames carry the new name and a new changeKey; renaming back is still a change", async () => {
    const f = await mailboxFixture(t);
    const client = f.client();
    const r0 = await client.round();
    const cal = r0.items.find((i) => i.name === "Calendar")!;
    await f.writes.update(cal.id, { name: "Work" });
    const r1 = await client.round();
    expect(r1.items).toHaveLength(1);
    expect(r1.items[0]).toMatchObject({ id: cal.id, name: "Work", isDefaultCalendar: true });
    expect(r1.items[0]!.changeKey).not.toBe(cal.changeKey);
    await f.writes.update(cal.id, { name: "Calendar" });
    const r2 = await client.round();
    expect(r2.items.map(label)).toEqual(["Calendar"]);
    expect(r2.items[0]!.changeKey).not.toBe(cal.changeKey);
    expect(r2.items[0]!.changeKey).not.toBe(r1.items[0]!.changeKey);
    expectSameState(client.state, await f.list());
  });

  it("delta: a rename that swaps names between two calendars is served as both", async () => {
    const f = await mailboxFixture(t);
    const a = await f.writes.create("Left");
    const b = await f.writes.create("Right");
    const client = f.client();
    await client.round();
    await f.writes.update(a.id, { name: "Temp" });
    await f.writes.update(b.id, { name: "Left" });
    await f.writes.update(a.id, { name: "Right" });
    const r = await client.round();
    expect(r.items.map(label)).toEqual(["Left", "Right"]);
    expect(client.state.get(a.id)!.name).toBe("Right");
    expect(client.state.get(b.id)!.name).toBe("Left");
  });

  it("delta: deleting the calendars around the default leaves the default untouched; the default itself cannot go", async () => {
    const f = await mailboxFixture(t);
    const before = await f.writes.create("Before");
    const after = await f.writes.create("After");
    const client = f.client();
    const r0 = await client.round();
    const def = r0.items.find((i) => i.isDefaultCalendar)!;
    const birthdays = r0.items.find((i) => i.name === "Birthdays")!;

    const refused = await f.transport.send("DELETE", `/beta/me/calendars/${def.id}`);
    expect(refused.status).toBe(400);
    expect(refused.body.error.code).toBe("ErrorDeleteDistinguishedFolder");
    const viaAlias = await f.transport.send("DELETE", "/beta/me/calendar");
    expect(viaAlias.status).toBe(400);
    expect(viaAlias.body.error.code).toBe("ErrorDeleteDistinguishedFolder");
    expect((await client.round()).items).toEqual([]);

    await f.writes.remove(birthdays.id);
    await f.writes.remove(before.id);
    await f.writes.remove(after.id);
    const r = await client.round({ pageSize: 2 });
    expect(r.items.map(label)).toEqual([`-${birthdays.id}`, `-${before.id}`, `-${after.id}`]);
    expect([...client.state.keys()]).toEqual([def.id]);
    expect(client.state.get(def.id)).toEqual(Object.fromEntries(Object.entries(def).filter(([k]) => !k.startsWith("@"))));
    expectSameState(client.state, await f.list());
  });

  it("delta: moving isDefaultCalendar puts both calendars in the next round", async () => {
    const f = await mailboxFixture(t);
    const x = await f.writes.create("New default");
    const client = f.client();
    const r0 = await client.round();
    const old = r0.items.find((i) => i.isDefaultCalendar)!;
    await f.writes.update(x.id, { isDefaultCalendar: true });
    const r = await client.round({ pageSize: 1 });
    expect(r.ids.sort()).toEqual([x.id, old.id].sort());
    expect(client.state.get(x.id)).toMatchObject({ isDefaultCalendar: true, isRemovable: false, isTallyingResponses: true });
    expect(client.state.get(old.id)).toMatchObject({ isDefaultCalendar: false, isRemovable: true, isTallyingResponses: false });
    expect([...client.state.values()].filter((c) => c.isDefaultCalendar)).toHaveLength(1);
    expectSameState(client.state, await f.list());
    // The old default can now be deleted, and that is one @removed.
    await f.writes.remove(old.id);
    expect((await client.round()).items.map(label)).toEqual([`-${old.id}`]);
  });

  it("delta: calendar-group writes produce no calendar entries; a calendar created in a group does", async () => {
    const f = await mailboxFixture(t);
    const client = f.client();
    await client.round();
    const group = await f.transport.send("POST", "/beta/me/calendarGroups", { name: "Projects" });
    expect(group.status).toBe(201);
    expect((await f.transport.send("PATCH", `/beta/me/calendarGroups/${group.body.id}`, { name: "Projects 2" })).status).toBe(200);
    expect((await client.round()).items).toEqual([]);
    const inGroup = await f.transport.send("POST", `/beta/me/calendarGroups/${group.body.id}/calendars`, { name: "Grouped" });
    expect(inGroup.status).toBe(201);
    const r = await client.round();
    expect(r.items).toHaveLength(1);
    expect(r.items[0]).toMatchObject({ id: inGroup.body.id, name: "Grouped", calendarGroupId: group.body.id });
    expectSameState(client.state, await f.list());
  });

  it("delta: failed writes (conflicts, validation) leave no entry", async () => {
    const f = await mailboxFixture(t);
    const x = await f.writes.create("Unique");
    const client = f.client();
    await client.round();
    expect((await f.transport.send("POST", "/beta/me/calendars", { name: "unique" })).status).toBe(409);
    expect((await f.transport.send("PATCH", `/beta/me/calendars/${x.id}`, { name: "Calendar" })).status).toBe(409);
    expect((await f.transport.send("PATCH", `/beta/me/calendars/${x.id}`, { color: "plaid" })).status).toBe(400);
    expect((await f.transport.send("PATCH", "/beta/me/calendar", { isDefaultCalendar: false })).status).toBe(400);
    expect((await client.round()).items).toEqual([]);
  });

  describe("writes during a round", () => {
    it("delta: a round started before writes serves the state at its start; the next round brings the writes", async () => {
      const f = await mailboxFixture(t);
      const served = await f.writes.create("S1");
      const unserved = await f.writes.create("S2");
      const doomed = await f.writes.create("S3");
      const atStart = await f.list(); // 5 calendars, served in creation order
      const client = f.client();
      let created: Json | undefined;
      const r = await client.round({
        pageSize: 1,
        between: async (page) => {
          if (page !== 2) return; // after Calendar, Birthdays and S1 were served
          created = await f.writes.create("Mid-round");
          await f.writes.update(served.id, { name: "S1 renamed" });
          await f.writes.update(unserved.id, { name: "S2 renamed" });
          await f.writes.remove(doomed.id);
        },
      });
      // Nothing after upTo leaks in: S2 as it was, S3 still there, no new calendar.
      expect(r.items.map(label)).toEqual(["Calendar", "Birthdays", "S1", "S2", "S3"]);
      expectSameState(client.state, atStart, "state at the round's watermark");

      const next = await client.round();
      expect(next.items.map(label)).toEqual(["Mid-round", "S1 renamed", "S2 renamed", `-${doomed.id}`]);
      expect(next.ids).toContain(created!.id);
      expectSameState(client.state, await f.list());
    });

    it("delta: a calendar changed mid-round is served in the next round, never twice in one round", async () => {
      const f = await mailboxFixture(t);
      await f.writes.create("Other");
      const client = f.client();
      let calId = "";
      const r = await client.round({
        pageSize: 1,
        between: async (page) => {
          if (page !== 0) return;
          calId = client.state.keys().next().value as string;
          await f.writes.update(calId, { name: "Renamed during round" });
        },
      });
      expect(r.ids.filter((id) => id === calId)).toHaveLength(1);
      expect(client.state.get(calId)!.name).toBe("Calendar");
      const next = await client.round();
      expect(next.items.map(label)).toEqual(["Renamed during round"]);
      expectSameState(client.state, await f.list());
    });

    it("delta: an incremental round with writes between its pages ends at its watermark", async () => {
      const f = await mailboxFixture(t);
      const cals: Json[] = [];
      for (let i = 0; i < 6; i++) cals.push(await f.writes.create(`C${i}`));
      const client = f.client();
      await client.round();
      for (const c of cals.slice(0, 4)) await f.writes.update(c.id, { name: `${c.name as string}'` });
      await f.writes.remove(cals[4]!.id);
      const atWatermark = await f.list();
      let i = 0;
      const r = await client.round({
        pageSize: 2,
        between: async () => {
          const c = cals[i++ % 4]!;
          await f.writes.update(c.id, { name: `${c.name as string} mid ${i}` });
          await f.writes.create(`Mid ${i}`);
          if (i === 1) await f.writes.remove(cals[5]!.id);
        },
      });
      expect(r.items).toHaveLength(5);
      expectSameState(client.state, atWatermark, "state at the round's watermark");
      await client.round({ pageSize: 3 });
      expectSameState(client.state, await f.list());
    });

    it("delta: applying each round to the previous state gives the server's state at that round's watermark", async () => {
      const f = await mailboxFixture(t);
      const client = f.client();
      const ids: string[] = [];
      for (let roundNo = 0; roundNo < 6; roundNo++) {
        // Writes before the round …
        ids.push((await f.writes.create(`R${roundNo}`)).id);
        if (roundNo > 0) await f.writes.update(ids[roundNo - 1]!, { name: `R${roundNo - 1} v${roundNo}` });
        if (roundNo > 1) await f.writes.remove(ids[roundNo - 2]!);
        const watermark = await f.list();
        // … and during it.
        const r = await client.round({
          pageSize: 1,
          between: async (page) => {
            if (page === 0) ids.push((await f.writes.create(`R${roundNo} mid`)).id);
          },
        });
        expect(r.pages.length).toBeGreaterThan(0);
        expectSameState(client.state, watermark, `round ${roundNo}`);
      }
      await client.round();
      expectSameState(client.state, await f.list());
    });
  });
});
