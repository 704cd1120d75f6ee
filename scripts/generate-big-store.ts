// Builds a graphcal SQLite store FAST for benchmarks: the schema comes from the project's own
// migrations (openStore), then rows go in directly through better-sqlite3 prepared statements in
// big transactions. Every row is made by the same domain functions the services use
// (newCalendarGroup, newDefaultCalendar, newBirthdaysCalendar, newCalendar, from* row mappers),
// in the order MailboxService.provision + CalendarService.create would write them:
//
//   seq 1  "My Calendars" group (groups are not in the change log)
//   seq 2  "Calendar" (default)                       + change-log entry
//   seq 3  "Birthdays" (when calendarsPerMailbox >= 2) + change-log entry
//   seq 4… "Calendar 4" … created by the user          + change-log entry each
//   mailboxes.change_seq = max(seq of its change-log entries)
//
// Mailbox ids are random v4 GUIDs, sorted before insertion, and UPNs are numbered, so every
// index that leads with mailbox_id (or upn_key) is filled by appending: no random B-tree writes.
//
// Usage: npm run bench:generate [-- --mailboxes 200000 --calendars-per-mailbox 5 --out .bench/big-store]
import { randomBytes, randomUUID } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import Database from "better-sqlite3";
import {
  newBirthdaysCalendar, newCalendar, newCalendarGroup, newDefaultCalendar, type Calendar, type IdSource, type Mailbox,
} from "../dist/domain/index.js";
import { fromCalendar, fromCalendarGroup, fromMailbox, openStore } from "../dist/store/index.js";
import { DEMO_TENANT_ID } from "../dist/server/index.js";

/** Bump when the shape of generated rows changes, so cached stores are rebuilt. */
export const GENERATOR_VERSION = 1;

export interface GenerateOptions {
  /** The data dir to create (holds graphcal.db); replaced atomically when done. */
  dir: string;
  mailboxes: number;
  calendarsPerMailbox: number;
  tenantId?: string;
  /** UPN prefix: users are `${prefix}${index padded to 7}@contoso.com`. */
  upnPrefix?: string;
  log?: (line: string) => void;
}

export interface StoreMeta {
  generatorVersion: number;
  mailboxes: number;
  calendarsPerMailbox: number;
  calendars: number;
  changes: number;
  tenantId: string;
  upnPrefix: string;
  generatedAt: string;
  seconds: number;
  bytes: number;
}

export function upnOf(prefix: string, index: number): string {
  return `${prefix}${String(index).padStart(7, "0")}@contoso.com`;
}

/** Reads the meta file of a generated store, or undefined if absent/stale. */
export function readStoreMeta(dir: string): StoreMeta | undefined {
  const file = join(dir, "meta.json");
  if (!existsSync(file) || !existsSync(join(dir, "graphcal.db"))) return undefined;
  const meta = JSON.parse(readFileSync(file, "utf8")) as StoreMeta;
  return meta.generatorVersion === GENERATOR_VERSION ? meta : undefined;
}

// A cheaper IdSource for millions of ids: one randomBytes call per 4 KiB of entropy.
function pooledIds(): IdSource {
  let pool = randomBytes(4096);
  let at = 0;
  return {
    guid: () => randomUUID(),
    bytes(n: number) {
      if (at + n > pool.length) {
        pool = randomBytes(4096);
        at = 0;
      }
      const out = pool.subarray(at, at + n);
      at += n;
      return out;
    },
  };
}

export async function generateStore(options: GenerateOptions): Promise<StoreMeta> {
  const started = performance.now();
  const log = options.log ?? (() => undefined);
  const tenantId = options.tenantId ?? DEMO_TENANT_ID;
  const upnPrefix = options.upnPrefix ?? "bench-u";
  const perMailbox = options.calendarsPerMailbox;
  if (perMailbox < 1) throw new Error("calendarsPerMailbox must be >= 1 (the default Calendar)");
  const dir = resolve(options.dir);
  const tmp = `${dir}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });

  // 1. The schema, exactly as the server creates it.
  const nowMs = Date.now();
  const store = await openStore({ dataDir: tmp, now: () => nowMs });
  await store.close();

  // 2. Bulk load with the journal off (a half-built store is thrown away anyway).
  const file = join(tmp, "graphcal.db");
  const db = new Database(file);
  db.pragma("journal_mode = OFF");
  db.pragma("synchronous = OFF");
  db.pragma("locking_mode = EXCLUSIVE");
  db.pragma("cache_size = -262144");
  db.pragma("temp_store = MEMORY");
  db.pragma("foreign_keys = OFF");

  const insertSql = (table: string, row: object) => {
    const cols = Object.keys(row);
    return db.prepare(`INSERT INTO ${table} (${cols.join(", ")}) VALUES (${cols.map((c) => `@${c}`).join(", ")})`);
  };
  const ids = pooledIds();
  const mailboxIds = Array.from({ length: options.mailboxes }, () => randomUUID()).sort();

  let insMailbox: Database.Statement | undefined;
  let insGroup: Database.Statement | undefined;
  let insCalendar: Database.Statement | undefined;
  let insChange: Database.Statement | undefined;
  let calendars = 0;

  const writeMailbox = (index: number) => {
    const upn = upnOf(upnPrefix, index);
    const mailbox: Mailbox = {
      id: mailboxIds[index] as string, tenantId, userPrincipalName: upn,
      displayName: `Bench User ${index}`, givenName: null, surname: null, mail: upn, hasMailbox: true,
    };
    const mrow = { ...fromMailbox(mailbox, null, nowMs), change_seq: perMailbox + 1 };
    (insMailbox ??= insertSql("mailboxes", mrow)).run(mrow);
    const group = newCalendarGroup({ ids, mailbox, seq: 1, name: "My Calendars", isDefault: true });
    const grow = fromCalendarGroup(mailbox.id, group);
    (insGroup ??= insertSql("calendar_groups", grow)).run(grow);
    for (let k = 0; k < perMailbox; k++) {
      const seq = k + 2;
      const calendar: Calendar = k === 0
        ? newDefaultCalendar({ ids, mailbox, seq, group })
        : k === 1
          ? newBirthdaysCalendar({ ids, mailbox, seq, group })
          : newCalendar({ ids, mailbox, seq, name: `Calendar ${seq}`, group, explicitGroup: false });
      const crow = fromCalendar(mailbox.id, calendar);
      (insCalendar ??= insertSql("calendars", crow)).run(crow);
      // The change-log row ChangeLogWriter.log writes: the calendar as it is after the change.
      const change = {
        mailbox_id: mailbox.id, seq, calendar_id: calendar.id, created_seq: calendar.createdSeq,
        removed: 0, changed_at: nowMs, data: crow.data,
      };
      (insChange ??= insertSql("calendar_changes", change)).run(change);
      calendars++;
    }
  };

  const batchCalendars = 50_000;
  const batch = Math.max(1, Math.floor(batchCalendars / perMailbox));
  const writeBatch = db.transaction((from: number, to: number) => {
    for (let i = from; i < to; i++) writeMailbox(i);
  });
  let lastLog = performance.now();
  for (let from = 0; from < options.mailboxes; from += batch) {
    writeBatch(from, Math.min(options.mailboxes, from + batch));
    if (performance.now() - lastLog > 5000) {
      lastLog = performance.now();
      log(`  … ${calendars.toLocaleString("en-US")} calendars, ${((performance.now() - started) / 1000).toFixed(0)} s`);
    }
  }
  db.pragma("journal_mode = WAL");
  db.close();

  const seconds = (performance.now() - started) / 1000;
  const meta: StoreMeta = {
    generatorVersion: GENERATOR_VERSION, mailboxes: options.mailboxes, calendarsPerMailbox: perMailbox,
    calendars, changes: calendars, tenantId, upnPrefix, generatedAt: new Date(nowMs).toISOString(),
    seconds: Math.round(seconds * 10) / 10, bytes: statSync(file).size,
  };
  writeFileSync(join(tmp, "meta.json"), `${JSON.stringify(meta, null, 2)}\n`);
  rmSync(dir, { recursive: true, force: true });
  renameSync(tmp, dir);
  return meta;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      out: { type: "string", default: ".bench/big-store" },
      mailboxes: { type: "string", default: "200000" },
      "calendars-per-mailbox": { type: "string", default: "5" },
      force: { type: "boolean", default: false },
    },
  });
  const dir = resolve(values.out);
  const existing = readStoreMeta(dir);
  if (existing && !values.force) {
    console.log(`${dir} already holds a generated store (${existing.calendars.toLocaleString("en-US")} calendars); --force rebuilds it`);
    return;
  }
  const meta = await generateStore({
    dir, mailboxes: Number(values.mailboxes), calendarsPerMailbox: Number(values["calendars-per-mailbox"]),
    log: (line) => console.log(line),
  });
  console.log(`generated ${dir}: ${meta.mailboxes.toLocaleString("en-US")} mailboxes, ${meta.calendars.toLocaleString("en-US")} calendars, `
    + `${(meta.bytes / 1e6).toFixed(0)} MB in ${meta.seconds} s`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
