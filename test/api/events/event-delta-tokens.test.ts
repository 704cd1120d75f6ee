import { describe, expect, it } from "vitest";
import { DEMO_TENANT_ID } from "../../../src/server/index.js";
import { type TestResponse, useTestServer } from "../../support/harness.js";
import {
  EventDeltaClient, SKELETON_KEYS, calendarViewAll, create, dailySeries, deltaUrl, eventBody, newUser, pathOf, patch, remove,
  send, type Json, type User,
} from "./event-delta-support.js";

// calendarView/delta tokens and guarantees (issue 10, graph-calendar-delta.md §7, domain/delta/
// README.md): snapshot-consistent rounds, tokens bound to their calendar, window, mailbox,
// version and caller, 410 after retention or an admin reset, $select kept, other options refused.

const DAY = 86_400_000;

function expectBadToken(res: TestResponse, label: string): void {
  expect(res.status, `${label}: ${res.text}`).toBe(400);
  expect(res.body.error.code, label).toBe("BadRequest");
  expect(res.body.error.message, label).toBe("Badly formed token.");
}

function expectGone(res: TestResponse, code: "SyncStateNotFound" | "ResyncRequired", label: string = code): void {
  expect(res.status, `${label}: ${res.text}`).toBe(410);
  expect(res.body.error.code, label).toBe(code);
}

/** Splits a link into the path before `?` and its `param=token` query. */
function tokenQuery(link: string): string {
  return pathOf(link).split("?")[1] as string;
}

const get = (u: User, url: string, headers?: Record<string, string>) =>
  u.t.request("GET", pathOf(url), { token: u.token, ...(headers && { headers }) });

/** Four singles in the window; a nextLink (page 1 of 2 at size 2) and the round's deltaLink. */
async function links(u: User, base = "/v1.0/me"): Promise<{ nextLink: string; deltaLink: string }> {
  for (let d = 1; d <= 4; d++) await create(u, eventBody(`2026-12-0${d}T08:00`, `2026-12-0${d}T09:00`, `E${d}`), `${base}/events`);
  const p1 = await get(u, deltaUrl(base), { prefer: "odata.maxpagesize=2" });
  expect(p1.status, p1.text).toBe(200);
  const p2 = await get(u, p1.body["@odata.nextLink"]);
  return { nextLink: p1.body["@odata.nextLink"], deltaLink: p2.body["@odata.deltaLink"] };
}

describe("calendarView/delta: snapshot consistency", () => {
  const t = useTestServer();

  it("writes between pages of the initial round do not show in it, and all show in the next round", async () => {
    const u = await newUser(t);
    const seeded: Json[] = [];
    for (let d = 1; d <= 6; d++) seeded.push(await create(u, eventBody(`2026-12-0${d}T08:00`, `2026-12-0${d}T09:00`, `E${d}`)));
    const expected = (await calendarViewAll(u)).map((e) => e.id as string).sort();
    const client = new EventDeltaClient(u, deltaUrl());
    let created: Json | undefined;
    const round = await client.round({
      pageSize: 2,
      between: async (page) => {
        if (page !== 0) return;
        created = await create(u, eventBody("2026-12-01T12:00", "2026-12-01T13:00", "new"));
        await patch(u, (seeded[5] as Json).id, { subject: "edited" });
        await remove(u, (seeded[4] as Json).id);
      },
    });
    expect(round.pages).toHaveLength(3);
    expect(round.ids.sort()).toEqual(expected);
    expect(round.items.find((i) => i.id === (seeded[5] as Json).id)?.subject).toBe("E6");
    const next = await client.round();
    expect(next.items.find((i) => i.id === created?.id)?.subject).toBe("new");
    expect(next.items.find((i) => i.id === (seeded[5] as Json).id)?.subject).toBe("edited");
    expect(next.items.find((i) => i.id === (seeded[4] as Json).id)).toHaveProperty("@removed");
    expect(next.items).toHaveLength(3);
    expect(client.ids()).toEqual((await calendarViewAll(u)).map((e) => e.id as string).sort());
  });

  it("the same holds for a later round: writes between its pages wait for the round after", async () => {
    const u = await newUser(t);
    const client = new EventDeltaClient(u, deltaUrl());
    await client.round();
    const batch: Json[] = [];
    for (let d = 1; d <= 5; d++) batch.push(await create(u, eventBody(`2026-12-0${d}T08:00`, `2026-12-0${d}T09:00`, `E${d}`)));
    let late: Json | undefined;
    const round = await client.round({
      pageSize: 2,
      between: async (page) => {
        if (page !== 1) return;
        late = await create(u, eventBody("2026-12-06T12:00", "2026-12-06T13:00", "late"));
        await patch(u, (batch[0] as Json).id, { subject: "edited late" });
        await remove(u, (batch[4] as Json).id);
        // A series too: its master and occurrences wait as well.
        await create(u, dailySeries("2026-12-02", 2, "late series"));
      },
    });
    expect(round.ids.sort()).toEqual(batch.map((e) => e.id as string).sort());
    expect(round.items.find((i) => i.id === (batch[0] as Json).id)?.subject).toBe("E1");
    expect(round.items.every((i) => !("@removed" in i))).toBe(true);
    const next = await client.round();
    expect(next.items.find((i) => i.id === late?.id)).toBeDefined();
    expect(next.items.find((i) => i.id === (batch[0] as Json).id)?.subject).toBe("edited late");
    expect(next.items.find((i) => i.id === (batch[4] as Json).id)).toHaveProperty("@removed");
    expect(next.items.filter((i) => i.type === "occurrence")).toHaveLength(2);
    const held = [...client.state.values()].filter((i) => i.type !== "seriesMaster").map((i) => i.id as string).sort();
    expect(held).toEqual((await calendarViewAll(u)).map((e) => e.id as string).sort());
  });

  it("replaying a nextLink gives the same page, even after later writes", async () => {
    const u = await newUser(t);
    const { nextLink } = await links(u);
    const before = await get(u, nextLink);
    await create(u, eventBody("2026-12-01T00:00", "2026-12-01T00:30", "earliest"));
    const after = await get(u, nextLink);
    expect(after.body.value).toEqual(before.body.value);
  });

  it("replaying a deltaLink serves the same changes again (a client that lost a round retries it)", async () => {
    const u = await newUser(t);
    const client = new EventDeltaClient(u, deltaUrl());
    await client.round();
    const old = client.deltaLink as string;
    const ev = await create(u, eventBody("2026-12-03T10:00", "2026-12-03T11:00", "new"));
    const far = await create(u, eventBody("2027-01-03T10:00", "2027-01-03T11:00", "far"));
    const first = await get(u, old);
    await create(u, eventBody("2026-12-04T10:00", "2026-12-04T11:00", "newer"));
    const again = await get(u, old);
    expect(again.body.value.map((i: Json) => i.id).slice(0, 2)).toEqual(first.body.value.map((i: Json) => i.id));
    expect(first.body.value.map((i: Json) => i.id).sort()).toEqual([ev.id, far.id].sort());
  });
});

describe("calendarView/delta: tokens bound to what they were issued for → 400", () => {
  // v1.0 calendars/delta (a graphcal extension) for the cross-resource token checks.
  const t = useTestServer({ env: { GRAPH_EXTENSIONS: "1" } });

  it("another calendar's path", async () => {
    const u = await newUser(t);
    const other = await send(u, "POST", "/v1.0/me/calendars", { name: "Other" }, 201);
    const { nextLink, deltaLink } = await links(u);
    for (const link of [nextLink, deltaLink]) {
      expectBadToken(await get(u, `/v1.0/me/calendars/${other.body.id}/calendarView/delta?${tokenQuery(link)}`), "other calendar");
      // The same calendar by another path is fine: /me/calendar is the default calendar.
      expect((await get(u, `/v1.0/me/calendar/calendarView/delta?${tokenQuery(link)}`)).status).toBe(200);
    }
    // And the other way round: the other calendar's token on the default calendar.
    const otherLinks = await links(u, `/v1.0/me/calendars/${other.body.id}`);
    expectBadToken(await get(u, `/v1.0/me/calendarView/delta?${tokenQuery(otherLinks.deltaLink)}`), "other → default");
  });

  it("a chain started on the default-calendar form stays on it (by id is another form), also when nothing changed", async () => {
    const u = await newUser(t);
    const calendar = await send(u, "GET", "/v1.0/me/calendar", undefined, 200);
    const { nextLink, deltaLink } = await links(u);
    // The unchanged-mailbox answer skips the calendar lookup (EventDeltaService.unchangedRound):
    // it must still refuse the other form, and answer its own with the same token.
    const again = await get(u, pathOf(deltaLink));
    expect(again.status).toBe(200);
    expect(again.body.value).toEqual([]);
    for (const link of [nextLink, deltaLink]) {
      expectBadToken(await get(u, `/v1.0/me/calendars/${calendar.body.id}/calendarView/delta?${tokenQuery(link)}`), "default → by id");
    }
    const byId = await links(u, `/v1.0/me/calendars/${calendar.body.id}`);
    expectBadToken(await get(u, `/v1.0/me/calendarView/delta?${tokenQuery(byId.deltaLink)}`), "by id → default");
    expect((await get(u, pathOf(byId.deltaLink))).status).toBe(200);
  });

  it("another user's mailbox", async () => {
    const a = await newUser(t);
    const b = await newUser(t);
    const { nextLink, deltaLink } = await links(a);
    for (const link of [nextLink, deltaLink]) {
      expectBadToken(await get(b, link), "b replays a's /me link");
      expectBadToken(await get(b, `/v1.0/users/${b.mailboxId}/calendarView/delta?${tokenQuery(link)}`), "b's /users path");
    }
  });

  it("another API version", async () => {
    const u = await newUser(t);
    const { nextLink, deltaLink } = await links(u);
    for (const link of [nextLink, deltaLink]) expectBadToken(await get(u, pathOf(link).replace("/v1.0/", "/beta/")), "v1.0 → beta");
  });

  it("another caller (user → app, app → other app)", async () => {
    const u = await newUser(t);
    const { nextLink, deltaLink } = await links(u);
    const app = await t.appToken(["Calendars.Read"]);
    const appUser: User = { ...u, token: app };
    for (const link of [nextLink, deltaLink]) {
      const asUsers = `/v1.0/users/${u.mailboxId}/calendarView/delta?${tokenQuery(link)}`;
      expect((await get(u, asUsers)).status, "the user itself via /users/{id}").toBe(200);
      expectBadToken(await get(appUser, asUsers), "user → app");
    }
    await t.server.store.transaction((tx) => tx.putApp({
      clientId: "0b0b0b0b-0000-4000-8000-000000000003", tenantId: DEMO_TENANT_ID, displayName: "third app",
      secretHash: "unused", roles: ["Calendars.Read"],
    }));
    const other: User = { ...u, token: await t.appToken(["Calendars.Read"], "0b0b0b0b-0000-4000-8000-000000000003") };
    const p = await get(appUser, deltaUrl(`/v1.0/users/${u.mailboxId}`));
    expect(p.status).toBe(200);
    expectBadToken(await get(other, p.body["@odata.deltaLink"]), "app → other app");
    expect((await get(appUser, p.body["@odata.deltaLink"])).status).toBe(200);
  });

  it("a tampered token (payload or MAC changed)", async () => {
    const u = await newUser(t);
    const { nextLink, deltaLink } = await links(u);
    for (const link of [nextLink, deltaLink]) {
      const [prefix, query] = pathOf(link).split("?") as [string, string];
      const [param, token] = query.split("=") as [string, string];
      const [kid, payload, mac] = token.split(".") as [string, string, string];
      const flip = (s: string, i: number) => s.slice(0, i) + (s[i] === "A" ? "B" : "A") + s.slice(i + 1);
      for (const bad of [`${kid}.${flip(payload, 5)}.${mac}`, `${kid}.${payload}.${flip(mac, 3)}`, token.slice(0, -2), "garbage"]) {
        expectBadToken(await get(u, `${prefix}?${param}=${bad}`), bad.slice(0, 20));
      }
    }
  });

  it("a calendars/delta token on calendarView/delta and a calendarView/delta token on calendars/delta", async () => {
    const u = await newUser(t);
    const cals = await get(u, "/v1.0/me/calendars/delta");
    expect(cals.status).toBe(200);
    expectBadToken(await get(u, `/v1.0/me/calendarView/delta?${tokenQuery(cals.body["@odata.deltaLink"])}`), "calendars → calendarView");
    const { nextLink, deltaLink } = await links(u);
    for (const link of [nextLink, deltaLink]) expectBadToken(await get(u, `/v1.0/me/calendars/delta?${tokenQuery(link)}`), "calendarView → calendars");
  });

  it("a skip token as $deltatoken and a delta token as $skiptoken", async () => {
    const u = await newUser(t);
    const { nextLink, deltaLink } = await links(u);
    const skip = tokenQuery(nextLink).split("=")[1] as string;
    const delta = tokenQuery(deltaLink).split("=")[1] as string;
    expectBadToken(await get(u, `/v1.0/me/calendarView/delta?$deltatoken=${skip}`), "skip as delta");
    expectBadToken(await get(u, `/v1.0/me/calendarView/delta?$skiptoken=${delta}`), "delta as skip");
  });

  it("deleting the calendar → 404 on its links", async () => {
    const u = await newUser(t);
    const other = await send(u, "POST", "/v1.0/me/calendars", { name: "Doomed" }, 201);
    const { nextLink, deltaLink } = await links(u, `/v1.0/me/calendars/${other.body.id}`);
    await send(u, "DELETE", `/v1.0/me/calendars/${other.body.id}`, undefined, 204);
    for (const link of [nextLink, deltaLink]) {
      const res = await get(u, link);
      expect(res.status, res.text).toBe(404);
      expect(res.body.error.code).toBe("ErrorItemNotFound");
    }
  });
});

describe("calendarView/delta: 410 after retention and after an admin reset", () => {
  // GRAPH_EXTENSIONS: the 410's Location is a graphcal extension (graph-parity.test.ts: none in parity mode).
  const r = useTestServer({ env: { DELTA_RETENTION_DAYS: "1", GRAPH_EXTENSIONS: "1" } });

  it("a token older than the retention → 410 SyncStateNotFound; after pruning too; a fresh round works", async () => {
    const u = await newUser(r);
    const { nextLink, deltaLink } = await links(u);
    const ev = await create(u, eventBody("2026-12-05T10:00", "2026-12-05T11:00", "x"));
    await patch(u, ev.id, { subject: "y" });
    r.clock.advance(DAY + 60_000);
    // A fresh bearer token: the old one has expired as well.
    u.token = await r.userToken(await r.server.services.mailboxes.getUser(u.mailboxId), ["Calendars.ReadWrite"]);
    expectGone(await get(u, deltaLink), "SyncStateNotFound", "aged deltaLink");
    expectGone(await get(u, nextLink), "SyncStateNotFound", "aged nextLink");
    r.clock.advance(DAY);
    u.token = await r.userToken(await r.server.services.mailboxes.getUser(u.mailboxId), ["Calendars.ReadWrite"]);
    const { pruned } = await r.server.prune();
    expect(pruned).toBeGreaterThan(0);
    expectGone(await get(u, deltaLink), "SyncStateNotFound", "pruned deltaLink");
    const fresh = new EventDeltaClient(u, deltaUrl());
    await fresh.round({ pageSize: 2 });
    expect(fresh.ids()).toEqual((await calendarViewAll(u)).map((e) => e.id as string).sort());
  });

  it("after resetSync → 410 ResyncRequired, with a Location that restarts the round with the same window and $select", async () => {
    const u = await newUser(r);
    await create(u, eventBody("2026-12-02T10:00", "2026-12-02T11:00", "A"));
    const first = await get(u, deltaUrl("/v1.0/me", "&$select=subject"));
    expect(first.status).toBe(200);
    const admin = await r.appToken(["Graphcal.Admin"]);
    expect((await r.request("POST", `/_graphcal/mailboxes/${u.mailboxId}/resetSync`, { token: admin })).status).toBe(204);
    const gone = await get(u, first.body["@odata.deltaLink"]);
    expectGone(gone, "ResyncRequired");
    const location = new URL(String(gone.headers.location));
    expect(location.pathname).toBe("/v1.0/me/calendarView/delta");
    expect(new Date(location.searchParams.get("startDateTime") as string).toISOString()).toBe("2026-12-01T00:00:00.000Z");
    expect(new Date(location.searchParams.get("endDateTime") as string).toISOString()).toBe("2026-12-08T00:00:00.000Z");
    expect(location.searchParams.get("$select")).toContain("subject");
    const again = await get(u, `${location.pathname}${location.search}`);
    expect(again.status).toBe(200);
    expect(again.body.value[0].subject).toBe("A");
  });
});

describe("calendarView/delta: query options", () => {
  const t = useTestServer();

  it("$select is accepted on the initial request and kept in the links: items projected on later pages and rounds, skeletons unaffected", async () => {
    const u = await newUser(t);
    for (let d = 1; d <= 3; d++) await create(u, eventBody(`2026-12-0${d}T08:00`, `2026-12-0${d}T09:00`, `E${d}`));
    await create(u, dailySeries("2026-12-05", 2));
    const client = new EventDeltaClient(u, deltaUrl("/v1.0/me", "&$select=subject"));
    const round = await client.round({ pageSize: 2 });
    expect(round.pages.length).toBeGreaterThan(1);
    for (const page of round.pages) {
      const link = page["@odata.nextLink"] ?? page["@odata.deltaLink"];
      expect(link).not.toContain("$select");
    }
    const check = (items: Json[]) => {
      for (const item of items) {
        if (item.type === "occurrence") expect(Object.keys(item).sort()).toEqual(SKELETON_KEYS);
        else if (!("@removed" in item)) {
          expect(item).toHaveProperty("subject");
          expect(item).not.toHaveProperty("body");
          expect(item).not.toHaveProperty("location");
        }
      }
    };
    check(round.items);
    expect(round.items.filter((i) => i.type === "occurrence")).toHaveLength(2);
    await create(u, eventBody("2026-12-04T08:00", "2026-12-04T09:00", "later"));
    const later = await client.round();
    expect(later.items).toHaveLength(1);
    expect((later.items[0] as Json).subject).toBe("later");
    check(later.items);
  });

  for (const option of ["$top=5", "$filter=subject eq 'x'", "$orderby=start/dateTime", "$expand=attachments", "$search=\"x\"", "$count=true", "$skip=1"]) {
    it(`${option.split("=")[0]} → 400 ErrorInvalidUrlQuery (initial and on a link)`, async () => {
      const u = await newUser(t);
      const res = await get(u, deltaUrl("/v1.0/me", `&${encodeURI(option)}`));
      expect(res.status, res.text).toBe(400);
      expect(res.body.error.code).toBe("ErrorInvalidUrlQuery");
      const ok = await get(u, deltaUrl());
      const onLink = await get(u, `${pathOf(ok.body["@odata.deltaLink"])}&${encodeURI(option)}`);
      expect(onLink.status).toBe(400);
      expect(onLink.body.error.code).toBe("ErrorInvalidUrlQuery");
    });
  }
});
