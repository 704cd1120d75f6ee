// graphcal/testing — graphcal in your test suite's process: startGraphcal() gives a server on an
// in-memory store and a free port, tokens, and the emulator's controls (clock, faults, quirks,
// resets, token expiry, the requests log). See "Using graphcal in your tests" in the README.
export { startGraphcal, type Graphcal, type GraphcalFixture, type StartGraphcalOptions, type TokenSubject } from "./start-graphcal.js";
export { GraphcalAdminError } from "./admin-calls.js";
export type { FaultRuleSpec, FaultRuleView, QuirkName, RequestLogEntry, ThrottleLimits } from "../http/index.js";
