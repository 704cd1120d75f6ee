import { randomBytes, randomUUID } from "node:crypto";

/** Where new identifiers come from; injected so tests can make them predictable. */
export interface IdSource {
  guid(): string;
  bytes(n: number): Uint8Array;
}

export const randomIds: IdSource = {
  guid: () => randomUUID(),
  bytes: (n) => randomBytes(n),
};

export type EntityKind = "calendar" | "calendarGroup" | "permission" | "event";
const KIND_BYTE: Record<EntityKind, number> = { calendar: 0x43, calendarGroup: 0x47, permission: 0x50, event: 0x45 };
const OCCURRENCE_KIND = 0x4f;
const ID_VERSION = 1;
const ID_BYTES = 30; // 1 version + 1 kind + 16 mailbox guid + 12 random -> 40 base64url chars, no padding
const ID_PATTERN = /^[A-Za-z0-9_-]{40}$/;

export function guidToBytes(guid: string): Buffer {
  return Buffer.from(guid.replace(/-/g, ""), "hex");
}

/**
 * Ids are opaque to clients but decodable by us: a version, the entity kind and the owning
 * mailbox, so a garbled id is told apart (400 ErrorInvalidIdMalformed) from a missing one (404).
 * The alphabet is base64url, safe in paths and in Kiota's URI templates.
 */
export function newEntityId(ids: IdSource, kind: EntityKind, mailboxId: string): string {
  const buf = Buffer.alloc(ID_BYTES);
  buf[0] = ID_VERSION;
  buf[1] = KIND_BYTE[kind];
  guidToBytes(mailboxId).copy(buf, 2);
  Buffer.from(ids.bytes(12)).copy(buf, 18);
  return buf.toString("base64url");
}

export function isWellFormedId(id: string, kind: EntityKind): boolean {
  if (!ID_PATTERN.test(id)) return false;
  const buf = Buffer.from(id, "base64url");
  return buf.length === ID_BYTES && buf[0] === ID_VERSION && buf[1] === KIND_BYTE[kind];
}

// An occurrence id: version, kind, the master's mailbox guid and random bytes (its id without the
// header), then the occurrence's original start as a signed 64-bit epoch-ms. So it is the same on
// every expansion, across restarts, without a row (a `noEnd` series has no end of occurrences),
// and an exception keeps the id of the occurrence it replaced. 38 bytes: 51 base64url chars.
const OCCURRENCE_BYTES = 38;
const OCCURRENCE_PATTERN = /^[A-Za-z0-9_-]{51}$/;

/** The id of the occurrence of series `masterId` that the pattern puts at `originalStartMs`. */
export function occurrenceIdFor(masterId: string, originalStartMs: number): string {
  const master = Buffer.from(masterId, "base64url");
  const buf = Buffer.alloc(OCCURRENCE_BYTES);
  buf[0] = ID_VERSION;
  buf[1] = OCCURRENCE_KIND;
  master.copy(buf, 2, 2, ID_BYTES);
  buf.writeBigInt64BE(BigInt(originalStartMs), ID_BYTES);
  return buf.toString("base64url");
}

/** The series and original start an occurrence id names, or undefined if it is not one. */
export function parseOccurrenceId(id: string): { masterId: string; originalStartMs: number } | undefined {
  if (!OCCURRENCE_PATTERN.test(id)) return undefined;
  const buf = Buffer.from(id, "base64url");
  if (buf.length !== OCCURRENCE_BYTES || buf[0] !== ID_VERSION || buf[1] !== OCCURRENCE_KIND) return undefined;
  const master = Buffer.alloc(ID_BYTES);
  master[0] = ID_VERSION;
  master[1] = KIND_BYTE.event;
  buf.copy(master, 2, 2, ID_BYTES);
  return { masterId: master.toString("base64url"), originalStartMs: Number(buf.readBigInt64BE(ID_BYTES)) };
}

/** An event id (single instance or series master) or an occurrence/exception id. */
export function isWellFormedEventId(id: string): boolean {
  return isWellFormedId(id, "event") || parseOccurrenceId(id) !== undefined;
}

/**
 * A changeKey looks like Exchange's: base64 of the mailbox guid followed by a 48-bit change
 * counter, so every change gets a new, never reused key.
 */
export function changeKeyFor(mailboxId: string, seq: number): string {
  const buf = Buffer.alloc(22);
  guidToBytes(mailboxId).copy(buf, 0);
  buf.writeUIntBE(seq, 16, 6);
  return buf.toString("base64");
}

const GUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export function isGuid(value: string): boolean {
  return GUID_PATTERN.test(value);
}
