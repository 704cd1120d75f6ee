import { createHash } from "node:crypto";
import type { IssuedCursor } from "./delta-cursor.js";
import { scopeKeyOf } from "./cursor-checks.js";

/**
 * What names one delta or skip link when an administrator expires it (issue 11 §7): a SHA-256
 * of everything its token says, in a fixed order. Two token strings with the same fingerprint
 * (the same cursor under a rotated HMAC key) are the same link for the client, and the token
 * itself is never stored. A fresh token for the same position differs in `issuedAt`, so
 * expiring one link leaves the others of the mailbox working.
 */
export function cursorFingerprint(cursor: IssuedCursor): string {
  const fields = [
    cursor.kind, cursor.mailboxId, cursor.apiVersion, cursor.caller, cursor.issuedAt, cursor.since,
    cursor.kind === "page" ? cursor.upTo : null, cursor.kind === "page" ? cursor.after : null,
    cursor.select, scopeKeyOf(cursor) ?? null,
  ];
  return createHash("sha256").update(JSON.stringify(fields)).digest("base64url");
}
