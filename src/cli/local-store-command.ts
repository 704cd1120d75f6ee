// graphcal local-store dump — a local sync store on stdout: its calendars as a JSON array, or
// with --events its events as a calendar view (occurrences hydrated from their series master);
// --ics FILE (or `local-store ics FILE`) writes the events as an iCalendar file instead.
import { writeFile } from "node:fs/promises";
import { eventsToIcs, hydrateEvents, openSqliteLocalStore, type LocalStore } from "../client/index.js";
import { UsageError } from "./cli-errors.js";
import { defineCommand } from "./command.js";

export const localStoreCommand = defineCommand({
  name: "local-store",
  usage: ["dump --store FILE.db [--events] [--ics FILE.ics]", "ics FILE.ics --store FILE.db"],
  flags: {
    store: { type: "string", value: "FILE.db", help: "the store graphcal sync wrote" },
    events: { type: "boolean", help: "dump: the events (a calendar view, occurrences expanded) instead of the calendars" },
    ics: { type: "string", value: "FILE.ics", help: "dump: write the events as iCalendar to this file" },
  },
  notes: ["JSON goes to stdout; the store is only read."],
  examples: ["graphcal local-store dump --store calendars.db --events"],
  positionals: true,
  async run({ values, positionals }) {
    const [action, ...rest] = positionals;
    const ics = action === "ics" ? rest[0] : values.ics;
    const valid = action === "dump" ? rest.length === 0 : action === "ics" && rest.length === 1;
    if (!valid) throw new UsageError("give an action: dump, or ics FILE.ics");
    if (!values.store) throw new UsageError("--store FILE.db is required");
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
  },
});
