import type { FastifyInstance } from "fastify";
import { Temporal } from "temporal-polyfill";
import { ValidationError, type ClockControl, type ClockState } from "../../domain/index.js";
import { authorizeAdmin } from "./admin-auth.js";
import { exactlyOne, optionalBoolean, optionalString, readControlBody } from "./admin-body.js";

// The virtual clock (issue 11 §3): GET shows it, POST moves it.
//   {"advance": "P31D"}                  ISO 8601 duration; freezes the clock there
//   {"set": "2027-01-01T00:00:00Z"}      an instant with its offset; freezes the clock there
//   {"mode": "real" | "manual"}          back to the wall clock / freeze where it is
// Backwards moves need "allowBackwards": true (ClockControl says why).

export function registerClockRoutes(app: FastifyInstance, deps: { clock: ClockControl | undefined }): void {
  app.get("/_graphcal/clock", async (request, reply) => {
    await authorizeAdmin(request);
    return reply.send(view(control(deps.clock).state()));
  });

  app.post("/_graphcal/clock", async (request, reply) => {
    await authorizeAdmin(request);
    const clock = control(deps.clock);
    const body = readControlBody(request.body, ["advance", "set", "mode", "allowBackwards"]);
    const allowBackwards = optionalBoolean(body, "allowBackwards") ?? false;
    const command = exactlyOne(body, ["advance", "set", "mode"]);
    const value = optionalString(body, command) as string;
    const nowMs = clock.state().now.getTime();
    let state: ClockState;
    if (command === "mode") {
      if (value !== "real" && value !== "manual") throw new ValidationError("'mode' must be 'real' or 'manual'.", "badRequest");
      state = clock.setMode({ mode: value, allowBackwards });
    } else {
      const toMs = command === "advance" ? advanced(nowMs, value) : instant(value);
      state = clock.moveTo({ toMs, allowBackwards });
    }
    return reply.send(view(state));
  });
}

function control(clock: ClockControl | undefined): ClockControl {
  // Only a server embedded with its own non-controllable Clock has none.
  if (!clock) throw new ValidationError("This server runs on an injected clock that cannot be moved.", "badRequest");
  return clock;
}

function view(state: ClockState): { now: string; mode: string } {
  return { now: state.now.toISOString(), mode: state.mode };
}

/**
 * `nowMs` plus an ISO 8601 duration, added in UTC by the calendar: P1M from Jan 31 is Feb 28,
 * P1D is 24 hours. Temporal's parser is the standard's own (temporal-polyfill is a dependency).
 */
function advanced(nowMs: number, text: string): number {
  let duration: Temporal.Duration;
  try {
    duration = Temporal.Duration.from(text);
  } catch {
    throw new ValidationError(`'advance' must be an ISO 8601 duration such as 'P31D' or 'PT90M', got '${text}'.`, "badRequest");
  }
  try {
    return Temporal.Instant.fromEpochMilliseconds(nowMs).toZonedDateTimeISO("UTC").add(duration).epochMilliseconds;
  } catch {
    throw new ValidationError(`'advance' ${text} moves the clock out of range.`, "badRequest");
  }
}

/** An instant with an explicit offset or Z: a local time would be ambiguous. */
function instant(text: string): number {
  try {
    return Temporal.Instant.from(text).epochMilliseconds;
  } catch {
    throw new ValidationError(`'set' must be an ISO 8601 date-time with an offset, such as '2027-01-01T00:00:00Z', got '${text}'.`, "badRequest");
  }
}
