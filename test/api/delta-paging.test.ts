import { beforeAll, describe, expect, it } from "vitest";
import { startTestServer, useTestServer } from "../support/harness.js";
import { createCalendarsDirect, expectDeltaPage, expectSameState, mailboxFixture, pathOf, type Json } from "./delta-support.js";

// Paging of calendars/delta: Prefer: odata.maxpagesize (default 10, clamped to 1000, invalid
// values ignored, read on every request and never remembered), exact multiples, empty rounds
// and big mailboxes (spec §7.1, §7.4, decision 5).

describe("calendars/delta paging (HTTP)", () => {
  const t = useTestServer();

  /** A mailbox with Calendar, Birthdays and `extra` more calendars. */
  async function mailboxWith(extra: number) {
    const f = await mailboxFixture(t);
    await createCalendarsDirect(t, f.mailbox, extra);
    return f;
  }

  const sizes = (pages: Json[]) => pages.map((p) => (p.value as Json[]).length);

  it("delta: page size 1 serves one calendar per page, nextLink on all but the last", async () => {
    const f = await mailboxWith(3);
    const client = f.client();
    const r = await client.round({ pageSize: 1 });
    expect(sizes(r.pages)).toEqual([1, 1, 1, 1, 1]);
    r.pages.slice(0, -1).forEach((p) => expect(p["@odata.nextLink"]).toBeDefined());
    expect(r.pages.at(-1)!["@odata.deltaLink"]).toBeDefined();
    expectSameState(client.state, await f.list());
  });

  it("delta: exact multiples of the page size end without an empty trailing page", async () => {
    const f = await mailboxWith(8); // 10 calendars
    expect(sizes((await f.client().round()).pages)).toEqual([10]);
    expect(sizes((await f.client().round({ pageSize: 5 })).pages)).toEqual([5, 5]);
    expect(sizes((await f.client().round({ pageSize: 2 })).pages)).toEqual([2, 2, 2, 2, 2]);
    expect(sizes((await f.client().round({ pageSize: 10 })).pages)).toEqual([10]);
    const g = await mailboxWith(18); // 20 calendars
    expect(sizes((await g.client().round()).pages)).toEqual([10, 10]);
  });

  it("delta: a mailbox with no extra calendars is one page with its two calendars", async () => {
    const f = await mailboxWith(0);
    const client = f.client();
    const r = await client.round();
    expect(sizes(r.pages)).toEqual([2]);
    expect(r.items.map((i) => i.name)).toEqual(["Calendar", "Birthdays"]);
    expectSameState(client.state, await f.list());
  });

  it("delta: a mailbox without Birthdays has a single calendar", async () => {
    const t2 = await startTestServer({ env: { PROVISION_BIRTHDAYS: "false" } });
    try {
      const f = await mailboxFixture(t2);
      const r = await f.client().round({ pageSize: 1 });
      expect(sizes(r.pages)).toEqual([1]);
      expect(r.pages[0]!["@odata.deltaLink"]).toBeDefined();
      expect(r.items.map((i) => i.name)).toEqual(["Calendar"]);
    } finally {
      await t2.close();
    }
  });

  describe("a mailbox with 1,000 extra calendars", () => {
    let f: Awaited<ReturnType<typeof mailboxFixture>>;
    let all: Map<string, Json>;
    beforeAll(async () => {
      f = await mailboxFixture(t);
      await createCalendarsDirect(t, f.mailbox, 1000);
      all = await f.list();
      expect(all.size).toBe(1002);
    }, 120_000);

    it("delta: default page size 10 → 101 pages, and the client ends equal to GET /calendars", async () => {
      const client = f.client();
      const r = await client.round();
      expect(r.pages).toHaveLength(101);
      expect(sizes(r.pages).slice(0, 100).every((n) => n === 10)).toBe(true);
      expect(r.pages[100]!.value).toHaveLength(2);
      expect(r.items).toHaveLength(1002);
      expectSameState(client.state, all);
      // The next round of an unchanged mailbox is empty.
      expect((await client.round()).items).toEqual([]);
    });

    it("delta: maxpagesize=1000 → two pages; values above 1000 are clamped to 1000", async () => {
      for (const prefer of [1000, 1001, 5000, 2 ** 40]) {
        const client = f.client();
        const res = await f.transport.get("/beta/me/calendars/delta", { prefer: `odata.maxpagesize=${prefer}` });
        expect(res.status).toBe(200);
        expect(res.headers["preference-applied"]).toBe("odata.track-changes, odata.maxpagesize=1000");
        expect(res.body.value).toHaveLength(1000);
        const r = await client.round({ pageSize: prefer });
        expect(sizes(r.pages), String(prefer)).toEqual([1000, 2]);
        expectSameState(client.state, all);
      }
    });

    it("delta: a round with a changing page size per page still serves every calendar once", async () => {
      const client = f.client();
      const r = await client.round({ pageSize: (i) => [1, 999, 7, undefined, 1000][i % 5] });
      expect(r.items).toHaveLength(1002);
      expectSameState(client.state, all);
    });
  });

  it("delta: empty rounds answer value [] with a fresh deltaLink, at any page size", async () => {
    const f = await mailboxWith(2);
    const client = f.client();
    await client.round();
    for (const pageSize of [undefined, 1, 1000]) {
      const before = client.deltaLink!;
      const r = await client.round({ pageSize });
      expect(r.pages).toHaveLength(1);
      expect(r.pages[0]).toMatchObject({ value: [] });
      expect(r.pages[0]!["@odata.nextLink"]).toBeUndefined();
      expect(r.deltaLink).toBeDefined();
      // The old link keeps working as well (it is the same watermark).
      const again = await f.transport.get(before);
      expect(again.status).toBe(200);
      expect(again.body.value).toEqual([]);
    }
  });

  it("delta: the default page size is 10", async () => {
    const f = await mailboxWith(13); // 15 calendars
    const res = await f.transport.get("/beta/me/calendars/delta");
    expect(res.body.value).toHaveLength(10);
    expect(res.body["@odata.nextLink"]).toBeDefined();
    expect(res.headers["preference-applied"]).toBe("odata.track-changes");
    const rest = await f.transport.get(res.body["@odata.nextLink"]);
    expect(rest.body.value).toHaveLength(5);
    expect(rest.body["@odata.deltaLink"]).toBeDefined();
  });

  it("delta: invalid Prefer values are ignored (default 10, no maxpagesize in Preference-Applied)", async () => {
    const f = await mailboxWith(13);
    const invalid = [
      "odata.maxpagesize=0", "odata.maxpagesize=-1", "odata.maxpagesize=abc", "odata.maxpagesize=1.5",
      "odata.maxpagesize=", "odata.maxpagesize", "odata.maxpagesize=0x10", "odata.maxpagesize=1e1",
      "odata.maxpagesize=+3", "odata.maxpagesize=3 4", "odata.pagesize=3", "respond-async", "",
    ];
    for (const prefer of invalid) {
      const res = await f.transport.get("/beta/me/calendars/delta", { prefer });
      expect(res.status, prefer).toBe(200);
      expect(res.body.value, prefer).toHaveLength(10);
      expect(res.headers["preference-applied"], prefer).toBe("odata.track-changes");
    }
  });

  it("delta: valid spellings of the preference, among others and across repeated Prefer headers", async () => {
    const f = await mailboxWith(13);
    const valid: [string | string[], number][] = [
      ["odata.maxpagesize=3", 3],
      ["ODATA.MAXPAGESIZE=3", 3],
      ["odata.maxpagesize = 3", 3],
      ['odata.maxpagesize="3"', 3],
      ["maxpagesize=4", 4],
      ["odata.track-changes, odata.maxpagesize=2", 2],
      ["return=minimal,odata.maxpagesize=6", 6],
      [["odata.track-changes", "odata.maxpagesize=5"], 5],
    ];
    for (const [prefer, size] of valid) {
      const res = await t.server.app.inject({
        method: "GET", url: "/beta/me/calendars/delta", headers: { authorization: `Bearer ${f.token}`, prefer },
      });
      const body = JSON.parse(res.body);
      expect(res.statusCode, String(prefer)).toBe(200);
      expect(body.value, String(prefer)).toHaveLength(size);
      expect(res.headers["preference-applied"]).toBe(`odata.track-changes, odata.maxpagesize=${size}`);
    }
  });

  it("delta: Prefer resent on each page keeps the size; not resent falls back to the default", async () => {
    const f = await mailboxWith(23); // 25 calendars
    const resent = f.client();
    const r1 = await resent.round({ pageSize: 4 });
    expect(sizes(r1.pages)).toEqual([4, 4, 4, 4, 4, 4, 1]);
    for (const page of r1.pages) expectDeltaPage(page);
    expectSameState(resent.state, await f.list());

    const once = f.client();
    const r2 = await once.round({ pageSize: (i) => (i === 0 ? 4 : undefined) });
    expect(sizes(r2.pages)).toEqual([4, 10, 10, 1]);
    expectSameState(once.state, await f.list());
  });

  it("delta: a nextLink followed with a different page size continues where the last page ended", async () => {
    const f = await mailboxWith(8);
    const first = await f.transport.get("/beta/me/calendars/delta", { prefer: "odata.maxpagesize=3" });
    const ids = (first.body.value as Json[]).map((c) => c.id);
    const next = first.body["@odata.nextLink"] as string;
    const a = await f.transport.get(next, { prefer: "odata.maxpagesize=1" });
    const b = await f.transport.get(next, { prefer: "odata.maxpagesize=7" });
    expect(a.body.value).toHaveLength(1);
    expect(b.body.value).toHaveLength(7);
    expect(b.body.value[0]).toEqual(a.body.value[0]);
    expect(b.body["@odata.deltaLink"]).toBeDefined();
    const all = [...ids, ...(b.body.value as Json[]).map((c) => c.id)];
    expect(new Set(all).size).toBe(10);
    expect(pathOf(b.body["@odata.deltaLink"])).toMatch(/^\/beta\/me\/calendars\/delta\?\$deltatoken=/);
  });
});
