export * from "./calendar.js";
export * from "./errors.js";
export * from "./odata.js";
export * from "./event.js";
export * from "./subscription.js";
