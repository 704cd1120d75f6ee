import { CALENDAR_GROUP_PROPERTIES } from "../../graph/index.js";
import {
  DistinguishedFolderError, NameConflictError, NotEmptyError, ValidationError,
} from "../errors.js";
import { changeKeyFor, type IdSource } from "../ids.js";
import type { CalendarGroup, Mailbox } from "../model.js";
import type { StoreReader } from "../store.js";
import type { ChangeLogWriter } from "../change-log/change-log-writer.js";
import { newCalendarGroup } from "./calendar-defaults.js";
import { parseCalendarName } from "./calendar-input.js";
import { checkReadOnly, readEntityBody } from "../entity-body.js";
import { resolveGroup, type GroupTarget } from "./calendar-service.js";
import { nameKeyOf } from "./name-key.js";

function parseGroupBody(body: unknown, mode: "create" | "update"): { name?: string; readOnly: Record<string, unknown> } {
  const { writable, readOnly } = readEntityBody(body, {
    type: "microsoft.graph.calendarGroup", properties: CALENDAR_GROUP_PROPERTIES, writable: ["name"],
  });
  // "name" is the only writable property, so it is the only entry there can be.
  const name = writable.length > 0 ? parseCalendarName(writable[0]?.[1]) : undefined;
  if (mode === "create" && name === undefined) throw new ValidationError("The calendar group name is required.");
  return { ...(name !== undefined && { name }), readOnly };
}

/** Calendar groups. They have no delta of their own; their writes still take a change sequence for changeKeys. */
export class CalendarGroupService {
  constructor(private readonly deps: { writer: ChangeLogWriter; ids: IdSource }) {}

  async list(args: { mailbox: Mailbox; offset: number; limit: number }): Promise<{ groups: CalendarGroup[]; hasMore: boolean }> {
    const rows = await this.deps.writer.store.listCalendarGroups({ mailboxId: args.mailbox.id, offset: args.offset, limit: args.limit + 1 });
    return { groups: rows.slice(0, args.limit), hasMore: rows.length > args.limit };
  }

  async get(args: { mailbox: Mailbox; group: GroupTarget }): Promise<CalendarGroup> {
    return resolveGroup(this.deps.writer.store, args.mailbox.id, args.group);
  }

  async create(args: { mailbox: Mailbox; body: unknown }): Promise<CalendarGroup> {
    const { name, readOnly } = parseGroupBody(args.body, "create");
    return this.deps.writer.write(args.mailbox.id, async (tx, seq) => {
      await this.assertNameFree(tx, args.mailbox.id, name as string);
      const group = newCalendarGroup({ ids: this.deps.ids, mailbox: args.mailbox, seq, name: name as string, isDefault: false });
      checkReadOnly(readOnly, group);
      await tx.insertCalendarGroup({ mailboxId: args.mailbox.id, group });
      return group;
    });
  }

  async update(args: { mailbox: Mailbox; group: GroupTarget; body: unknown }): Promise<CalendarGroup> {
    const { name, readOnly } = parseGroupBody(args.body, "update");
    return this.deps.writer.write(args.mailbox.id, async (tx, seq) => {
      const current = await resolveGroup(tx, args.mailbox.id, args.group);
      if (name !== undefined && nameKeyOf(name) !== nameKeyOf(current.name)) {
        await this.assertNameFree(tx, args.mailbox.id, name);
      }
      const updated: CalendarGroup = {
        ...current, ...(name !== undefined && { name }), changeKey: changeKeyFor(args.mailbox.id, seq),
      };
      checkReadOnly(readOnly, current); // echoes carry the values the client read, old changeKey included
      await tx.updateCalendarGroup({ mailboxId: args.mailbox.id, group: updated });
      return updated;
    });
  }

  async delete(args: { mailbox: Mailbox; group: GroupTarget }): Promise<void> {
    await this.deps.writer.write(args.mailbox.id, async (tx) => {
      const current = await resolveGroup(tx, args.mailbox.id, args.group);
      if (current.isDefault) throw new DistinguishedFolderError();
      if ((await tx.countCalendars({ mailboxId: args.mailbox.id, groupId: current.id })) > 0) {
        throw new NotEmptyError("The calendar group still contains calendars; delete or move them first.");
      }
      await tx.deleteCalendarGroup({ mailboxId: args.mailbox.id, groupId: current.id });
    });
  }

  private async assertNameFree(reader: StoreReader, mailboxId: string, name: string): Promise<void> {
    if (await reader.findCalendarGroupByName({ mailboxId, nameKey: nameKeyOf(name) })) throw new NameConflictError(name);
  }
}
