import { Temporal } from "temporal-polyfill";
import type { IdSource } from "../ids.js";

// iCalUId, beta's uid and webLink, shaped like Exchange's so clients that parse or log them see
// familiar values (spec §1.2).
//
// Exchange's iCalUId is the hex of a GlobalObjectId (MS-OXOCAL 2.2.1.27): a fixed 16-byte class
// id, 4 bytes of instance date (year big-endian, month, day; zero for a single instance or the
// series), 8 bytes of creation time, 8 reserved, a 4-byte little-endian length and the data.
// Occurrences differ from their series only in the instance date: "different for each
// occurrence" (spec §1.2) while `uid` stays the series'.
// see: https://learn.microsoft.com/openspecs/exchange_server_protocols/ms-oxocal (PidLidGlobalObjectId)

const CLASS_ID = "040000008200E00074C5B7101A82E008";
const DATA_BYTES = 16;

/** A new event's uid: the GlobalObjectId without an instance date. */
export function newEventUid(ids: IdSource, createdMs: number): string {
  const header = Buffer.alloc(24);
  // FILETIME: 100-ns ticks since 1601-01-01, little-endian.
  header.writeBigUInt64LE((BigInt(createdMs) + 11_644_473_600_000n) * 10_000n, 4);
  header.writeUInt32LE(DATA_BYTES, 20);
  return (CLASS_ID + header.toString("hex") + Buffer.from(ids.bytes(DATA_BYTES)).toString("hex")).toUpperCase();
}

/** The iCalUId of the occurrence on `date` (the original start's date in the series' zone). */
export function occurrenceICalUId(uid: string, date: Temporal.PlainDate): string {
  const instance = Buffer.alloc(4);
  instance.writeUInt16BE(date.year, 0);
  instance[2] = date.month;
  instance[3] = date.day;
  return uid.slice(0, CLASS_ID.length) + instance.toString("hex").toUpperCase() + uid.slice(CLASS_ID.length + 8);
}

/** Where Outlook on the web opens the item (spec §1.2). */
export function webLinkFor(eventId: string): string {
  return `https://outlook.office365.com/owa/?itemid=${encodeURIComponent(eventId)}&exvsurl=1&path=/calendar/item`;
}
