export { createApp, type AppOptions } from "./app.js";
export type { GraphServices } from "./graph-context.js";
export { DeltaTokenCodec, loadTokenKeys, type TokenKeys } from "./odata/delta-token.js";
export { pollReplayOf, type PollReplay } from "./poll-replay.js";
export { authorizeAdmin, adminMailbox, type AdminCaller } from "./routes/admin-auth.js";
export type { AdminControls } from "./routes/control-routes.js";
