import type { Clock } from "../clock.js";
import { isGuid } from "../ids.js";
import type { Mailbox } from "../model.js";
import { upnKey } from "../mailboxes/upn-key.js";
import { BoundedMap } from "./bounded-map.js";

/** How long a found user record is reused without asking the store again. */
export const MAILBOX_CACHE_TTL_MS = 60_000;
const MAILBOX_CACHE_LIMIT = 100_000;

interface Entry {
  readonly mailbox: Mailbox;
  readonly atMs: number;
}

/**
 * User records found in the store, for `MailboxService.findUser`: every Outlook request
 * resolves its mailbox. User records are never changed or deleted once provisioned (the store
 * has no such write), so a hit can be reused; the TTL bounds staleness should that ever change
 * in another process. Only finds are kept: a miss is not, so a user provisioned meanwhile (here
 * or in another process) is found at once.
 *
 * Two maps share the entries. `#byKey` holds them by `id:{lower-case guid}` and by
 * `upn:{upnKey}`, so an id, any casing of the UPN, and the record's own id and UPN all hit.
 * `#byInput` holds them by the exact string a request used (its `/users/{…}` segment or
 * `/me`'s id), so the common hit costs one lookup and no pattern test or lower-casing. An entry
 * keeps the time it was read from the store wherever it is filed: the TTL counts from the read.
 */
export class MailboxCache {
  readonly #byKey = new BoundedMap<Entry>({ limit: MAILBOX_CACHE_LIMIT });
  readonly #byInput = new BoundedMap<Entry>({ limit: MAILBOX_CACHE_LIMIT });
  readonly #clock: Clock;
  readonly #ttlMs: number;

  constructor(options: { clock: Clock; ttlMs?: number }) {
    this.#clock = options.clock;
    this.#ttlMs = options.ttlMs ?? MAILBOX_CACHE_TTL_MS;
  }

  /** The record `idOrUpn` (an object id or a UPN, as a request spelled it) found, if fresh. */
  get(idOrUpn: string): Mailbox | undefined {
    const nowMs = this.#clock.nowMs();
    const asGiven = this.#byInput.get(idOrUpn);
    if (asGiven && nowMs - asGiven.atMs <= this.#ttlMs) return asGiven.mailbox;
    const hit = this.#byKey.get(keyOf(idOrUpn));
    if (hit && nowMs - hit.atMs <= this.#ttlMs) {
      this.#byInput.set(idOrUpn, hit);
      return hit.mailbox;
    }
    return undefined;
  }

  /**
   * Keeps a record the store found for `idOrUpn`; returns it frozen (every request shares it).
   * `readAtMs` is the time before the store was asked, so the TTL never starts late.
   */
  remember(args: { idOrUpn: string; mailbox: Mailbox; readAtMs: number }): Mailbox {
    const { idOrUpn } = args;
    const entry: Entry = { mailbox: Object.freeze(args.mailbox), atMs: args.readAtMs };
    this.#byKey.set(keyOf(idOrUpn), entry);
    this.#byKey.set(`id:${entry.mailbox.id}`, entry);
    this.#byKey.set(`upn:${upnKey(entry.mailbox.userPrincipalName)}`, entry);
    this.#byInput.set(idOrUpn, entry);
    return entry.mailbox;
  }

  /** A whole-store reset deleted the records: nothing kept may be served again. */
  clear(): void {
    this.#byKey.clear();
    this.#byInput.clear();
  }

  /** The store found nothing for `idOrUpn`: drops what it pointed at (an expired entry, if any). */
  forget(idOrUpn: string): void {
    this.#byKey.delete(keyOf(idOrUpn));
    this.#byInput.delete(idOrUpn);
  }
}

/** A GUID stays a GUID (its own key space); anything else is a UPN. */
function keyOf(idOrUpn: string): string {
  return isGuid(idOrUpn) ? `id:${idOrUpn.toLowerCase()}` : `upn:${upnKey(idOrUpn)}`;
}
