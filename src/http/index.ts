export { createApp, type AppOptions } from "./app.js";
export type { GraphServices } from "./graph-context.js";
export { DeltaTokenCodec, loadTokenKeys, type TokenKeys } from "./odata/delta-token.js";
export { pollReplayOf, type PollReplay } from "./poll-replay.js";
export { authorizeAdmin, adminMailbox, type AdminCaller } from "./routes/admin-auth.js";
export type { AdminControls } from "./routes/control-routes.js";
export { FaultControl, type FaultControlOptions } from "./faults/fault-control.js";
export { parseFaultRules, type FaultRuleSpec } from "./faults/fault-rule.js";
export { OUTLOOK_LIMITS, type ThrottleLimits } from "./faults/outlook-throttle.js";
