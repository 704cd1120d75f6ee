import { describe, expect, it } from "vitest";
import {
  changeKeyFor, guidToBytes, isGuid, isWellFormedEventId, isWellFormedId, newEntityId, occurrenceIdFor, parseOccurrenceId, randomIds,
  type IdSource,
} from "./ids.js";

const MAILBOX = "5e1e4a3c-2f71-4d8a-9b2e-7c4f0a1d6b01";

/** Predictable ids: bytes count up from a seed. */
function counterIds(seed = 0): IdSource {
  let next = seed;
  return {
    guid: () => "00000000-0000-4000-8000-000000000000",
    bytes: (n) => Uint8Array.from({ length: n }, () => next++ & 0xff),
  };
}

describe("newEntityId", () => {
  it("newEntityId: 40 characters of base64url, safe in paths and URI templates", () => {
    for (const kind of ["calendar", "calendarGroup", "permission"] as const) {
      const id = newEntityId(randomIds, kind, MAILBOX);
      expect(id).toMatch(/^[A-Za-z0-9_-]{40}$/);
      expect(encodeURIComponent(id)).toBe(id);
    }
  });

  it("newEntityId: carries version, kind and the owning mailbox", () => {
    const bytes = Buffer.from(newEntityId(counterIds(), "calendar", MAILBOX), "base64url");
    expect(bytes).toHaveLength(30);
    expect(bytes[0]).toBe(1);
    expect(bytes[1]).toBe(0x43);
    expect(bytes.subarray(2, 18).equals(guidToBytes(MAILBOX))).toBe(true);
    expect([...bytes.subarray(18)]).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
  });

  it("newEntityId: is deterministic for a given id source and differs with its random bytes", () => {
    expect(newEntityId(counterIds(7), "calendar", MAILBOX)).toBe(newEntityId(counterIds(7), "calendar", MAILBOX));
    expect(newEntityId(counterIds(7), "calendar", MAILBOX)).not.toBe(newEntityId(counterIds(8), "calendar", MAILBOX));
    expect(newEntityId(randomIds, "calendar", MAILBOX)).not.toBe(newEntityId(randomIds, "calendar", MAILBOX));
  });
});

describe("isWellFormedId", () => {
  it("isWellFormedId: accepts ids of its own kind only", () => {
    const calendarId = newEntityId(randomIds, "calendar", MAILBOX);
    const groupId = newEntityId(randomIds, "calendarGroup", MAILBOX);
    expect(isWellFormedId(calendarId, "calendar")).toBe(true);
    expect(isWellFormedId(calendarId, "calendarGroup")).toBe(false);
    expect(isWellFormedId(groupId, "calendarGroup")).toBe(true);
    expect(isWellFormedId(groupId, "calendar")).toBe(false);
  });

  it("isWellFormedId: rejects wrong lengths, alphabets and versions", () => {
    const id = newEntityId(randomIds, "calendar", MAILBOX);
    const wrongVersion = Buffer.from(id, "base64url");
    wrongVersion[0] = 2;
    for (const bad of ["", "AAAA", id.slice(1), `${id}A`, `${id.slice(0, 39)}=`, `${id.slice(0, 39)}+`, `${id.slice(0, 39)}/`, wrongVersion.toString("base64url"), "x".repeat(10_000)]) {
      expect(isWellFormedId(bad, "calendar"), bad.slice(0, 50)).toBe(false);
    }
  });
});

describe("changeKeyFor", () => {
  it("changeKeyFor: standard base64 of the mailbox guid and a 48-bit counter", () => {
    const key = changeKeyFor(MAILBOX, 0x010203);
    expect(key).toMatch(/^[A-Za-z0-9+/]+={0,2}$/);
    const bytes = Buffer.from(key, "base64");
    expect(bytes).toHaveLength(22);
    expect(bytes.subarray(0, 16).equals(guidToBytes(MAILBOX))).toBe(true);
    expect(bytes.readUIntBE(16, 6)).toBe(0x010203);
  });

  it("changeKeyFor: a new sequence gives a new key; other mailboxes never share keys", () => {
    const keys = new Set([1, 2, 3, 2 ** 40].map((seq) => changeKeyFor(MAILBOX, seq)));
    expect(keys.size).toBe(4);
    expect(changeKeyFor(MAILBOX, 5)).not.toBe(changeKeyFor("5e1e4a3c-2f71-4d8a-9b2e-7c4f0a1d6b02", 5));
  });
});

describe("isGuid", () => {
  it("isGuid: hyphenated GUIDs in any case only", () => {
    expect(isGuid(MAILBOX)).toBe(true);
    expect(isGuid(MAILBOX.toUpperCase())).toBe(true);
    expect(isGuid(MAILBOX.replace(/-/g, ""))).toBe(false);
    expect(isGuid(`{${MAILBOX}}`)).toBe(false);
    expect(isGuid("samanthab@contoso.com")).toBe(false);
  });
});

describe("occurrence ids", () => {
  it("occurrenceIdFor: stable, URL-safe, and decodes to its series and original start", () => {
    const master = newEntityId(counterIds(7), "event", MAILBOX);
    for (const start of [Date.UTC(2026, 11, 2, 9), Date.UTC(1969, 6, 20, 20, 17), 0]) {
      const id = occurrenceIdFor(master, start);
      expect(id).toMatch(/^[A-Za-z0-9_-]{51}$/);
      expect(occurrenceIdFor(master, start)).toBe(id);
      expect(parseOccurrenceId(id)).toEqual({ masterId: master, originalStartMs: start });
      expect(isWellFormedEventId(id)).toBe(true);
    }
    expect(occurrenceIdFor(master, 1)).not.toBe(occurrenceIdFor(master, 2));
  });

  it("parseOccurrenceId: refuses event ids, other kinds and garbage", () => {
    const event = newEntityId(randomIds, "event", MAILBOX);
    expect(parseOccurrenceId(event)).toBeUndefined();
    expect(isWellFormedEventId(event)).toBe(true);
    expect(isWellFormedEventId(newEntityId(randomIds, "calendar", MAILBOX))).toBe(false);
    expect(parseOccurrenceId("x".repeat(51))).toBeUndefined();
  });
});
