/**
 * The delta-token reuse window. A deltaLink polled with nothing new comes back unchanged while
 * its token is younger than this (and than a 24th of the retention period); older ones are
 * re-issued at the same watermark, so `issuedAt` (which drives the retention age limit) stays
 * recent for a client that keeps polling. Repeating the token lets the HTTP edge skip
 * re-encoding and re-signing it (DeltaTokenCodec.encode hands back the token a cursor was
 * decoded from). Graph allows it: an unchanged resource gets "the same or a new token".
 *
 * Safe because a repeated token says exactly what a new one would (same mailbox, version,
 * caller, $select and watermark); only its age differs, and the window keeps that age far below
 * the retention limit, so a client that polls is never pushed into a 410 by it.
 */
export const TOKEN_REUSE_MS = 3600_000;
