import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { randomUUID } from "node:crypto";
import {
  AccessDeniedError, CalendarPermissionService, CalendarService, EventService, ChangeLogWriter, DelegatedOnlyError, MailboxAccess, MailboxNotEnabledError,
  MailboxService, ManualClock, randomIds, UserNotFoundError, type CalendarTarget, type Mailbox, type MailboxOperation, type Principal,
  type Store, type UserRef,
} from "../../src/domain/index.js";
import { openStore } from "../../src/store/index.js";
import { APP_ROLES, DELEGATED_SCOPES, SHARE_ROLES, shareRoleFor } from "../support/scopes.js";

// MailboxAccess over a real store (SQLite :memory:), wired as src/server/create-server.ts does.
// It lives under test/ because domain unit tests may not import store/.

const TENANT = "t-contoso";

describe("MailboxAccess", () => {
  let store: Store;
  let mailboxes: MailboxService;
  let permissions: CalendarPermissionService;
  let calendars: CalendarService;
  let access: MailboxAccess;

  beforeAll(async () => {
    const clock = new ManualClock(Date.UTC(2026, 10, 25, 12, 0, 0));
    store = await openStore({ dataDir: ":memory:", now: () => clock.now().getTime() });
    const writer = new ChangeLogWriter(store, clock);
    mailboxes = new MailboxService({ writer, ids: randomIds, clock, birthdays: true });
    permissions = new CalendarPermissionService({ writer, ids: randomIds, mailboxes });
    calendars = new CalendarService({ writer, clock, ids: randomIds, events: new EventService({ writer, clock, ids: randomIds }) });
    access = new MailboxAccess({ mailboxes, permissions });
  });
  afterAll(async () => store.close());

  const newMailbox = (options: { tenantId?: string; hasMailbox?: boolean } = {}): Promise<Mailbox> => {
    const id = randomUUID();
    return mailboxes.provision({
      tenantId: options.tenantId ?? TENANT, userPrincipalName: `u-${id.slice(0, 8)}@contoso.com`, displayName: "User",
      ...(options.hasMailbox !== undefined && { hasMailbox: options.hasMailbox }),
    });
  };
  const user = (mailbox: Mailbox, ...scopes: string[]): Principal => ({
    kind: "delegated", tenantId: mailbox.tenantId, userId: mailbox.id, appId: "a", scopes: new Set(scopes),
  });
  const app = (...roles: string[]): Principal => ({ kind: "app", tenantId: TENANT, appId: "a", roles: new Set(roles) });
  const share = (owner: Mailbox, grantee: Mailbox, role: string) => permissions.create({
    mailbox: owner, target: { defaultCalendar: true }, body: { emailAddress: { address: grantee.userPrincipalName }, role },
  });

  /** The mailbox, or false when access is denied (any other error fails the test). */
  async function reach(principal: Principal, target: UserRef, operation: MailboxOperation): Promise<Mailbox | false> {
    try {
      return await access.mailbox({ principal, user: target, operation });
    } catch (error) {
      expect(error).toBeInstanceOf(AccessDeniedError);
      return false;
    }
  }
  const can = async (principal: Principal, target: UserRef, operation: MailboxOperation) =>
    (await reach(principal, target, operation)) !== false;
  /** Whether the caller may do `operation` on one calendar (reading it, writing its events). */
  async function canCalendar(principal: Principal, target: UserRef, operation: MailboxOperation, calendar: CalendarTarget = { defaultCalendar: true }): Promise<boolean> {
    try {
      await access.calendar({ principal, user: target, operation, calendar });
      return true;
    } catch (error) {
      expect(error).toBeInstanceOf(AccessDeniedError);
      return false;
    }
  }

  for (const c of DELEGATED_SCOPES) {
    it(`mailboxAccess: delegated ${c.scope} on the own mailbox → read ${c.own.read}, write ${c.own.write}`, async () => {
      const me = await newMailbox();
      for (const target of [{ me: true } as const, { id: me.id }, { id: me.userPrincipalName }]) {
        expect(await can(user(me, c.scope), target, "calendars.read")).toBe(c.own.read);
        expect(await can(user(me, c.scope), target, "calendars.write")).toBe(c.own.write);
      }
      if (c.own.read) expect(await reach(user(me, c.scope), { me: true }, "calendars.read")).toEqual(me);
    });

    it(`mailboxAccess: delegated ${c.scope} on another user's mailbox without a share → denied`, async () => {
      const me = await newMailbox();
      const other = await newMailbox();
      expect(await can(user(me, c.scope), { id: other.id }, "calendars.read")).toBe(false);
      expect(await can(user(me, c.scope), { id: other.id }, "calendars.write")).toBe(false);
    });

    it(`mailboxAccess: delegated ${c.scope} on another user's shared calendar → read ${c.shared.read}, write ${c.shared.write}`, async () => {
      for (const write of [false, true]) {
        const me = await newMailbox();
        const other = await newMailbox();
        await share(other, me, shareRoleFor(write));
        const operation = write ? "calendars.write" : "calendars.read";
        expect(await canCalendar(user(me, c.scope), { id: other.userPrincipalName }, operation)).toBe(write ? c.shared.write : c.shared.read);
        // The share never opens the whole mailbox.
        expect(await can(user(me, c.scope), { id: other.id }, operation)).toBe(false);
      }
    });
  }

  for (const r of SHARE_ROLES) {
    it(`mailboxAccess: a '${r.role}' share with Calendars.ReadWrite.Shared → read ${r.allows.read}, write ${r.allows.write}`, async () => {
      const me = await newMailbox();
      const other = await newMailbox();
      await share(other, me, r.role);
      const grantee = user(me, "Calendars.ReadWrite.Shared");
      expect(await canCalendar(grantee, { id: other.id }, "calendars.read")).toBe(r.allows.read);
      expect(await canCalendar(grantee, { id: other.id }, "calendars.write")).toBe(r.allows.write);
      const reached = await access.calendar({ principal: grantee, user: { id: other.id }, operation: "calendars.read", calendar: { defaultCalendar: true } });
      expect(reached.rights?.role).toBe(r.role);
    });
  }

  it("mailboxAccess: a share opens its own calendar only, and a revoke closes it at once", async () => {
    const me = await newMailbox();
    const other = await newMailbox();
    const grantee = user(me, "Calendars.ReadWrite.Shared");
    const team = await calendars.create({ mailbox: other, body: { name: "Team" }, apiVersion: "v1.0" });
    const granted = await permissions.create({
      mailbox: other, target: { calendarId: team.id }, body: { emailAddress: { address: me.userPrincipalName }, role: "write" },
    });
    const teamTarget = { calendarId: team.id };
    expect(await canCalendar(grantee, { id: other.id }, "calendars.write", teamTarget)).toBe(true);
    // Not the default calendar, not an unknown one, not the whole mailbox.
    expect(await canCalendar(grantee, { id: other.id }, "calendars.read")).toBe(false);
    expect(await canCalendar(grantee, { id: other.id }, "calendars.read", { calendarId: randomUUID() })).toBe(false);
    expect(await can(grantee, { id: other.id }, "calendars.read")).toBe(false);
    // A list reaches the shared calendars; a mailbox-wide event scope means the default calendar.
    const list = await access.calendars({ principal: grantee, user: { id: other.id }, operation: "calendars.read" });
    expect([...(list.shared ?? new Map()).keys()]).toEqual([team.id]);
    await expect(access.events({ principal: grantee, user: { id: other.id }, operation: "calendars.read", scope: {} }))
      .rejects.toBeInstanceOf(AccessDeniedError);
    const events = await access.events({ principal: grantee, user: { id: other.id }, operation: "calendars.read", scope: { calendar: teamTarget } });
    expect(events.rights).toMatchObject({ role: "write", details: "full", privateItems: false, writeEvents: true });
    // The owner keeps the scope as given (every calendar) and has no share rights.
    expect(await access.events({ principal: user(other, "Calendars.Read"), user: { me: true }, operation: "calendars.read", scope: {} }))
      .toEqual({ mailbox: other, scope: {} });
    await permissions.delete({ mailbox: other, target: teamTarget, permissionId: granted.id });
    expect(await canCalendar(grantee, { id: other.id }, "calendars.read", teamTarget)).toBe(false);
    await expect(access.calendars({ principal: grantee, user: { id: other.id }, operation: "calendars.read" }))
      .rejects.toBeInstanceOf(AccessDeniedError);
  });

  for (const r of APP_ROLES) {
    it(`mailboxAccess: application ${r.role} on any mailbox of the tenant → read ${r.any.read}, write ${r.any.write}`, async () => {
      const m = await newMailbox();
      for (const target of [{ id: m.id }, { id: m.userPrincipalName.toUpperCase() }]) {
        expect(await can(app(r.role), target, "calendars.read")).toBe(r.any.read);
        expect(await can(app(r.role), target, "calendars.write")).toBe(r.any.write);
      }
    });
  }

  it("mailboxAccess: a mailbox of another tenant does not exist for the caller (UserNotFound, mailbox)", async () => {
    const stranger = await newMailbox({ tenantId: "t-fabrikam" });
    const me = await newMailbox();
    for (const principal of [app("Calendars.ReadWrite"), user(me, "Calendars.ReadWrite.Shared")]) {
      for (const target of [stranger.id, stranger.userPrincipalName]) {
        const denied = access.mailbox({ principal, user: { id: target }, operation: "calendars.read" });
        await expect(denied).rejects.toBeInstanceOf(UserNotFoundError);
        await expect(denied).rejects.toMatchObject({ userId: target, surface: "mailbox" });
      }
    }
    // Not even a share across tenants would help: the stranger cannot be found to share with.
    await expect(share(stranger, me, "write")).rejects.toThrow(/could not be found/);
  });

  it("mailboxAccess: unknown users and users without a mailbox", async () => {
    const principal = app("Calendars.Read");
    await expect(access.mailbox({ principal, user: { id: randomUUID() }, operation: "calendars.read" }))
      .rejects.toMatchObject({ kind: "userNotFound", surface: "mailbox" });
    const noMailbox = await newMailbox({ hasMailbox: false });
    await expect(access.mailbox({ principal, user: { id: noMailbox.id }, operation: "calendars.read" }))
      .rejects.toBeInstanceOf(MailboxNotEnabledError);
  });

  it("mailboxAccess: an app token on /me is DelegatedOnly", async () => {
    for (const operation of ["calendars.read", "calendars.write"] as const) {
      await expect(access.mailbox({ principal: app("Calendars.ReadWrite"), user: { me: true }, operation }))
        .rejects.toBeInstanceOf(DelegatedOnlyError);
    }
    await expect(access.directoryUser({ principal: app("User.Read.All"), user: { me: true } })).rejects.toBeInstanceOf(DelegatedOnlyError);
  });

  it("mailboxAccess: shares are managed by the owner or an app, never by a grantee", async () => {
    const owner = await newMailbox();
    const grantee = await newMailbox();
    await share(owner, grantee, "write");
    expect(await access.sharingMailbox({ principal: user(owner, "Calendars.Read"), user: { me: true }, operation: "calendars.read" })).toEqual(owner);
    expect(await access.sharingMailbox({ principal: app("Calendars.ReadWrite"), user: { id: owner.id }, operation: "calendars.write" })).toEqual(owner);
    const asGrantee = user(grantee, "Calendars.ReadWrite.Shared");
    expect(await canCalendar(asGrantee, { id: owner.id }, "calendars.write")).toBe(true);
    await expect(access.sharingMailbox({ principal: asGrantee, user: { id: owner.id }, operation: "calendars.read" }))
      .rejects.toBeInstanceOf(AccessDeniedError);
    // Scopes still apply to the owner.
    await expect(access.sharingMailbox({ principal: user(owner, "User.Read"), user: { me: true }, operation: "calendars.read" }))
      .rejects.toBeInstanceOf(AccessDeniedError);
  });

  it("mailboxAccess: the admin role (an app token with Graphcal.Admin) reaches the mailboxes of its tenant", async () => {
    const m = await newMailbox();
    expect(await access.adminMailbox({ principal: app("Graphcal.Admin"), user: { id: m.userPrincipalName } })).toEqual(m);
    for (const principal of [app("Calendars.ReadWrite"), user(m, "Calendars.ReadWrite", "Graphcal.Admin")]) {
      await expect(access.adminMailbox({ principal, user: { id: m.id } })).rejects.toBeInstanceOf(AccessDeniedError);
    }
    // Denied before the lookup: a caller without the role learns nothing about who exists.
    await expect(access.adminMailbox({ principal: app("Calendars.ReadWrite"), user: { id: randomUUID() } })).rejects.toBeInstanceOf(AccessDeniedError);
    const stranger = await newMailbox({ tenantId: "t-fabrikam" });
    await expect(access.adminMailbox({ principal: app("Graphcal.Admin"), user: { id: stranger.id } }))
      .rejects.toMatchObject({ kind: "userNotFound", userId: stranger.id, surface: "mailbox" });
  });

  it("mailboxAccess: directory reads (oneself with User.Read, others with a tenant-wide scope, own tenant only)", async () => {
    const me = await newMailbox();
    const other = await newMailbox();
    expect(await access.directoryUser({ principal: user(me, "User.Read"), user: { me: true } })).toEqual(me);
    await expect(access.directoryUser({ principal: user(me, "User.Read"), user: { id: other.id } })).rejects.toBeInstanceOf(AccessDeniedError);
    expect(await access.directoryUser({ principal: user(me, "User.ReadBasic.All"), user: { id: other.userPrincipalName } })).toEqual(other);
    const stranger = await newMailbox({ tenantId: "t-fabrikam" });
    await expect(access.directoryUser({ principal: app("User.Read.All"), user: { id: stranger.id } }))
      .rejects.toMatchObject({ kind: "userNotFound", surface: "directory" });
    expect(access.userDirectory({ principal: app("User.Read.All") })).toEqual({ tenantId: TENANT });
    expect(() => access.userDirectory({ principal: user(me, "User.Read") })).toThrow(AccessDeniedError);
  });
});
