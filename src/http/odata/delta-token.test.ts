import { createHmac, randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { BadSyncTokenError, type IssuedCursor } from "../../domain/index.js";
import { DeltaTokenCodec, type TokenKeys } from "./delta-token.js";

const secret = () => randomBytes(32).toString("base64url");
const binding = {
  mailboxId: "5e1e4a3c-2f71-4d8a-9b2e-7c4f0a1d6b01", apiVersion: "beta" as const,
  select: null, caller: "u:5e1e4a3c-2f71-4d8a-9b2e-7c4f0a1d6b01", issuedAt: 1_790_000_000,
};
const page: IssuedCursor = { kind: "page", since: 17, upTo: 42, after: 23, ...binding };
const round: IssuedCursor = { kind: "round", since: 42, ...binding, apiVersion: "v1.0", select: ["id", "name"], caller: "a:c0ffee00-cafe-4bad-a55e-000000000001" };

function codec(keys: TokenKeys = { current: "k1", keys: { k1: secret() } }): DeltaTokenCodec {
  return new DeltaTokenCodec(keys);
}

function expectBad(fn: () => unknown): void {
  expect(fn).toThrow(BadSyncTokenError);
  expect(fn).toThrow("Badly formed token.");
}

describe("DeltaTokenCodec", () => {
  it("encode: a page cursor round-trips through $skiptoken", () => {
    const c = codec();
    expect(c.decode(c.encode(page), "skip")).toEqual(page);
  });

  it("encode: a round cursor round-trips through $deltatoken, with $select and an app caller", () => {
    const c = codec();
    expect(c.decode(c.encode(round), "delta")).toEqual(round);
  });

  it("encode: edge values (zero seqs, empty select, large seqs) round-trip", () => {
    const c = codec();
    const cursors: IssuedCursor[] = [
      { kind: "page", since: 0, upTo: 0, after: 0, ...binding },
      { kind: "round", since: 0, ...binding, select: [] },
      { kind: "page", since: 2 ** 40, upTo: 2 ** 41, after: 2 ** 41 - 1, ...binding },
      { kind: "round", since: Number.MAX_SAFE_INTEGER, ...binding, select: ["id", "name", "color", "owner"] },
    ];
    for (const cursor of cursors) expect(c.decode(c.encode(cursor), cursor.kind === "page" ? "skip" : "delta")).toEqual(cursor);
  });

  it("encode: tokens use only [A-Za-z0-9_.-] (safe in both SDKs' links, spec §11.3)", () => {
    const c = codec({ current: "Ab_9-", keys: { "Ab_9-": secret() } });
    for (let i = 0; i < 200; i++) {
      const cursor: IssuedCursor = i % 2
        ? { kind: "page", since: i, upTo: i * 7, after: i * 3, ...binding, caller: `u:${randomBytes(8).toString("hex")}` }
        : { kind: "round", since: i * 11, ...binding, select: ["name", "hexColor"] };
      expect(c.encode(cursor)).toMatch(/^[A-Za-z0-9_.-]+$/);
    }
  });

  it("decode: a token of the wrong kind for the parameter is badly formed", () => {
    const c = codec();
    expectBad(() => c.decode(c.encode(page), "delta"));
    expectBad(() => c.decode(c.encode(round), "skip"));
  });

  it("decode: any changed character (key id, payload or MAC) is detected", () => {
    const c = codec();
    for (const cursor of [page, round]) {
      const token = c.encode(cursor);
      const as = cursor.kind === "page" ? "skip" : "delta";
      for (let i = 0; i < token.length; i++) {
        if (token[i] === ".") continue;
        const flipped = token.slice(0, i) + (token[i] === "A" ? "B" : "A") + token.slice(i + 1);
        expectBad(() => c.decode(flipped, as));
      }
    }
  });

  it("decode: truncated, extended and garbage tokens are badly formed", () => {
    const c = codec();
    const token = c.encode(page);
    const bad = [
      "", ".", "..", "a.b.c", "a.b", "a.b.c.d", token.slice(0, -1), token.slice(1), `${token}A`, `${token}.`,
      token.split(".").slice(0, 2).join("."), "x".repeat(5000), "\u00fc.\u00fc.\u00fc",
    ];
    for (const t of bad) expectBad(() => c.decode(t, "skip"));
  });

  it("decode: a validly signed payload that is not a cursor is badly formed", () => {
    const keys = { current: "k1", keys: { k1: secret() } };
    const c = codec(keys);
    // Re-sign foreign payloads with the real key, as a key leak or a format change would.
    const sign = (payload: unknown) => {
      const body = `k1.${Buffer.from(typeof payload === "string" ? payload : JSON.stringify(payload)).toString("base64url")}`;
      return `${body}.${createHmac("sha256", Buffer.from(keys.keys.k1, "base64url")).update(body).digest("base64url")}`;
    };
    expect(c.decode(sign({ v: 1, k: "r", m: "m", a: "beta", s: 0, f: 1, c: "u:x", i: 1 }), "delta")).toMatchObject({ kind: "round", since: 1 });
    for (const payload of [
      "not json", "null", "[]", { v: 2, k: "r", m: "m", a: "beta", s: 0, f: 1, c: "u:x", i: 1 },
      { v: 1, k: "r", m: "m", a: "v2.0", s: 0, f: 1, c: "u:x", i: 1 },
      { v: 1, k: "r", m: "m", a: "beta", s: "name", f: 1, c: "u:x", i: 1 },
      { v: 1, k: "p", m: "m", a: "beta", s: 0, f: 1, c: "u:x", i: 1 },
      { v: 1, k: "x", m: "m", a: "beta", s: 0, f: 1, c: "u:x", i: 1 },
      { v: 1, k: "r", m: 5, a: "beta", s: 0, f: 1, c: "u:x", i: 1 },
      { v: 1, k: "r", m: "m", a: "beta", s: [1], f: 1, c: "u:x", i: 1 },
      { v: 1, k: "r", m: "m", a: "beta", s: 0, f: "1", c: "u:x", i: 1 },
      { v: 1, k: "r", m: "m", a: "beta", s: 0, f: 1.5, c: "u:x", i: 1 },
      { v: 1, k: "r", m: "m", a: "beta", s: 0, f: 1, c: "u:x" },
    ]) {
      expectBad(() => c.decode(sign(payload), "delta"));
      expectBad(() => c.decode(sign(payload), "skip"));
    }
  });

  it("decode: tokens of another key set (another server) are badly formed", () => {
    const a = codec({ current: "k1", keys: { k1: secret() } });
    const b = codec({ current: "k1", keys: { k1: secret() } });
    expectBad(() => b.decode(a.encode(page), "skip"));
  });

  it("key rotation: a codec with keys {old, new} and current=new decodes tokens made by old", () => {
    const oldSecret = secret();
    const newSecret = secret();
    const before = codec({ current: "old", keys: { old: oldSecret } });
    const after = codec({ current: "new", keys: { old: oldSecret, new: newSecret } });
    const oldPage = before.encode(page);
    const oldRound = before.encode(round);
    expect(after.decode(oldPage, "skip")).toEqual(page);
    expect(after.decode(oldRound, "delta")).toEqual(round);
    // New tokens are signed with the new key …
    const fresh = after.encode(round);
    expect(fresh.startsWith("new.")).toBe(true);
    expect(after.decode(fresh, "delta")).toEqual(round);
    // … which the old codec does not know; and once the old key is dropped, old tokens die.
    expectBad(() => before.decode(fresh, "delta"));
    const retired = codec({ current: "new", keys: { new: newSecret } });
    expectBad(() => retired.decode(oldRound, "delta"));
    expect(retired.decode(fresh, "delta")).toEqual(round);
  });

  it("cache: a token decoded again is a hit: the same frozen cursor, which encodes back to the token itself", () => {
    const c = codec();
    const token = c.encode(round);
    const first = c.decode(token, "delta");
    expect(c.decode(token, "delta")).toBe(first);
    expect(Object.isFrozen(first)).toBe(true);
    expect(c.encode(first)).toBe(token);
    // A cursor derived from it (a renewed issuedAt) gets a token of its own.
    const renewed = c.encode({ ...first, issuedAt: first.issuedAt + 1 });
    expect(renewed).not.toBe(token);
    expect(c.decode(renewed, "delta")).toEqual({ ...round, issuedAt: round.issuedAt + 1 });
  });

  it("cache: a cached token is still checked for its kind, and failures are never cached", () => {
    const c = codec();
    const token = c.encode(page);
    expect(c.decode(token, "skip")).toEqual(page);
    expectBad(() => c.decode(token, "delta"));
    const flipped = `${token.slice(0, -1)}${token.endsWith("A") ? "B" : "A"}`;
    expectBad(() => c.decode(flipped, "skip"));
    expectBad(() => c.decode(flipped, "skip"));
    expect(c.decode(token, "skip")).toEqual(page);
  });

  it("cache: a token of an older key is accepted but re-issued under the current key", () => {
    const oldSecret = secret();
    const before = codec({ current: "old", keys: { old: oldSecret } });
    const after = codec({ current: "new", keys: { old: oldSecret, new: secret() } });
    const oldRound = before.encode(round);
    const cursor = after.decode(oldRound, "delta");
    const reissued = after.encode(cursor);
    expect(reissued.startsWith("new.")).toBe(true);
    expect(after.decode(reissued, "delta")).toEqual(round);
  });

  it("cache: bounded; tokens pushed out are verified again", () => {
    const c = codec();
    const first = c.encode(round);
    const cursor = c.decode(first, "delta");
    for (let i = 1; i <= 10_000; i++) c.decode(c.encode({ ...round, since: round.since + i }), "delta");
    const again = c.decode(first, "delta");
    expect(again).not.toBe(cursor);
    expect(again).toEqual(round);
  });

  it("issued pages: a page token this codec issued decodes once from what it wrote, exactly as verifying it gives", () => {
    const keys = { current: "k1", keys: { k1: secret() } };
    const c = codec(keys);
    const scoped: IssuedCursor = {
      ...page, select: ["subject"], scope: { resource: "calendarView", calendarId: "AAMkC1", viaDefault: true, window: { startMs: 0, endMs: 86_400_000 } },
    };
    const token = c.encode(scoped);
    const taken = c.decode(token, "skip");
    // Another codec with the same keys has issued nothing: it verifies the MAC and reads the payload.
    const verified = codec(keys).decode(token, "skip");
    expect(taken).toEqual(verified);
    expect(taken).toEqual(scoped);
    expect(Object.isFrozen(taken)).toBe(true);
    expect(Object.isFrozen(taken.select)).toBe(true);
    // Taken once: the next decode verifies and keeps it as any token, and the kind is still checked.
    const again = c.decode(token, "skip");
    expect(again).toEqual(scoped);
    expect(again).not.toBe(taken);
    expect(c.decode(token, "skip")).toBe(again);
    expectBad(() => c.decode(c.encode(page), "delta"));
    // A token one character off is never taken for an issued one.
    const other = c.encode({ ...page, after: 24 });
    expectBad(() => c.decode(`${other.slice(0, -1)}${other.endsWith("A") ? "B" : "A"}`, "skip"));
  });

  it("constructor: the current key must be among the keys", () => {
    expect(() => new DeltaTokenCodec({ current: "missing", keys: { k1: secret() } })).toThrow();
  });

  it("encode: event delta scopes round-trip, and the two resources never read as each other", () => {
    const c = codec();
    const scopes = [
      { resource: "calendarView" as const, calendarId: "AAMkC1", viaDefault: false, window: { startMs: 1_772_323_200_000, endMs: 1_775_001_600_000 } },
      { resource: "calendarView" as const, calendarId: "AAMkC1", viaDefault: true, window: { startMs: 0, endMs: 1 } },
      { resource: "events" as const, calendarId: "AAMkC1", startMs: 1_772_323_200_000 },
      { resource: "events" as const, calendarId: null, startMs: null },
      // A bound at the epoch is a bound, not "none".
      { resource: "events" as const, calendarId: null, startMs: 0 },
      { resource: "events" as const, calendarId: "AAMkC1", startMs: -86_400_000 },
    ];
    for (const scope of scopes) {
      const cursor: IssuedCursor = { kind: "round", since: 5, ...binding, scope };
      expect(c.decode(c.encode(cursor), "delta")).toEqual(cursor);
    }
  });
  it("inspect: reads a token of either kind with its key id, and refuses what decode refuses", () => {
    const c = codec({ current: "k2", keys: { k1: secret(), k2: secret() } });
    expect(c.inspect(c.encode(page))).toEqual({ keyId: "k2", cursor: page });
    expect(c.inspect(c.encode(round))).toEqual({ keyId: "k2", cursor: round });
    const token = c.encode(round);
    expectBad(() => c.inspect(`${token.slice(0, -2)}xx`));
    expectBad(() => c.inspect("not-a-token"));
    expectBad(() => c.inspect("x".repeat(5000)));
  });
});
