// graphcal/client — keep a local store of a mailbox's calendars in step with Microsoft Graph's
// calendars/delta (or graphcal's). Imports no server code. See README.md in this folder.
export { DeltaSync, type DeltaSyncOptions } from "./delta-sync.js";
export type { RoundSummary, SyncEvent, WatchSummary } from "./sync-events.js";
export type { RoundCounts } from "./round-stage.js";
export type { CalendarRecord, LocalStoreCommit, SyncState, LocalStore } from "./local-store.js";
export { MemoryLocalStore } from "./memory-local-store.js";
export { openSqliteLocalStore, type SqliteLocalStoreOptions } from "./sqlite-local-store.js";
export {
  cachedAccessTokenSource, jwtExpiry, staticToken, toAccessTokenSource, tokenFunction, type AccessTokenInput, type AccessTokenSource,
} from "./access-token-source.js";
export { commandToken } from "./command-token.js";
export { clientCredentials, type ClientCredentialsOptions } from "./client-credentials.js";
export { DEFAULT_RETRY, parseRetryAfter, retryDelay, type RetryOptions } from "./retry-policy.js";
export type { RetryEvent } from "./retrying-fetch.js";
export { DeltaProtocolError, GraphRequestError, SyncStateLostError } from "./sync-errors.js";
