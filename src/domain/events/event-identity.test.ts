import { describe, expect, it } from "vitest";
import { Temporal } from "temporal-polyfill";
import { randomIds, type IdSource } from "../ids.js";
import { newEventUid, occurrenceICalUId, webLinkFor } from "./event-identity.js";

const fixedIds: IdSource = { guid: () => "00000000-0000-4000-8000-000000000000", bytes: (n) => new Uint8Array(n).fill(0xab) };

describe("event identity", () => {
  it("newEventUid: Exchange's GlobalObjectId in hex: class id, no instance date, creation FILETIME, length 16, data", () => {
    const uid = newEventUid(fixedIds, Date.UTC(2026, 0, 1));
    expect(uid).toMatch(/^040000008200E00074C5B7101A82E008[0-9A-F]+$/);
    expect(uid.slice(32, 40)).toBe("00000000");
    // 2026-01-01T00:00Z as FILETIME little-endian.
    const ticks = (BigInt(Date.UTC(2026, 0, 1)) + 11_644_473_600_000n) * 10_000n;
    const le = Buffer.alloc(8);
    le.writeBigUInt64LE(ticks);
    expect(uid.slice(40, 56)).toBe(le.toString("hex").toUpperCase());
    expect(uid.slice(72, 80)).toBe("10000000");
    expect(uid.slice(80)).toBe("AB".repeat(16));
    expect(newEventUid(randomIds, 0)).not.toBe(newEventUid(randomIds, 0));
  });

  it("occurrenceICalUId: differs per occurrence only in the instance date, so the series' uid stays recognisable", () => {
    const uid = newEventUid(fixedIds, 0);
    const a = occurrenceICalUId(uid, Temporal.PlainDate.from("2026-03-02"));
    const b = occurrenceICalUId(uid, Temporal.PlainDate.from("2026-03-09"));
    expect(a).not.toBe(b);
    expect(a.slice(32, 40)).toBe("07EA0302");
    expect(a.slice(0, 32) + a.slice(40)).toBe(uid.slice(0, 32) + uid.slice(40));
  });

  it("webLinkFor: the item id URL-encoded into Outlook on the web's link (spec §1.2)", () => {
    expect(webLinkFor("AB+c/d=")).toBe("https://outlook.office365.com/owa/?itemid=AB%2Bc%2Fd%3D&exvsurl=1&path=/calendar/item");
  });
});
