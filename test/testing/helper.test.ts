import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { GraphcalAdminError, startGraphcal, type Graphcal } from "../../src/testing/index.js";

// Each control of graphcal/testing against its server: tokens, the clock, faults, quirks, token
// expiry, resets and the requests log; start options; a refused call's error.

const START = "2027-01-04T09:00:00Z";

async function get(gc: Graphcal, url: string, token: string) {
  const res = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
  return { status: res.status, headers: res.headers, body: await res.json() as any };
}

describe("graphcal/testing", () => {
  let gc: Graphcal;
  beforeAll(async () => {
    gc = await startGraphcal({ startAt: START });
  });
  afterAll(() => gc.close());
  beforeEach(() => gc.reset());

  it("startGraphcal: loopback URLs; tokens for a user (scopes) and for the app (roles)", async () => {
    expect(gc.baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1\.0$/);
    expect(gc.betaUrl).toBe(gc.baseUrl.replace(/v1\.0$/, "beta"));
    expect((await get(gc, `${gc.baseUrl}/me`, await gc.token("samanthab@contoso.com"))).body.userPrincipalName).toBe("samanthab@contoso.com");
    const readOnly = await gc.token("samanthab@contoso.com", ["Calendars.Read"]);
    const denied = await fetch(`${gc.baseUrl}/me/calendars`, { method: "POST", headers: { authorization: `Bearer ${readOnly}`, "content-type": "application/json" }, body: "{\"name\":\"x\"}" });
    expect(denied.status).toBe(403);
    expect((await get(gc, `${gc.baseUrl}/users`, await gc.token({ app: true }))).body.value).toHaveLength(4);
    expect((await get(gc, `${gc.baseUrl}/users`, await gc.token({ app: true }, ["Calendars.Read"]))).status).toBe(403);
    // The demo tenant without its week of events (demo: "week" has them).
    expect((await get(gc, `${gc.baseUrl}/me/events`, await gc.token("adelev@contoso.com"))).body.value).toEqual([]);
    await expect(gc.token("nobody@contoso.com")).rejects.toThrow();
  });

  it("clock: now() in process, advance by ISO duration or ms, set; backwards is refused unless allowed", async () => {
    const before = gc.clock.now().getTime();
    expect(await gc.clock.advance("PT90M")).toEqual(new Date(before + 90 * 60_000));
    expect(await gc.clock.advance(1500)).toEqual(new Date(before + 90 * 60_000 + 1500));
    expect(gc.clock.now()).toEqual(new Date(before + 90 * 60_000 + 1500));
    expect(await gc.clock.set("2027-06-01T00:00:00Z")).toEqual(new Date("2027-06-01T00:00:00Z"));
    const refused = await gc.clock.set(new Date(START)).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(GraphcalAdminError);
    expect(refused).toMatchObject({ status: 400, code: "BadRequest" });
    expect(await gc.clock.set(new Date(START), { allowBackwards: true })).toEqual(new Date(START));
    // A token minted now is judged by the server's clock.
    expect((await get(gc, `${gc.baseUrl}/me`, await gc.token("adelev@contoso.com"))).status).toBe(200);
    await expect(gc.clock.advance("soon")).rejects.toMatchObject({ status: 400, message: expect.stringMatching(/ISO 8601 duration/) });
  });

  it("faults and the requests log: add one or a list, list with counters, clear; reset() clears them", async () => {
    const token = await gc.token("adelev@contoso.com");
    const one = await gc.faults.add({ path: "/me/calendars", status: 503, retryAfter: 4, times: 1 });
    expect(one).toMatchObject({ id: expect.any(String), status: 503, matched: 0, hits: 0 });
    const list = await gc.faults.add([{ id: "never", path: "/nowhere", status: 500 }]);
    expect(list.map((r) => r.id)).toEqual(["never"]);
    const res = await get(gc, `${gc.baseUrl}/me/calendars`, token);
    expect([res.status, res.headers.get("retry-after")]).toEqual([503, "4"]);
    expect((await gc.faults.list()).map((r) => [r.id, r.hits])).toEqual([[one.id, 1], ["never", 0]]);
    expect((await gc.requests({ limit: 1 }))).toMatchObject([{ method: "GET", path: "/v1.0/me/calendars", status: 503, rule: one.id }]);
    await expect(gc.faults.add({ status: 418 as never })).rejects.toMatchObject({ status: 400, code: "BadRequest" });
    await gc.faults.clear();
    expect(await gc.faults.list()).toEqual([]);
    await gc.faults.add({ path: "/me/calendars", status: 500 });
    await gc.reset();
    expect(await gc.faults.list()).toEqual([]);
    expect(await gc.requests()).toEqual([]);
  });

  it("quirks: set per mailbox or globally, list, clear", async () => {
    await gc.quirks.set(["empty-page"], { mailbox: "adelev@contoso.com" });
    await gc.quirks.set(["replay-item"]);
    expect(await gc.quirks.list()).toEqual({
      global: ["replay-item"],
      value: [{ mailbox: expect.any(String), userPrincipalName: "adelev@contoso.com", quirks: ["empty-page"] }],
    });
    const page = await get(gc, `${gc.betaUrl}/me/calendars/delta`, await gc.token("adelev@contoso.com"));
    expect(page.body.value).toEqual([]);
    expect(page.body["@odata.nextLink"]).toMatch(/graphcal-quirk=empty-page$/);
    await expect(gc.quirks.set(["sometimes" as never])).rejects.toMatchObject({ status: 400 });
    await gc.quirks.clear();
    expect(await gc.quirks.list()).toEqual({ global: [], value: [] });
  });

  it("reset: the whole store back to the demo tenant, or one mailbox; delta links issued before answer 410", async () => {
    const token = await gc.token("meganb@contoso.com");
    const post = (name: string) => fetch(`${gc.baseUrl}/me/calendars`, { method: "POST", headers: { authorization: `Bearer ${token}`, "content-type": "application/json" }, body: JSON.stringify({ name }) });
    expect((await post("one")).status).toBe(201);
    const link = (await get(gc, `${gc.betaUrl}/me/calendars/delta`, token)).body["@odata.deltaLink"];
    await gc.reset({ mailbox: "meganb@contoso.com" });
    expect((await get(gc, `${gc.baseUrl}/me/calendars`, token)).body.value.map((c: any) => c.name)).toEqual(["Calendar", "Birthdays"]);
    expect((await get(gc, link, token)).status).toBe(410);
    expect((await post("two")).status).toBe(201);
    await gc.reset();
    expect((await get(gc, `${gc.baseUrl}/me/calendars`, await gc.token("meganb@contoso.com"))).body.value).toHaveLength(2);
    expect(await gc.admin("GET", "/_graphcal/clock")).toMatchObject({ mode: "manual" });
  });
});

describe("graphcal/testing: start options", () => {
  it("startGraphcal: Graph parity by default (v1.0 calendars/delta is Graph's 400); graphExtensions: true serves it", async () => {
    for (const [graphExtensions, status] of [[undefined, 400], [true, 200]] as const) {
      const g = await startGraphcal({ ...(graphExtensions && { graphExtensions }) });
      try {
        const token = await g.token("samanthab@contoso.com");
        const res = await get(g, `${g.baseUrl}/me/calendars/delta`, token);
        expect(res.status, `graphExtensions: ${graphExtensions}`).toBe(status);
        expect((await get(g, `${g.betaUrl}/me/calendars/delta`, token)).status).toBe(200);
      } finally {
        await g.close();
      }
    }
  });

  it("startGraphcal: faults, quirks and throttling given at start; demo: false opens the controls of an empty store", async () => {
    const gc = await startGraphcal({
      faults: [{ id: "boot", path: "/me", status: 500, times: 1 }], quirks: ["empty-page"], throttle: { requests: 2, windowSeconds: 60 },
    });
    try {
      const token = await gc.token("alexw@contoso.com");
      expect((await get(gc, `${gc.baseUrl}/me`, token)).status).toBe(500);
      expect((await get(gc, `${gc.betaUrl}/me/calendars/delta`, token)).body.value).toEqual([]);
      const third = await get(gc, `${gc.baseUrl}/me`, token);
      expect([third.status, third.body.error.code]).toEqual([429, "TooManyRequests"]);
      expect(await gc.quirks.list()).toEqual({ global: ["empty-page"], value: [] });
      await gc.reset(); // the start's quirks come back with a reset
      expect(await gc.quirks.list()).toEqual({ global: ["empty-page"], value: [] });
    } finally {
      await gc.close();
    }
    const bare = await startGraphcal({ demo: false, clock: "real" });
    try {
      expect(await bare.admin("GET", "/_graphcal/clock")).toMatchObject({ mode: "real" });
      await expect(bare.token({ app: true })).rejects.toThrow(/no app registration/);
      expect(await bare.faults.list()).toEqual([]);
    } finally {
      await bare.close();
    }
    await expect(startGraphcal({ quirks: ["sometimes" as never] })).rejects.toThrow(/unknown quirk 'sometimes'/);
  });
});
