import { describe, expect, it } from "vitest";
import { cursorFingerprint } from "./cursor-fingerprint.js";
import type { IssuedCursor } from "./delta-cursor.js";

const round: IssuedCursor = { kind: "round", since: 7, mailboxId: "m", apiVersion: "beta", select: null, caller: "u:m", issuedAt: 1000 };

describe("cursorFingerprint", () => {
  it("cursorFingerprint: the same cursor always hashes the same, whatever its property order", () => {
    const reordered = { issuedAt: 1000, caller: "u:m", select: null, apiVersion: "beta", mailboxId: "m", since: 7, kind: "round" } as IssuedCursor;
    expect(cursorFingerprint(reordered)).toBe(cursorFingerprint(round));
  });

  it("cursorFingerprint: any field that makes another link makes another hash", () => {
    const variants: IssuedCursor[] = [
      { ...round, issuedAt: 1001 }, { ...round, since: 8 }, { ...round, select: ["name"] }, { ...round, caller: "a:x" },
      { ...round, apiVersion: "v1.0" }, { kind: "page", since: 7, upTo: 9, after: 7, mailboxId: "m", apiVersion: "beta", select: null, caller: "u:m", issuedAt: 1000 },
      { ...round, scope: { resource: "events", calendarId: null, startMs: null } },
    ];
    const hashes = new Set([round, ...variants].map(cursorFingerprint));
    expect(hashes.size).toBe(variants.length + 1);
  });
});
