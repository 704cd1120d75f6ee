import type { Clock } from "../clock.js";
import { MailboxNotEnabledError, UserNotFoundError, ValidationError } from "../errors.js";
import { isGuid, type IdSource } from "../ids.js";
import type { Mailbox } from "../model.js";
import type { StoreTx } from "../store.js";
import type { ChangeLogWriter } from "../change-log/change-log-writer.js";
import { newBirthdaysCalendar, newCalendarGroup, newDefaultCalendar } from "../calendars/calendar-defaults.js";

export interface NewUser {
  tenantId: string;
  userPrincipalName: string;
  displayName: string;
  givenName?: string | null;
  surname?: string | null;
  mail?: string | null;
  /** False for a user without an Exchange mailbox (Outlook paths answer MailboxNotEnabledForRESTAPI). */
  hasMailbox?: boolean;
  passwordHash?: string | null;
  id?: string;
}

/** How long a found user record is reused without asking the store again. */
export const MAILBOX_CACHE_TTL_MS = 60_000;
const MAILBOX_CACHE_LIMIT = 100_000;

type CacheEntry = { mailbox: Mailbox; atMs: number };

function remember(cache: Map<string, CacheEntry>, key: string, entry: CacheEntry): void {
  if (!cache.has(key) && cache.size >= MAILBOX_CACHE_LIMIT) cache.delete(cache.keys().next().value as string);
  cache.set(key, entry);
}

/** Users and their mailboxes: provisioning and lookup by id or UPN. */
export class MailboxService {
  /**
   * Found users by `id:{guid}` and `upn:{lowercased upn}`. Every Outlook request resolves its
   * mailbox, and user records are never changed or deleted once provisioned (the store has no
   * such write), so a hit can be reused; the TTL (a minute) bounds staleness should that ever
   * change in another process. Misses are not cached: a user provisioned meanwhile is found at once.
   */
  readonly #cache = new Map<string, CacheEntry>();
  /** The same entries by the exact string a request used (its `/users/{…}` segment or `/me`'s id). */
  readonly #byInput = new Map<string, CacheEntry>();

  constructor(private readonly deps: { writer: ChangeLogWriter; ids: IdSource; clock: Clock; birthdays: boolean }) {}

  /**
   * Creates the user and provisions the mailbox as Exchange does: the "My Calendars" group,
   * the default "Calendar" and "Birthdays" (spec §5.4) — all in one transaction.
   */
  async provision(user: NewUser): Promise<Mailbox> {
    if (!/^[^@\s]+@[^@\s]+$/.test(user.userPrincipalName)) {
      throw new ValidationError(`'${user.userPrincipalName}' is not a valid user principal name.`);
    }
    const mailbox: Mailbox = {
      id: user.id ?? this.deps.ids.guid(),
      tenantId: user.tenantId,
      userPrincipalName: user.userPrincipalName,
      displayName: user.displayName,
      givenName: user.givenName ?? null,
      surname: user.surname ?? null,
      mail: user.mail === undefined ? user.userPrincipalName : user.mail,
      hasMailbox: user.hasMailbox ?? true,
    };
    const setup = async (tx: StoreTx) => tx.insertMailbox(mailbox, user.passwordHash ?? null);
    if (!mailbox.hasMailbox) {
      await this.deps.writer.store.transaction(setup);
      return mailbox;
    }
    await this.deps.writer.write(mailbox.id, async (tx, seq, takeSeq) => {
      const group = newCalendarGroup({ ids: this.deps.ids, mailbox, seq, name: "My Calendars", isDefault: true });
      await tx.insertCalendarGroup({ mailboxId: mailbox.id, group });
      const calendar = newDefaultCalendar({ ids: this.deps.ids, mailbox, seq: await takeSeq(), group });
      await tx.insertCalendar({ mailboxId: mailbox.id, calendar });
      await this.deps.writer.log(tx, mailbox.id, calendar);
      if (this.deps.birthdays) {
        const birthdays = newBirthdaysCalendar({ ids: this.deps.ids, mailbox, seq: await takeSeq(), group });
        await tx.insertCalendar({ mailboxId: mailbox.id, calendar: birthdays });
        await this.deps.writer.log(tx, mailbox.id, birthdays);
      }
    }, { setup });
    return mailbox;
  }

  /** Finds a user by object id or UPN (case-insensitive), as `/users/{id | userPrincipalName}` does. */
  async findUser(idOrUpn: string): Promise<Mailbox | undefined> {
    const nowMs = this.deps.clock.now().getTime();
    // The string as given first (a GUID stays a GUID): no pattern test or lower-casing on a hit.
    const asGiven = this.#byInput.get(idOrUpn);
    if (asGiven && nowMs - asGiven.atMs <= MAILBOX_CACHE_TTL_MS) return asGiven.mailbox;
    const byId = isGuid(idOrUpn);
    const key = byId ? `id:${idOrUpn.toLowerCase()}` : `upn:${idOrUpn.toLowerCase()}`;
    const hit = this.#cache.get(key);
    if (hit && nowMs - hit.atMs <= MAILBOX_CACHE_TTL_MS) {
      remember(this.#byInput, idOrUpn, hit);
      return hit.mailbox;
    }
    const { store } = this.deps.writer;
    const found = byId
      ? await store.findMailbox({ id: idOrUpn.toLowerCase() })
      : await store.findMailbox({ userPrincipalName: idOrUpn });
    if (!found) {
      this.#cache.delete(key);
      this.#byInput.delete(idOrUpn);
      return undefined;
    }
    const entry = { mailbox: Object.freeze(found), atMs: nowMs };
    remember(this.#cache, key, entry);
    remember(this.#cache, `id:${entry.mailbox.id}`, entry);
    remember(this.#cache, `upn:${entry.mailbox.userPrincipalName.toLowerCase()}`, entry);
    remember(this.#byInput, idOrUpn, entry);
    return entry.mailbox;
  }

  async getUser(idOrUpn: string): Promise<Mailbox> {
    const user = await this.findUser(idOrUpn);
    if (!user) throw new UserNotFoundError(idOrUpn, "directory");
    return user;
  }

  /** The user's mailbox for an Outlook path (`/users/{id}/calendars`): 404s differ from directory paths. */
  async getMailbox(idOrUpn: string): Promise<Mailbox> {
    const user = await this.findUser(idOrUpn);
    if (!user) throw new UserNotFoundError(idOrUpn, "mailbox");
    if (!user.hasMailbox) throw new MailboxNotEnabledError(idOrUpn);
    return user;
  }

  async listUsers(args: { tenantId?: string; offset: number; limit: number }): Promise<{ users: Mailbox[]; hasMore: boolean }> {
    const rows = await this.deps.writer.store.listMailboxes({ ...args, limit: args.limit + 1 });
    return { users: rows.slice(0, args.limit), hasMore: rows.length > args.limit };
  }
}
