import { BoundedMap } from "../../domain/index.js";
import type { QuirkName } from "./quirk-names.js";

// Which quirk modes are on, for whom: a global set (`--quirks`, QUIRKS=) and per-mailbox sets
// (`POST /_graphcal/quirks`). A mailbox's own set replaces the global one for that mailbox, so
// `{"mailbox": …, "quirks": []}` keeps one mailbox strict on a server that runs with quirks.
// Also the memory the quirks need between requests (delta-quirks.ts): items held for a later
// page or round, keyed by the token of the link that fetches that page.

export interface MailboxQuirks {
  mailbox: string;
  userPrincipalName: string;
  quirks: QuirkName[];
}

/** Items (their JSON values) a later request must carry, by the token that requests it. */
export type HeldItems = readonly unknown[];

// A held item that falls out of the late-change memory is a change the client never sees, so
// the bound is generous: far more rounds in flight than a test suite keeps.
const MEMORY_LIMIT = 50_000;

export class QuirkControl {
  #global: readonly QuirkName[];
  /** By mailbox id. */
  readonly #mailboxes = new Map<string, MailboxQuirks>();
  /** Lower-case id and UPN → mailbox id: `/users/{id | upn}` and `/me` both find it. */
  readonly #names = new Map<string, string>();
  readonly replays = new BoundedMap<HeldItems>({ limit: MEMORY_LIMIT });
  readonly duplicates = new BoundedMap<HeldItems>({ limit: MEMORY_LIMIT });
  readonly late = new BoundedMap<HeldItems>({ limit: MEMORY_LIMIT });

  constructor(options: { global?: readonly QuirkName[] } = {}) {
    this.#global = Object.freeze([...(options.global ?? [])]);
  }

  /** False in strict mode everywhere: the only check a request pays then. */
  get active(): boolean {
    return this.#global.length > 0 || this.#mailboxes.size > 0;
  }

  get global(): readonly QuirkName[] {
    return this.#global;
  }

  setGlobal(quirks: readonly QuirkName[]): void {
    this.#global = Object.freeze([...quirks]);
  }

  setMailbox(mailbox: { id: string; userPrincipalName: string }, quirks: readonly QuirkName[]): MailboxQuirks {
    const entry = { mailbox: mailbox.id, userPrincipalName: mailbox.userPrincipalName, quirks: [...quirks] };
    this.#mailboxes.set(mailbox.id, entry);
    this.#names.set(mailbox.id.toLowerCase(), mailbox.id);
    this.#names.set(mailbox.userPrincipalName.toLowerCase(), mailbox.id);
    return entry;
  }

  clearMailbox(mailboxId: string): boolean {
    const entry = this.#mailboxes.get(mailboxId);
    if (!entry) return false;
    this.#mailboxes.delete(mailboxId);
    this.#names.delete(entry.mailbox.toLowerCase());
    this.#names.delete(entry.userPrincipalName.toLowerCase());
    return true;
  }

  /** Back to strict mode everywhere (the global set included), memory too. */
  clear(): void {
    this.#global = Object.freeze([]);
    this.#mailboxes.clear();
    this.#names.clear();
    this.replays.clear();
    this.duplicates.clear();
    this.late.clear();
  }

  list(): { global: QuirkName[]; value: MailboxQuirks[] } {
    return { global: [...this.#global], value: [...this.#mailboxes.values()].map((m) => ({ ...m, quirks: [...m.quirks] })) };
  }

  /** The quirks on for a mailbox named by id or UPN (as a path names it). */
  for(mailboxName: string | undefined): readonly QuirkName[] {
    const id = mailboxName === undefined ? undefined : this.#names.get(mailboxName.toLowerCase());
    return id === undefined ? this.#global : (this.#mailboxes.get(id)?.quirks ?? this.#global);
  }
}
