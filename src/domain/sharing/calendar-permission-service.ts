import { CALENDAR_PERMISSION_PROPERTIES, CALENDAR_ROLES, type CalendarRole } from "../../graph/index.js";
import { NotFoundError, ValidationError } from "../errors.js";
import { changeKeyFor, isWellFormedId, newEntityId, type IdSource } from "../ids.js";
import type { Calendar, CalendarPermission, Mailbox } from "../model.js";
import type { StoreTx } from "../store.js";
import type { ChangeLogWriter } from "../change-log/change-log-writer.js";
import { loadCalendar, type CalendarTarget } from "../calendars/calendar-service.js";
import { checkReadOnly, readEntityBody } from "../entity-body.js";
import type { MailboxService } from "../mailboxes/mailbox-service.js";
import { rightsOf, type CalendarRights, type SharedCalendars } from "./calendar-rights.js";

// Calendar sharing through calendarPermission (spec §3.4, decision 21).
// see: https://learn.microsoft.com/graph/api/calendar-post-calendarpermissions

/** Roles a share may carry; "none" and "custom" are Exchange states, not something to grant. */
export const GRANTABLE: readonly CalendarRole[] = [
  "freeBusyRead", "limitedRead", "read", "write", "delegateWithoutPrivateEventAccess", "delegateWithPrivateEventAccess",
];

function parseRole(value: unknown): CalendarRole {
  const role = CALENDAR_ROLES.find((r) => typeof value === "string" && r.toLowerCase() === value.toLowerCase());
  if (!role || !GRANTABLE.includes(role)) {
    throw new ValidationError(`Invalid value '${String(value)}' for property 'role'.`, "badRequest");
  }
  return role;
}

export function parsePermissionBody(body: unknown, mode: "create" | "update"): { address?: string; role?: CalendarRole; readOnly: Record<string, unknown> } {
  // Whom a share is for is fixed at creation: on PATCH emailAddress is an echo, like the rest.
  const { writable, readOnly } = readEntityBody(body, {
    type: "microsoft.graph.calendarPermission",
    properties: CALENDAR_PERMISSION_PROPERTIES,
    writable: mode === "create" ? ["role", "emailAddress"] : ["role"],
  });
  const out: { address?: string; role?: CalendarRole; readOnly: Record<string, unknown> } = { readOnly };
  for (const [key, value] of writable) {
    if (key === "role") out.role = parseRole(value);
    else {
      const address = (value as { address?: unknown } | null)?.address;
      if (typeof address !== "string" || address === "") throw new ValidationError("emailAddress.address is required.");
      out.address = address;
    }
  }
  if (mode === "create" && (out.address === undefined || out.role === undefined)) {
    throw new ValidationError("A calendar permission needs emailAddress and role.");
  }
  return out;
}

export class CalendarPermissionService {
  constructor(private readonly deps: { writer: ChangeLogWriter; ids: IdSource; mailboxes: MailboxService }) {}

  async list(args: { mailbox: Mailbox; target: CalendarTarget }): Promise<CalendarPermission[]> {
    const calendar = await loadCalendar(this.deps.writer.store, args.mailbox.id, args.target);
    return this.deps.writer.store.listCalendarPermissions({ mailboxId: args.mailbox.id, calendarId: calendar.id });
  }

  async get(args: { mailbox: Mailbox; target: CalendarTarget; permissionId: string }): Promise<CalendarPermission> {
    const permissions = await this.list(args);
    const found = permissions.find((p) => p.id === args.permissionId);
    if (!found) throw new NotFoundError("permission", args.permissionId);
    return found;
  }

  /**
   * The calendars of `ownerMailboxId` shared with `granteeMailboxId`, each with its role's
   * rights. Read from the store on every call, never cached: a revoke takes effect at once.
   */
  async sharedCalendars(args: { ownerMailboxId: string; granteeMailboxId: string }): Promise<SharedCalendars> {
    const grants = await this.deps.writer.store.listGrantsTo({ mailboxId: args.ownerMailboxId, granteeMailboxId: args.granteeMailboxId });
    const shared = new Map<string, CalendarRights>();
    for (const grant of grants) {
      const rights = rightsOf(grant.role);
      if (rights) shared.set(grant.calendarId, rights);
    }
    return shared;
  }

  /** The id of the calendar a target names, without loading it when the target is an id. */
  async calendarIdOf(args: { mailboxId: string; target: CalendarTarget }): Promise<string | undefined> {
    if ("calendarId" in args.target) return args.target.calendarId;
    return (await this.deps.writer.store.getDefaultCalendar({ mailboxId: args.mailboxId }))?.id;
  }

  async create(args: { mailbox: Mailbox; target: CalendarTarget; body: unknown }): Promise<CalendarPermission> {
    const { address, role, readOnly } = parsePermissionBody(args.body, "create");
    const grantee = await this.deps.mailboxes.findUser(address as string);
    if (!grantee || grantee.tenantId !== args.mailbox.tenantId) {
      throw new ValidationError(`The user '${address}' could not be found in the organization.`);
    }
    if (grantee.id === args.mailbox.id) throw new ValidationError("A calendar cannot be shared with its owner.");
    return this.deps.writer.write(args.mailbox.id, async (tx, seq) => {
      const calendar = await loadCalendar(tx, args.mailbox.id, args.target);
      if (!calendar.canShare) throw new ValidationError("This calendar cannot be shared.");
      const existing = await tx.listCalendarPermissions({ mailboxId: args.mailbox.id, calendarId: calendar.id });
      if (existing.some((p) => p.granteeMailboxId === grantee.id)) {
        throw new ValidationError(`The calendar is already shared with '${grantee.userPrincipalName}'.`);
      }
      const permission: CalendarPermission = {
        id: newEntityId(this.deps.ids, "permission", args.mailbox.id),
        calendarId: calendar.id,
        emailAddress: { name: grantee.displayName, address: grantee.mail ?? grantee.userPrincipalName },
        role: role as CalendarRole,
        allowedRoles: [...GRANTABLE],
        isRemovable: true,
        isInsideOrganization: true,
        granteeMailboxId: grantee.id,
      };
      checkReadOnly(readOnly, permission);
      await tx.insertCalendarPermission({ mailboxId: args.mailbox.id, permission });
      await this.touch(tx, args.mailbox.id, calendar, seq, true);
      return permission;
    });
  }

  async update(args: { mailbox: Mailbox; target: CalendarTarget; permissionId: string; body: unknown }): Promise<CalendarPermission> {
    const { role, readOnly } = parsePermissionBody(args.body, "update");
    return this.deps.writer.write(args.mailbox.id, async (tx, seq) => {
      const { calendar, permission } = await this.load(tx, args);
      const updated = { ...permission, ...(role !== undefined && { role }) };
      checkReadOnly(readOnly, updated);
      await tx.updateCalendarPermission({ mailboxId: args.mailbox.id, permission: updated });
      await this.touch(tx, args.mailbox.id, calendar, seq, true);
      return updated;
    });
  }

  async delete(args: { mailbox: Mailbox; target: CalendarTarget; permissionId: string }): Promise<void> {
    await this.deps.writer.write(args.mailbox.id, async (tx, seq) => {
      const { calendar, permission } = await this.load(tx, args);
      await tx.deleteCalendarPermission({ mailboxId: args.mailbox.id, permissionId: permission.id });
      const left = await tx.listCalendarPermissions({ mailboxId: args.mailbox.id, calendarId: calendar.id });
      await this.touch(tx, args.mailbox.id, calendar, seq, left.length > 0);
    });
  }

  private async load(tx: StoreTx, args: { mailbox: Mailbox; target: CalendarTarget; permissionId: string }) {
    if (!isWellFormedId(args.permissionId, "permission")) throw new NotFoundError("permission", args.permissionId);
    const calendar = await loadCalendar(tx, args.mailbox.id, args.target);
    const permission = (await tx.listCalendarPermissions({ mailboxId: args.mailbox.id, calendarId: calendar.id }))
      .find((p) => p.id === args.permissionId);
    if (!permission) throw new NotFoundError("permission", args.permissionId);
    return { calendar, permission };
  }

  /** Sharing state is part of the calendar: it gets a new changeKey and a delta entry (spec §5.5). */
  private async touch(tx: StoreTx, mailboxId: string, calendar: Calendar, seq: number, isShared: boolean): Promise<void> {
    const updated: Calendar = { ...calendar, isShared, changeKey: changeKeyFor(mailboxId, seq), changeSeq: seq };
    await tx.updateCalendar({ mailboxId, calendar: updated });
    await this.deps.writer.log(tx, mailboxId, updated);
  }
}
