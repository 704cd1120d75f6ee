import type { Selectable } from "kysely";
import {
  nameKeyOf, upnKey, type AppRegistration, type Calendar, type CalendarChange, type CalendarGroup, type CalendarPermission, type Mailbox,
} from "../../domain/index.js";
import type {
  AppsTable, CalendarChangesTable, CalendarGroupsTable, CalendarPermissionsTable, CalendarsTable, MailboxesTable,
} from "./schema.js";

// One row<->domain mapper per table keeps snake_case out of the domain.

export function toMailbox(row: Selectable<MailboxesTable>): Mailbox {
  return {
    id: row.mailbox_id,
    tenantId: row.tenant_id,
    userPrincipalName: row.upn,
    displayName: row.display_name,
    givenName: row.given_name,
    surname: row.surname,
    mail: row.mail,
    hasMailbox: Number(row.has_mailbox) === 1,
  };
}

export function fromMailbox(m: Mailbox, passwordHash: string | null, createdAt: number): MailboxesTable {
  return {
    mailbox_id: m.id,
    tenant_id: m.tenantId,
    upn: m.userPrincipalName,
    upn_key: upnKey(m.userPrincipalName),
    display_name: m.displayName,
    given_name: m.givenName,
    surname: m.surname,
    mail: m.mail,
    has_mailbox: m.hasMailbox ? 1 : 0,
    password_hash: passwordHash,
    change_seq: 0,
    prune_seq: 0,
    reset_seq: 0,
    created_at: createdAt,
  };
}

export function toCalendar(row: Pick<Selectable<CalendarsTable>, "data">): Calendar {
  return JSON.parse(row.data) as Calendar;
}

export function fromCalendar(mailboxId: string, c: Calendar): CalendarsTable {
  return {
    mailbox_id: mailboxId,
    calendar_id: c.id,
    group_id: c.groupId,
    name_key: nameKeyOf(c.name),
    is_default: c.isDefaultCalendar ? 1 : 0,
    created_seq: c.createdSeq,
    change_seq: c.changeSeq,
    data: JSON.stringify(c),
  };
}

export function toCalendarGroup(row: Pick<Selectable<CalendarGroupsTable>, "data">): CalendarGroup {
  return JSON.parse(row.data) as CalendarGroup;
}

export function fromCalendarGroup(mailboxId: string, g: CalendarGroup): CalendarGroupsTable {
  return {
    mailbox_id: mailboxId,
    group_id: g.id,
    name_key: nameKeyOf(g.name),
    is_default: g.isDefault ? 1 : 0,
    created_seq: g.createdSeq,
    data: JSON.stringify(g),
  };
}

export function toChange(row: Selectable<CalendarChangesTable>): CalendarChange {
  return {
    seq: Number(row.seq),
    calendarId: row.calendar_id,
    createdSeq: Number(row.created_seq),
    removed: Number(row.removed) === 1,
    calendar: row.data === null ? null : (JSON.parse(row.data) as Calendar),
    changedAt: new Date(Number(row.changed_at)),
  };
}

export function fromChange(mailboxId: string, c: CalendarChange): CalendarChangesTable {
  return {
    mailbox_id: mailboxId,
    seq: c.seq,
    calendar_id: c.calendarId,
    created_seq: c.createdSeq,
    removed: c.removed ? 1 : 0,
    changed_at: c.changedAt.getTime(),
    data: c.calendar === null ? null : JSON.stringify(c.calendar),
  };
}

export function toApp(row: Selectable<AppsTable>): AppRegistration {
  return {
    clientId: row.client_id,
    tenantId: row.tenant_id,
    displayName: row.display_name,
    secretHash: row.secret_hash,
    roles: JSON.parse(row.roles) as string[],
  };
}

export function toCalendarPermission(row: { data: string }): CalendarPermission {
  return JSON.parse(row.data) as CalendarPermission;
}

export function fromCalendarPermission(mailboxId: string, p: CalendarPermission): CalendarPermissionsTable {
  return {
    mailbox_id: mailboxId, permission_id: p.id, calendar_id: p.calendarId,
    grantee_mailbox_id: p.granteeMailboxId, data: JSON.stringify(p),
  };
}
