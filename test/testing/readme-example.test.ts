import { afterAll, beforeAll, beforeEach, expect, it } from "vitest";
import { startGraphcal, type Graphcal } from "graphcal/testing";

type DeltaPage = { value: Array<{ id: string; name?: string }>; "@odata.deltaLink"?: string };
type GraphError = { error: { code: string; message: string } };

let gc: Graphcal;
beforeAll(async () => {
  gc = await startGraphcal({ clock: "manual", startAt: "2027-01-04T09:00:00Z" });
});
afterAll(() => gc.close());
beforeEach(() => gc.reset()); // every test starts from the demo tenant, no faults

it("syncs calendars, survives a 429, and starts over when its deltaLink expires", async () => {
  const token = await gc.token("adelev@contoso.com");
  const headers = { authorization: `Bearer ${token}`, "content-type": "application/json" };
  const graph = (url: string, init: RequestInit = {}) => fetch(url, { headers, ...init });

  // Arrange through the Graph API itself.
  const created = await graph(`${gc.baseUrl}/me/calendars`, { method: "POST", body: JSON.stringify({ name: "Team" }) });
  expect(created.status).toBe(201);

  // A first delta round (your sync code does this part).
  const round = (await (await graph(`${gc.betaUrl}/me/calendars/delta`)).json()) as DeltaPage;
  expect(round.value.map((calendar) => calendar.name)).toContain("Team");
  const deltaLink = round["@odata.deltaLink"]!;

  // Break things on purpose: the next poll is throttled, with Graph's exact answer.
  await gc.faults.add({ path: "/me/calendars/delta", status: 429, retryAfter: 2, times: 1 });
  const throttled = await graph(deltaLink);
  expect(throttled.status).toBe(429);
  expect(throttled.headers.get("retry-after")).toBe("2");
  expect(((await throttled.json()) as GraphError).error.code).toBe("TooManyRequests");
  expect((await graph(deltaLink)).status).toBe(200); // the rule fired once

  // Move time: 31 days later the deltaLink has expired (and so has the token).
  await gc.clock.advance("P31D");
  const later = { authorization: `Bearer ${await gc.token("adelev@contoso.com")}` };
  const gone = await fetch(deltaLink, { headers: later });
  expect(gone.status).toBe(410);
  expect(((await gone.json()) as GraphError).error.code).toBe("SyncStateNotFound");

  // The requests log says what happened, for the CI run that fails.
  expect((await gc.requests()).map((r) => `${r.status} ${r.rule ?? ""}`.trim())).toContain("429 fault-1");
});
