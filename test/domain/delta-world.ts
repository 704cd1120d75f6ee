import { afterEach } from "vitest";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  CalendarService, EventService, ChangeLogWriter, DeltaService, ManualClock, MailboxService, randomIds,
  type DeltaCursor, type DeltaItem, type DeltaOptions, type DeltaPage, type Mailbox, type PageCursor, type RoundCursor,
  type Store,
} from "../../src/domain/index.js";
import { openStore } from "../../src/store/index.js";

// The world the DeltaService suites run in: a real store (SQLite :memory:, or a file shared by
// two processes) with a manual clock, wired as in server/create-server.ts, and the helpers that
// page through rounds. A suite that imports this closes what it opened after each test.

export const DAY = 86400_000;
export const CALLER = "u:owner";
/** The production defaults: DELTA_RETENTION_DAYS=30, WATERMARK_TTL_MS=1000. */
export const DEFAULTS: DeltaOptions = { retentionMs: 30 * DAY, watermarkTtlMs: 1000 };

/** One graphcal process: its own writer (whose commits move its own watermark cache) and services. */
export function processOn(store: Store, clock: ManualClock, options: DeltaOptions) {
  const writer = new ChangeLogWriter(store, clock);
  return {
    writer,
    mailboxes: new MailboxService({ writer, ids: randomIds, clock, birthdays: false }),
    calendars: new CalendarService({ writer, clock, ids: randomIds, events: new EventService({ writer, clock, ids: randomIds }) }),
    delta: new DeltaService({ store, clock, writer, options }),
  };
}

export type Process = ReturnType<typeof processOn>;
export interface World extends Process {
  clock: ManualClock;
  store: Store;
  mailbox: Mailbox;
}

let opened: Store[] = [];
let dirs: string[] = [];
/** Stores and folders opened by a test are closed and removed after it. */
afterEach(async () => {
  await Promise.all(opened.map((s) => s.close()));
  opened = [];
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  dirs = [];
});

/** A fresh store and process with one provisioned mailbox (its default calendar only). */
export async function openWorld(options: Partial<DeltaOptions> = {}): Promise<World> {
  const clock = new ManualClock(Date.UTC(2026, 2, 1, 9, 0, 0));
  const store = await openStore({ dataDir: ":memory:", now: () => clock.now().getTime() });
  opened.push(store);
  const here = processOn(store, clock, { ...DEFAULTS, ...options });
  const mailbox = await here.mailboxes.provision({ tenantId: "t1", userPrincipalName: "owner@example.com", displayName: "Owner" });
  return { ...here, clock, store, mailbox };
}

/** One request of the round at `cursor`, by the owner on beta unless told otherwise; `via` asks another process. */
export function page(w: World, cursor: DeltaCursor, opts: { pageSize?: number; via?: Process; mailbox?: Mailbox; apiVersion?: "beta" | "v1.0"; caller?: string; select?: string[] | null } = {}): Promise<DeltaPage> {
  return (opts.via ?? w).delta.page({
    mailbox: opts.mailbox ?? w.mailbox, cursor, pageSize: opts.pageSize ?? 100,
    apiVersion: opts.apiVersion ?? "beta", select: opts.select ?? null, caller: opts.caller ?? CALLER,
  });
}

/** Pages until the round completes. */
export async function round(w: World, cursor: DeltaCursor, pageSize = 100): Promise<{ pages: DeltaPage[]; items: DeltaItem[]; end: RoundCursor }> {
  const pages: DeltaPage[] = [];
  for (let p = await page(w, cursor, { pageSize }); ; p = await page(w, p.next, { pageSize })) {
    pages.push(p);
    if (p.kind === "complete") return { pages, items: pages.flatMap((x) => x.items), end: p.round };
  }
}

/** The cursor of a page that says more pages follow. */
export function more(p: DeltaPage): PageCursor {
  if (p.kind !== "more") throw new Error(`expected more pages, got ${p.kind}`);
  return p.next;
}

/** The cursor of a page that completes its round. */
export function complete(p: DeltaPage): RoundCursor {
  if (p.kind !== "complete") throw new Error(`expected a complete round, got ${p.kind}`);
  return p.round;
}

/** Items as names (live calendars) or `-id` (removals). */
export const seen = (items: readonly DeltaItem[]): string[] => items.map((i) => (i.removed ? `-${i.id}` : i.calendar.name));

export const create = (w: World | Process, mailbox: Mailbox, name: string) =>
  w.calendars.create({ mailbox, body: { name }, apiVersion: "beta" });
export const rename = (w: World, id: string, name: string) =>
  w.calendars.update({ mailbox: w.mailbox, target: { calendarId: id }, body: { name }, apiVersion: "beta" });
export const remove = (w: World, id: string) => w.calendars.delete({ mailbox: w.mailbox, target: { calendarId: id } });

export async function changeSeq(w: World): Promise<number> {
  return (await w.store.getSyncState({ mailboxId: w.mailbox.id }))!.changeSeq;
}

export async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error("expected a rejection");
}


/** A folder for a test's database file, removed after the test. */
export function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "graphcal-delta-"));
  dirs.push(dir);
  return dir;
}

/** Remembers stores a test opened itself, to close them after it. */
export function track(...stores: Store[]): void {
  opened.push(...stores);
}
