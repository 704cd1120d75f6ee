import type { FixtureDocument, FixtureLoadResult, FixtureMode } from "../domain/index.js";
import type { GraphcalServer } from "./create-server.js";

/**
 * Loads a fixture (schemas/fixture.schema.json) into a server's store in one transaction: all
 * of it or, on the first problem, none of it (a ValidationError naming the bad path, e.g.
 * `users[2].calendars[0].color`). The same as `POST /_graphcal/fixtures`, without HTTP or a token.
 *
 * @example
 * const server = await createServer(parseConfig({ DATA_DIR: ":memory:", SEED_DEMO: "false" }));
 * await loadFixture(server, {
 *   users: [{ userPrincipalName: "ada@contoso.com", displayName: "Ada",
 *     calendars: [{ name: "Work", color: "lightBlue", events: [{ subject: "Standup",
 *       start: { dateTime: "2027-01-11T09:00:00", timeZone: "UTC" }, end: { dateTime: "2027-01-11T09:15:00", timeZone: "UTC" } }] }] }],
 * });
 */
export async function loadFixture(server: GraphcalServer, fixture: unknown, options: { mode?: FixtureMode } = {}): Promise<FixtureLoadResult> {
  return server.fixtures.load({ fixture, ...options });
}

/**
 * The server's current state as a fixture document (`GET /_graphcal/fixtures`): every user, or
 * those named (id or UPN). Loading it into an emptied store gives back the same state, ids included.
 *
 * @example
 * const before = await exportFixture(server, { mailboxes: ["ada@contoso.com"] });
 * // … a test changes Ada's calendars …
 * await loadFixture(server, before, { mode: "replace" }); // Ada as she was (her delta links answer 410)
 */
export async function exportFixture(server: GraphcalServer, options: { mailboxes?: readonly string[] } = {}): Promise<FixtureDocument> {
  return server.fixtures.export(options);
}
