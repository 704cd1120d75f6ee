export { createApp, type AppOptions } from "./app.js";
export type { GraphServices } from "./graph-context.js";
export { DeltaTokenCodec, loadTokenKeys, type TokenKeys } from "./odata/delta-token.js";
export { pollReplayOf, type PollReplay } from "./poll-replay.js";
