// graphcal local-store dump — a local sync store on stdout: its calendars as a JSON array, or
// with --events its events as a calendar view (occurrences hydrated from their series master);
// --ics FILE (or `local-store ics FILE`) writes the events as an iCalendar file instead.
import { writeFile } from "node:fs/promises";
import { parseArgs } from "node:util";
import { eventsToIcs, hydrateEvents, openSqliteLocalStore, type LocalStore } from "../client/index.js";

export const LOCAL_STORE_USAGE = `Usage: graphcal local-store dump --store <file.db> [--events] [--ics <file.ics>]
       graphcal local-store ics <file.ics> --store <file.db>
`;

export async function runLocalStore(args: string[]): Promise<number> {
  const [action, ...rest] = args;
  let parsed;
  try {
    parsed = parseArgs({ args: rest, allowPositionals: true, options: { store: { type: "string" }, events: { type: "boolean" }, ics: { type: "string" } } });
  } catch (error) {
    process.stderr.write(`graphcal local-store: ${(error as Error).message}\n\n${LOCAL_STORE_USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  const ics = action === "ics" ? positionals[0] : values.ics;
  const valid = action === "dump" ? positionals.length === 0 : action === "ics" && positionals.length === 1;
  if (!valid || !values.store) {
    process.stderr.write(LOCAL_STORE_USAGE);
    return 2;
  }
  let store: LocalStore;
  try {
    store = await openSqliteLocalStore(values.store, { mustExist: true });
  } catch (error) {
    process.stderr.write(`graphcal local-store: cannot open ${values.store}: ${(error as Error).message}\n`);
    return 1;
  }
  try {
    if (ics !== undefined) {
      const events = await store.listEvents();
      await writeFile(ics, await eventsToIcs(events));
      process.stderr.write(`wrote ${hydrateEvents(events).length} events to ${ics}\n`);
    } else if (values.events) {
      process.stdout.write(`${JSON.stringify(hydrateEvents(await store.listEvents()), null, 2)}\n`);
    } else {
      process.stdout.write(`${JSON.stringify(await store.listCalendars(), null, 2)}\n`);
    }
    return 0;
  } finally {
    await store.close();
  }
}
