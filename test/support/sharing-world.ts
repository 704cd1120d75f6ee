import { expect } from "vitest";
import type { TestServer } from "./harness.js";
import type { Mailbox } from "../../src/domain/index.js";

// A mailbox with one calendar shared with a grantee, for the per-calendar sharing suites
// (test/api/sharing*.test.ts, ADR 0011): "Team" (shared) holds a detailed event and a private
// one; the default calendar and "Other" are not shared.

const HOUR = 3_600_000;
export const DEC1 = Date.UTC(2026, 11, 1, 9, 0, 0);
export const WINDOW = "startDateTime=2026-11-30T00:00:00Z&endDateTime=2026-12-10T00:00:00Z";

export function at(ms: number): { dateTime: string; timeZone: string } {
  return { dateTime: new Date(ms).toISOString().slice(0, 19), timeZone: "UTC" };
}

export interface SharingWorld {
  owner: Mailbox;
  grantee: Mailbox;
  ownerToken: string;
  /** The grantee's token with Calendars.ReadWrite.Shared. */
  token: string;
  /** `/users/{owner id}` */
  base: string;
  teamId: string;
  otherId: string;
  defaultId: string;
  /** A detailed normal event in Team. */
  standupId: string;
  /** A private event in Team. */
  doctorId: string;
  permissionId: string;
}

export async function sharingWorld(t: TestServer, role: string): Promise<SharingWorld> {
  const owner = await t.newMailbox("Owner");
  const grantee = await t.newMailbox("Grantee");
  const ownerToken = await t.userToken(owner);
  const post = async (url: string, body: unknown) => {
    const res = await t.request("POST", url, { token: ownerToken, body });
    expect(res.status, res.text).toBe(201);
    return res.body;
  };
  const team = await post("/v1.0/me/calendars", { name: "Team" });
  const other = await post("/v1.0/me/calendars", { name: "Other" });
  const defaultId = (await t.request("GET", "/v1.0/me/calendar", { token: ownerToken })).body.id;
  const standup = await post(`/v1.0/me/calendars/${team.id}/events`, {
    subject: "Standup", start: at(DEC1), end: at(DEC1 + HOUR), showAs: "busy", categories: ["Blue"],
    body: { contentType: "text", content: "Secret agenda" }, location: { displayName: "Room 1" },
    attendees: [{ emailAddress: { address: "a@example.com", name: "A" }, type: "required" }],
  });
  const doctor = await post(`/v1.0/me/calendars/${team.id}/events`, {
    subject: "Doctor", sensitivity: "private", start: at(DEC1 + 3 * HOUR), end: at(DEC1 + 4 * HOUR), showAs: "oof",
    body: { contentType: "text", content: "Private notes" }, location: { displayName: "Clinic" },
  });
  const permission = await post(`/v1.0/me/calendars/${team.id}/calendarPermissions`, {
    emailAddress: { address: grantee.userPrincipalName }, role,
  });
  return {
    owner, grantee, ownerToken, token: await t.userToken(grantee, ["Calendars.ReadWrite.Shared"]), base: `/users/${owner.id}`,
    teamId: team.id, otherId: other.id, defaultId, standupId: standup.id, doctorId: doctor.id, permissionId: permission.id,
  };
}

/** What a view of an event must show and hide (ADR 0011). */
export type Seen = "full" | "limited" | "freeBusy" | "private";

const CONTENT = ["body", "bodyPreview", "attendees", "organizer", "categories", "onlineMeeting", "webLink", "iCalUId"];

export function expectSeen(event: Record<string, any>, seen: Seen, subject: string): void {
  expect(event.id).toEqual(expect.any(String));
  expect(event.start).toBeDefined();
  expect(event.end).toBeDefined();
  expect(event.showAs).toEqual(expect.any(String));
  switch (seen) {
    case "full":
      expect(event.subject).toBe(subject);
      expect(event.body.content).toContain(subject === "Doctor" ? "Private notes" : "Secret agenda");
      return;
    case "limited":
      expect(event.subject).toBe(subject);
      expect(event.location.displayName).toEqual(expect.any(String));
      expect(event.sensitivity).toBe("normal");
      for (const name of CONTENT) expect(name in event, name).toBe(false);
      return;
    case "freeBusy":
    case "private":
      for (const name of [...CONTENT, "subject", "location", "locations"]) expect(name in event, name).toBe(false);
      expect("sensitivity" in event).toBe(seen === "private");
      if (seen === "private") expect(event.sensitivity).toBe("private");
  }
}
