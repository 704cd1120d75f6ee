import { afterEach, describe, expect, it } from "vitest";
import { DeltaSync, MemoryLocalStore } from "../../../src/client/index.js";
import type { Mailbox } from "../../../src/domain/index.js";
import { useTestServer } from "../../support/harness.js";
import { createCalendars, mutate, serverCalendars } from "../../support/calendar-fixtures.js";
import { injectFetch } from "../../support/inject-fetch.js";
import { pathOf } from "../../support/graph-assertions.js";

// Each quirk mode against two clients: a deliberately naive one, which is right against strict
// graphcal and observably wrong once the quirk is on, and graphcal's own DeltaSync, which ends
// with exactly the server's state either way (spec §9.5, §9.7: dedupe by id, tolerate replays,
// follow nextLinks until the deltaLink).

const ORIGIN = "http://graphcal.test";
type Page = { value: any[]; "@odata.nextLink"?: string; "@odata.deltaLink"?: string };

describe("quirk modes: naive clients break, DeltaSync converges", () => {
  // Links name the test's own host, which a server trusts only when listed (ALLOWED_HOSTS).
  const t = useTestServer({ env: { ALLOWED_HOSTS: "graphcal.test" } });
  const admin = () => t.appToken(["Graphcal.Admin"]);
  afterEach(async () => {
    expect((await t.request("DELETE", "/_graphcal/quirks", { token: await admin() })).status).toBe(204);
  });

  async function setQuirks(mailbox: Mailbox, quirks: string[]) {
    const res = await t.request("POST", "/_graphcal/quirks", { token: await admin(), body: { mailbox: mailbox.id, quirks } });
    expect(res.status, res.text).toBe(200);
  }

  async function get(url: string): Promise<Page> {
    const res = await t.request("GET", pathOf(url), { token: await t.appToken(), headers: { prefer: "odata.maxpagesize=3", host: "graphcal.test" } });
    expect(res.status, res.text).toBe(200);
    return res.body;
  }

  /** One round, page by page, to its deltaLink. */
  async function round(start: string): Promise<{ pages: Page[]; deltaLink: string }> {
    const pages: Page[] = [];
    let url = start;
    for (let i = 0; i < 200; i++) {
      const page = await get(url);
      pages.push(page);
      if (page["@odata.deltaLink"]) return { pages, deltaLink: page["@odata.deltaLink"] };
      url = page["@odata.nextLink"]!;
    }
    throw new Error("round did not end");
  }

  const initial = (m: Mailbox) => `${ORIGIN}/beta/users/${m.id}/calendars/delta`;

  function deltaSync(m: Mailbox) {
    return new DeltaSync({
      baseUrl: `${ORIGIN}/beta`, userId: m.id, store: new MemoryLocalStore(), token: () => t.appToken(), pageSize: 3, fetch: injectFetch(t),
    });
  }

  async function expectInStep(m: Mailbox, sync: DeltaSync) {
    expect(await (await sync.store()).listCalendars()).toEqual(await serverCalendars(t, m, await t.appToken()));
  }

  /** The naive "count the new items" client: each item of a round is a calendar it did not have. */
  async function countingClient(m: Mailbox, writes: () => Promise<void>): Promise<{ counted: number; server: number }> {
    const first = await round(initial(m));
    let counted = first.pages.flatMap((p) => p.value).length;
    await writes();
    for (const item of (await round(first.deltaLink)).pages.flatMap((p) => p.value)) counted += item["@removed"] ? -1 : 1;
    return { counted, server: (await serverCalendars(t, m, await t.appToken())).length };
  }

  it("replay-item: an item of a round comes again in the next; a client that counts items as new miscounts, DeltaSync does not", async () => {
    const strict = await t.newMailbox();
    await createCalendars(t, strict, 5, "s");
    const strictCount = await countingClient(strict, () => createCalendars(t, strict, 2, "more").then(() => undefined));
    expect(strictCount.counted).toBe(strictCount.server); // right against strict graphcal (creations only)

    const m = await t.newMailbox();
    await createCalendars(t, m, 5, "q");
    await setQuirks(m, ["replay-item"]);
    const quirky = await countingClient(m, () => createCalendars(t, m, 2, "more").then(() => undefined));
    expect(quirky.counted).toBe(quirky.server + 1); // the replayed calendar counted twice

    const sync = deltaSync(m);
    const ids = await createCalendars(t, m, 4, "d");
    await sync.runRound();
    await mutate(t, m, { ids, update: 1, remove: 1, create: 1, tag: "r2" });
    const second = await sync.runRound();
    expect(second.items).toBe(4); // 3 changes and the replay
    await expectInStep(m, sync);
    // The next round replays one of round 2's calendars (nothing to write); after a quiet round, nothing.
    expect(await sync.runRound()).toMatchObject({ items: 1, added: 0, updated: 0, removed: 0 });
    expect(await sync.runRound()).toMatchObject({ items: 0, added: 0, updated: 0, removed: 0 });
    await expectInStep(m, sync);
  });

  it("duplicate-item: an item comes again on the round's next page; a client that keeps every item has duplicates, DeltaSync does not", async () => {
    const m = await t.newMailbox();
    await createCalendars(t, m, 7, "q"); // 9 calendars with the defaults: 3 pages of 3
    const naive = async () => (await round(initial(m))).pages.flatMap((p) => p.value.map((c) => c.id as string));
    const strictIds = await naive();
    expect(strictIds).toHaveLength(9);
    expect(new Set(strictIds).size).toBe(9);

    await setQuirks(m, ["duplicate-item"]);
    const { pages } = await round(initial(m));
    const ids = pages.flatMap((p) => p.value.map((c) => c.id as string));
    expect(ids).toHaveLength(11); // pages 2 and 3 each start with the previous page's last calendar
    expect(new Set(ids).size).toBe(9);
    expect(pages[1]!.value[0]).toEqual(pages[0]!.value.at(-1));
    expect(pages[2]!.value[0]).toEqual(pages[1]!.value.at(-1));

    const sync = deltaSync(m);
    expect(await sync.runRound()).toMatchObject({ added: 9, total: 9, items: 11 });
    await expectInStep(m, sync);
  });

  it("empty-page: every page is first answered empty with a nextLink; a client that stops at an empty page loses the round, DeltaSync does not", async () => {
    const m = await t.newMailbox();
    await createCalendars(t, m, 4, "q");
    /** Stops at the first empty page, taking it for the end. */
    const naive = async () => {
      const seen: string[] = [];
      let url: string | undefined = initial(m);
      while (url) {
        const page = await get(url);
        if (page.value.length === 0) break;
        seen.push(...page.value.map((c) => c.id as string));
        url = page["@odata.nextLink"];
      }
      return seen;
    };
    expect(await naive()).toHaveLength(6);

    await setQuirks(m, ["empty-page"]);
    expect(await naive()).toEqual([]);
    const first = await get(initial(m));
    expect(first.value).toEqual([]);
    expect(first["@odata.nextLink"]).toBe(`${initial(m)}?graphcal-quirk=empty-page`);
    const { pages } = await round(initial(m));
    expect(pages.map((p) => p.value.length)).toEqual([0, 3, 0, 3]);

    const sync = deltaSync(m);
    expect(await sync.runRound()).toMatchObject({ added: 6, pages: 4 });
    await t.server.services.calendars.create({ mailbox: m, body: { name: "later" }, apiVersion: "beta" });
    expect(await sync.runRound()).toMatchObject({ added: 1, pages: 2 });
    await expectInStep(m, sync);
  });

  it("late-change: a round's last change comes one round late; a client that trusts one round after a write misses it, DeltaSync converges by the next round", async () => {
    const oneRound = async (m: Mailbox) => {
      const local = new Map<string, unknown>();
      const apply = (pages: Page[]) => pages.flatMap((p) => p.value).forEach((c) => (c["@removed"] ? local.delete(c.id) : local.set(c.id, c)));
      const first = await round(initial(m));
      apply(first.pages);
      const [id] = await createCalendars(t, m, 1, "written");
      apply((await round(first.deltaLink)).pages);
      return local.has(id!); // "I wrote it, synced a round: I have it"
    };
    const strict = await t.newMailbox();
    expect(await oneRound(strict)).toBe(true);
    const m = await t.newMailbox();
    await setQuirks(m, ["late-change"]);
    expect(await oneRound(m)).toBe(false);

    const sync = deltaSync(m);
    const ids = (await (await t.request("GET", `/beta/users/${m.id}/calendars`, { token: await t.appToken() })).body.value).map((c: any) => c.id);
    await sync.runRound();
    expect((await (await sync.store()).listCalendars()).length).toBe(ids.length - 1); // one held back
    const next = await sync.runRound();
    expect(next).toMatchObject({ added: 1, items: 1 });
    await expectInStep(m, sync);
    await mutate(t, m, { ids: await createCalendars(t, m, 3, "x"), update: 1, remove: 1, create: 2, tag: "l2" });
    await sync.runRound();
    expect((await sync.runRound()).items).toBe(1); // the held-back change of the round before
    await expectInStep(m, sync);
  });

  it("all quirks at once, several rounds of writes: DeltaSync ends each quiet round equal to the server; the requests log names the quirks", async () => {
    const m = await t.newMailbox();
    let ids = await createCalendars(t, m, 10, "all");
    await setQuirks(m, ["replay-item", "duplicate-item", "empty-page", "late-change"]);
    await t.request("DELETE", "/_graphcal/requests", { token: await admin() });
    const sync = deltaSync(m);
    for (const tag of ["a", "b", "c"]) {
      await sync.runRound();
      ids = await mutate(t, m, { ids, update: 2, remove: 2, create: 3, tag });
      await sync.runRound();
      await sync.runRound(); // quiet: what came late has come
      await expectInStep(m, sync);
    }
    const log = (await t.request("GET", "/_graphcal/requests", { token: await admin() })).body.value;
    const rules = new Set(log.flatMap((r: any) => (r.rule ?? "").split(",")).filter(Boolean));
    expect(rules).toEqual(new Set(["quirk:replay-item", "quirk:duplicate-item", "quirk:empty-page", "quirk:late-change"]));
    expect(log.find((r: any) => r.rule === "quirk:empty-page")).toMatchObject({ method: "GET", status: 200, fault: "quirk", path: `/beta/users/${m.id}/calendars/delta` });
  });
});
