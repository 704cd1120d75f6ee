import { ValidationError } from "../../domain/index.js";
import { compilePathPattern } from "./path-pattern.js";

// A fault rule as the admin API and `--faults FILE` take it: which requests it breaks (method,
// path pattern, mailbox, app id), when (nth / times / probability with a seed), and how (a
// status with Graph's error body, added latency, or a dropped connection). Validated here, field
// by field, so a bad rule is a 400 that names the field instead of a rule that never fires.

/** The failures a rule can answer with, and the Graph codes each may carry (the first is the default). */
export const FAULT_STATUSES = {
  401: ["InvalidAuthenticationToken"],
  410: ["SyncStateNotFound", "ResyncRequired"],
  429: ["TooManyRequests", "ApplicationThrottled"],
  500: ["UnknownError"],
  503: ["ServiceUnavailable"],
  504: ["GatewayTimeout"],
} as const;

export type FaultStatus = keyof typeof FAULT_STATUSES;

/** How a request a rule fires on is answered. `latencyMs` may come with a status or a drop. */
export interface FaultAnswer {
  status?: FaultStatus;
  /** One of FAULT_STATUSES[status]; defaults to the first. */
  code?: string;
  /** Seconds, for 429 and 503 (may be fractional, as Graph's are). */
  retryAfter?: number;
  latencyMs?: number;
  /** Send the status line and part of the body, then destroy the socket. */
  drop?: boolean;
}

export interface FaultRuleSpec extends FaultAnswer {
  /** Given in a rules file, or assigned when added. */
  id?: string;
  method?: string;
  path?: string;
  mailbox?: string;
  appId?: string;
  /** Fire first on the nth matching request (1-based); alone, it fires on that one only. */
  nth?: number;
  /** Fire at most this many times. */
  times?: number;
  probability?: number;
  seed?: number;
}

const METHODS = ["GET", "POST", "PATCH", "PUT", "DELETE"];
const FIELDS = new Set([
  "id", "method", "path", "mailbox", "appId", "nth", "times", "probability", "seed", "status", "code", "retryAfter", "latencyMs", "drop",
]);
const DEFAULT_RETRY_AFTER_SECONDS = 1;

/** Validates one rule; `where` prefixes field names in messages (`[2].path`, for a list). */
export function parseFaultRule(input: unknown, where = ""): FaultRuleSpec {
  const bad = (field: string, reason: string): never => {
    const name = [where, field].filter(Boolean).join(".");
    throw new ValidationError(name ? `${name}: ${reason}` : reason, "badRequest");
  };
  if (typeof input !== "object" || input === null || Array.isArray(input)) bad("", "a fault rule is a JSON object");
  const raw = input as Record<string, unknown>;
  for (const key of Object.keys(raw)) if (!FIELDS.has(key)) bad(key, `unknown field (fields: ${[...FIELDS].join(", ")})`);

  const str = (field: string): string | undefined => {
    const v = raw[field];
    if (v === undefined) return undefined;
    if (typeof v !== "string" || v.trim() === "") bad(field, "must be a non-empty string");
    return (v as string).trim();
  };
  const num = (field: string, min: number, max: number, integer: boolean): number | undefined => {
    const v = raw[field];
    if (v === undefined) return undefined;
    if (typeof v !== "number" || !Number.isFinite(v) || (integer && !Number.isInteger(v)) || v < min || v > max) {
      bad(field, `must be ${integer ? "an integer" : "a number"} from ${min} to ${max}, got ${JSON.stringify(v)}`);
    }
    return v as number;
  };

  const spec: FaultRuleSpec = {};
  const id = str("id");
  if (id !== undefined) {
    if (!/^[A-Za-z0-9._-]{1,64}$/.test(id)) bad("id", "letters, digits, '.', '_' and '-' only, at most 64");
    spec.id = id;
  }
  const method = str("method")?.toUpperCase();
  if (method !== undefined) {
    if (!METHODS.includes(method)) bad("method", `must be one of ${METHODS.join(", ")}`);
    spec.method = method;
  }
  const path = str("path");
  if (path !== undefined) {
    try {
      compilePathPattern(path);
    } catch (error) {
      bad("path", (error as Error).message);
    }
    spec.path = path;
  }
  const mailbox = str("mailbox");
  if (mailbox !== undefined) spec.mailbox = mailbox;
  const appId = str("appId");
  if (appId !== undefined) spec.appId = appId;

  const nth = num("nth", 1, Number.MAX_SAFE_INTEGER, true);
  if (nth !== undefined) spec.nth = nth;
  const times = num("times", 1, Number.MAX_SAFE_INTEGER, true);
  if (times !== undefined) spec.times = times;
  const probability = num("probability", 0, 1, false);
  if (probability !== undefined) spec.probability = probability;
  const seed = num("seed", 0, 0xffffffff, true);
  if (seed !== undefined) {
    if (probability === undefined) bad("seed", "only means something with probability");
    spec.seed = seed;
  }

  const status = raw.status;
  if (status !== undefined) {
    if (typeof status !== "number" || !Object.hasOwn(FAULT_STATUSES, status)) {
      bad("status", `must be one of ${Object.keys(FAULT_STATUSES).join(", ")}, got ${JSON.stringify(status)}`);
    }
    spec.status = status as FaultStatus;
  }
  const code = str("code");
  if (code !== undefined) {
    if (spec.status === undefined) bad("code", "needs a status");
    const codes: readonly string[] = FAULT_STATUSES[spec.status as FaultStatus];
    if (!codes.includes(code)) bad("code", `for status ${spec.status} must be one of ${codes.join(", ")}`);
    spec.code = code;
  }
  const retryAfter = num("retryAfter", 0, 86_400, false);
  if (retryAfter !== undefined) {
    if (spec.status !== 429 && spec.status !== 503) bad("retryAfter", "only 429 and 503 answers carry Retry-After");
    spec.retryAfter = retryAfter;
  }
  const latencyMs = num("latencyMs", 0, 600_000, true);
  if (latencyMs !== undefined) spec.latencyMs = latencyMs;
  if (raw.drop !== undefined) {
    if (raw.drop !== true) bad("drop", "must be true (leave it out otherwise)");
    if (spec.status !== undefined) bad("drop", "a dropped connection has no status: give one or the other");
    spec.drop = true;
  }
  if (spec.status === undefined && spec.latencyMs === undefined && spec.drop === undefined) {
    bad("status", "a rule needs an answer: status, latencyMs or drop");
  }
  return spec;
}

/** A rules file or request body: one rule, or a list of them. */
export function parseFaultRules(input: unknown): FaultRuleSpec[] {
  if (!Array.isArray(input)) return [parseFaultRule(input)];
  return input.map((rule, i) => parseFaultRule(rule, `[${i}]`));
}

/** The Retry-After a 429 or 503 answer sends when the rule gives none. */
export function retryAfterOf(answer: FaultAnswer): number {
  return answer.retryAfter ?? DEFAULT_RETRY_AFTER_SECONDS;
}
