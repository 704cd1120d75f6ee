import { readFileSync } from "node:fs";
import { afterAll, describe, expect, it } from "vitest";
import { startGraphcal, type GraphcalFixture } from "../../src/testing/index.js";

// graphcal/testing with fixtures: the `fixtures` start option (part of the startup state, which
// reset() puts back) and seed() (POST /_graphcal/fixtures, which reset() removes) load the
// repository's example fixture (docs/examples/fixture.json).

const example = JSON.parse(readFileSync(new URL("../../docs/examples/fixture.json", import.meta.url), "utf8")) as GraphcalFixture;
const upn = (example as { users: { userPrincipalName: string }[] }).users[0]!.userPrincipalName;

async function calendarNames(baseUrl: string, token: string): Promise<string[]> {
  const res = await fetch(`${baseUrl}/me/calendars`, { headers: { authorization: `Bearer ${token}` } });
  expect(res.status).toBe(200);
  return ((await res.json()) as { value: { name: string }[] }).value.map((c) => c.name).sort();
}

describe("graphcal/testing with fixtures", () => {
  const started: { close(): Promise<void> }[] = [];
  afterAll(async () => Promise.all(started.map((gc) => gc.close())));

  it("startGraphcal({ fixtures }) starts with the fixture's users and calendars", async () => {
    const gc = await startGraphcal({ fixtures: example });
    started.push(gc);
    const names = await calendarNames(gc.baseUrl, await gc.token(upn));
    const expected = (example as { users: { calendars: { name: string }[] }[] }).users[0]!.calendars.map((c) => c.name);
    for (const name of expected) expect(names).toContain(name);
  });

  it("startGraphcal({ fixtures }): the fixture is part of the start, so reset() puts it back with the same ids, and undoes what a test wrote", async () => {
    const gc = await startGraphcal({ fixtures: example });
    started.push(gc);
    const token = await gc.token(upn);
    const before = await calendarNames(gc.baseUrl, token);
    const ids = async () => ((await (await fetch(`${gc.baseUrl}/me/calendars`, { headers: { authorization: `Bearer ${await gc.token(upn)}` } })).json()) as { value: { id: string }[] }).value.map((c) => c.id).sort();
    const idsBefore = await ids();
    for (let round = 0; round < 3; round++) {
      const created = await fetch(`${gc.baseUrl}/me/calendars`, {
        method: "POST", headers: { authorization: `Bearer ${await gc.token(upn)}`, "content-type": "application/json" }, body: JSON.stringify({ name: `Written by test ${round}` }),
      });
      expect(created.status).toBe(201);
      await gc.reset();
      expect(await calendarNames(gc.baseUrl, await gc.token(upn))).toEqual(before);
      expect(await ids()).toEqual(idsBefore);
    }
  });

  it("startGraphcal({ fixtures }) with a fixture the server refuses: the start fails, naming the path", async () => {
    const bad = { users: [{ userPrincipalName: "x@contoso.com", calendars: [{ name: "C", color: "pink" }] }] };
    await expect(startGraphcal({ fixtures: bad })).rejects.toThrow(/^startGraphcal\(\{ fixtures \}\): .*users\[0\]\.calendars\[0\]\.color/);
  });

  it("seed() after reset() loads the fixture again; reset() alone removes it", async () => {
    const gc = await startGraphcal();
    started.push(gc);
    await expect(gc.token(upn)).rejects.toThrow();
    await gc.seed(example);
    const seeded = await calendarNames(gc.baseUrl, await gc.token(upn));
    await gc.reset();
    await expect(gc.token(upn)).rejects.toThrow();
    await gc.seed(example);
    expect(await calendarNames(gc.baseUrl, await gc.token(upn))).toEqual(seeded);
  });
});
