import type { Clock } from "../clock.js";
import { MailboxNotEnabledError, UserNotFoundError, ValidationError } from "../errors.js";
import { isGuid, type IdSource } from "../ids.js";
import type { Mailbox } from "../model.js";
import type { StoreTx } from "../store.js";
import type { ChangeLogWriter } from "../change-log/change-log-writer.js";
import { MailboxCache } from "../cache/mailbox-cache.js";
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

/** A UPN has the shape of an address: one `@`, no blanks. */
export function checkUserPrincipalName(upn: string): void {
  if (!/^[^@\s]+@[^@\s]+$/.test(upn)) throw new ValidationError(`'${upn}' is not a valid user principal name.`);
}

/** Users and their mailboxes: provisioning and lookup by id or UPN. */
export class MailboxService {
  readonly #cache: MailboxCache;

  constructor(private readonly deps: { writer: ChangeLogWriter; ids: IdSource; clock: Clock; birthdays: boolean }) {
    this.#cache = new MailboxCache({ clock: deps.clock });
  }

  /**
   * Creates the user and provisions the mailbox as Exchange does: the "My Calendars" group,
   * the default "Calendar" and "Birthdays" (spec §5.4) — all in one transaction.
   */
  async provision(user: NewUser): Promise<Mailbox> {
    checkUserPrincipalName(user.userPrincipalName);
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
    await this.deps.writer.write(mailbox.id, (tx, seq, takeSeq) => this.#provisionFolders(tx, mailbox, seq, takeSeq), { setup });
    return mailbox;
  }

  /**
   * Admin reset (issue 11 §2): the mailbox goes back to what `provision` made of it. Its
   * calendars, groups, events, shares and change history go, the default folders come back
   * (with new ids, as a new mailbox's would), and every delta token issued before answers 410
   * ResyncRequired: the reset takes a change seq and becomes the mailbox's reset watermark, the
   * per-mailbox invalidation `DeltaService.reset` uses. Sequences keep rising, so every cache
   * validated by the mailbox's seq (calendar lists, calendarView windows, the delta watermark,
   * the poll replay) misses from the commit on.
   */
  async reset(mailbox: Mailbox): Promise<void> {
    await this.deps.writer.write(mailbox.id, async (tx, seq, takeSeq) => {
      // The default group and calendar keep their ids, as an Exchange mailbox's do: a client
      // that syncs "the default calendar" then hears 410 ResyncRequired, not a foreign-calendar 400.
      const keep = {
        groupId: (await tx.getDefaultCalendarGroup({ mailboxId: mailbox.id }))?.id,
        calendarId: (await tx.getDefaultCalendar({ mailboxId: mailbox.id }))?.id,
      };
      await tx.clearMailbox({ mailboxId: mailbox.id });
      await tx.setResetSeq({ mailboxId: mailbox.id, resetSeq: seq });
      if (mailbox.hasMailbox) await this.#provisionFolders(tx, mailbox, await takeSeq(), takeSeq, keep);
    });
  }

  /** A whole-store reset deleted every record: forget the cached ones. */
  forgetAll(): void {
    this.#cache.clear();
  }

  /** The "My Calendars" group, the default "Calendar" and (when enabled) "Birthdays". */
  async #provisionFolders(
    tx: StoreTx, mailbox: Mailbox, seq: number, takeSeq: () => Promise<number>,
    keep: { groupId?: string | undefined; calendarId?: string | undefined } = {},
  ): Promise<void> {
    const made = newCalendarGroup({ ids: this.deps.ids, mailbox, seq, name: "My Calendars", isDefault: true });
    const group = keep.groupId ? { ...made, id: keep.groupId } : made;
    await tx.insertCalendarGroup({ mailboxId: mailbox.id, group });
    const fresh = newDefaultCalendar({ ids: this.deps.ids, mailbox, seq: await takeSeq(), group });
    const calendar = keep.calendarId ? { ...fresh, id: keep.calendarId } : fresh;
    await tx.insertCalendar({ mailboxId: mailbox.id, calendar });
    await this.deps.writer.log(tx, mailbox.id, calendar);
    if (this.deps.birthdays) {
      const birthdays = newBirthdaysCalendar({ ids: this.deps.ids, mailbox, seq: await takeSeq(), group });
      await tx.insertCalendar({ mailboxId: mailbox.id, calendar: birthdays });
      await this.deps.writer.log(tx, mailbox.id, birthdays);
    }
  }

  /** Finds a user by object id or UPN (case-insensitive), as `/users/{id | userPrincipalName}` does. */
  async findUser(idOrUpn: string): Promise<Mailbox | undefined> {
    const cached = this.#cache.get(idOrUpn);
    if (cached) return cached;
    const readAtMs = this.deps.clock.nowMs();
    const { store } = this.deps.writer;
    const found = isGuid(idOrUpn)
      ? await store.findMailbox({ id: idOrUpn.toLowerCase() })
      : await store.findMailbox({ userPrincipalName: idOrUpn });
    if (!found) {
      this.#cache.forget(idOrUpn);
      return undefined;
    }
    return this.#cache.remember({ idOrUpn, mailbox: found, readAtMs });
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
