import { ValidationError } from "../../domain/index.js";
import { parseFaultRule, type FaultAnswer } from "./fault-rule.js";

// `X-Graphcal-Fault` on a single request: a one-off fault without adding a rule. Values:
// a status (`429`, `503`, `410` …) optionally followed by its Graph code (`429 ApplicationThrottled`,
// `410 ResyncRequired`), `drop`, or `latency=250` (milliseconds, then the normal answer).

export const FAULT_HEADER = "x-graphcal-fault";

export function parseFaultHeader(value: string | string[]): FaultAnswer {
  const text = (Array.isArray(value) ? value.join(",") : value).trim();
  const where = "X-Graphcal-Fault";
  if (/^drop$/i.test(text)) return { drop: true };
  const latency = /^latency=(\d+)$/i.exec(text);
  if (latency) return parseFaultRule({ latencyMs: Number(latency[1]) }, where);
  const status = /^(\d{3})(?:\s+([A-Za-z]+))?$/.exec(text);
  if (status) return parseFaultRule({ status: Number(status[1]), ...(status[2] && { code: status[2] }) }, where);
  throw new ValidationError(`${where}: expected a status (429, 503, 504, 500, 410, 401; optionally followed by its code), 'drop' or 'latency=MS', got '${text}'`, "badRequest");
}
