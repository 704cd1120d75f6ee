import { MY_CALENDARS_CLASS_ID } from "../../graph/index.js";
import { changeKeyFor, newEntityId, type IdSource } from "../ids.js";
import type { Calendar, CalendarGroup, Mailbox } from "../model.js";

// Property values of calendars and groups a mailbox gets (spec §5.3, §5.4, decision 9).

export function newCalendarGroup(args: {
  ids: IdSource; mailbox: Mailbox; seq: number; name: string; isDefault: boolean;
}): CalendarGroup {
  return {
    id: newEntityId(args.ids, "calendarGroup", args.mailbox.id),
    name: args.name,
    classId: args.isDefault ? MY_CALENDARS_CLASS_ID : args.ids.guid(),
    changeKey: changeKeyFor(args.mailbox.id, args.seq),
    isDefault: args.isDefault,
    createdSeq: args.seq,
  };
}

/** A calendar created by a client (spec §5.3). */
export function newCalendar(args: {
  ids: IdSource; mailbox: Mailbox; seq: number; name: string; group: CalendarGroup;
  explicitGroup: boolean;
}): Calendar {
  return {
    id: newEntityId(args.ids, "calendar", args.mailbox.id),
    name: args.name,
    color: "auto",
    hexColor: "",
    isDefaultCalendar: false,
    changeKey: changeKeyFor(args.mailbox.id, args.seq),
    canShare: true,
    canViewPrivateItems: true,
    canEdit: true,
    isRemovable: true,
    isTallyingResponses: false,
    allowedOnlineMeetingProviders: ["teamsForBusiness"],
    defaultOnlineMeetingProvider: "teamsForBusiness",
    owner: { name: args.mailbox.displayName, address: args.mailbox.mail ?? args.mailbox.userPrincipalName },
    calendarGroupId: args.explicitGroup ? args.group.id : null,
    isShared: false,
    isSharedWithMe: false,
    groupClassId: args.group.classId,
    groupId: args.group.id,
    createdSeq: args.seq,
    changeSeq: args.seq,
  };
}

/** The default "Calendar" of a new mailbox, as in the seed's example. */
export function newDefaultCalendar(args: { ids: IdSource; mailbox: Mailbox; seq: number; group: CalendarGroup }): Calendar {
  return {
    ...newCalendar({ ...args, name: "Calendar", explicitGroup: false }),
    isDefaultCalendar: true,
    isRemovable: false,
    isTallyingResponses: true,
  };
}

/** "Birthdays": read-only for the user, no online meetings (seed example, spec §5.4). */
export function newBirthdaysCalendar(args: { ids: IdSource; mailbox: Mailbox; seq: number; group: CalendarGroup }): Calendar {
  return {
    ...newCalendar({ ...args, name: "Birthdays", explicitGroup: false }),
    canShare: false,
    canEdit: false,
    allowedOnlineMeetingProviders: [],
    defaultOnlineMeetingProvider: "unknown",
  };
}
