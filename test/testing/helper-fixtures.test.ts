import { readFileSync } from "node:fs";
import { afterAll, describe, expect, it } from "vitest";
import { startGraphcal, type GraphcalFixture } from "../../src/testing/index.js";

// graphcal/testing with fixtures: the `fixtures` start option and seed() load the repository's
// example fixture (docs/examples/fixture.json) through POST /_graphcal/fixtures; reset() empties
// what they loaded.

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
