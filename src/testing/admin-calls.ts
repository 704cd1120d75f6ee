import { callAdmin, type AdminMethod } from "../server/index.js";

export type { AdminMethod };

// The helper's calls to the server's /_graphcal controls: over HTTP, as any other client of the
// emulator makes them, so the helper proves the endpoints it stands on.

/**
 * A control call the server refused: its status and Graph error code and message.
 *
 * @example
 * await gc.clock.advance("soon").catch((e: GraphcalAdminError) => e.code); // "BadRequest"
 */
export class GraphcalAdminError extends Error {
  override readonly name = "GraphcalAdminError";
  constructor(readonly status: number, readonly code: string, message: string) {
    super(message);
  }
}

/** Sends one admin call with `bearer()` and returns its JSON answer (undefined for 204). */
export async function adminCall(args: {
  origin: string; bearer: () => Promise<string | undefined>; method: AdminMethod; path: string; body?: unknown;
}): Promise<unknown> {
  const res = await callAdmin({ baseUrl: args.origin, token: await args.bearer(), method: args.method, path: args.path, body: args.body });
  const { body, text } = res;
  if (res.status >= 200 && res.status < 300) return body;
  const error = (body as { error?: { code?: string; message?: string } } | undefined)?.error;
  throw new GraphcalAdminError(
    res.status, error?.code ?? "HttpError",
    `graphcal: ${args.method} ${args.path} answered ${res.status} ${error?.code ?? ""}: ${error?.message ?? text.slice(0, 200)}`,
  );
}

/** Milliseconds as the ISO 8601 duration POST /_graphcal/clock takes (`PT1.5S`, `-PT60S`). */
export function durationOf(by: string | number): string {
  if (typeof by === "string") return by;
  if (!Number.isFinite(by)) throw new TypeError(`graphcal: clock.advance takes an ISO 8601 duration or milliseconds, got ${by}`);
  return `${by < 0 ? "-" : ""}PT${Math.abs(by) / 1000}S`;
}
