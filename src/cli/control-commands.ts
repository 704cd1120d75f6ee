import { ADMIN_CLIENT_FLAGS, runAdminCall } from "./admin-client.js";
import { UsageError } from "./cli-errors.js";
import { defineCommand } from "./command.js";

// The CLI side of the emulator controls (issue 11): each command is one admin call to a running
// server (README "Emulator controls").

export const clockCommand = defineCommand({
  name: "clock",
  usage: ["[--advance P1D | --set ISO | --real | --manual] [--allow-backwards]"],
  flags: {
    advance: { type: "string", value: "DURATION", help: "move the clock forward by an ISO 8601 duration (P1D, PT2H)" },
    set: { type: "string", value: "ISO", help: "set the clock to this instant (2027-01-01T00:00:00Z)" },
    real: { type: "boolean", help: "follow the wall clock again" },
    manual: { type: "boolean", help: "freeze the clock where it is" },
    "allow-backwards": { type: "boolean", help: "allow --set or --real to move the clock back" },
    ...ADMIN_CLIENT_FLAGS,
  },
  notes: ["Without a flag it prints the clock: {\"now\", \"mode\"}."],
  examples: ["graphcal clock --advance P1D --base-url http://127.0.0.1:8080"],
  async run({ values }) {
    const commands = [
      values.advance !== undefined && { advance: values.advance },
      values.set !== undefined && { set: values.set },
      values.real && { mode: "real" },
      values.manual && { mode: "manual" },
    ].filter((c) => c !== false && c !== undefined);
    if (commands.length > 1) throw new UsageError("give at most one of --advance, --set, --real, --manual");
    if (commands.length === 0) return runAdminCall("clock", values, { method: "GET", path: "/_graphcal/clock" });
    const body = { ...commands[0], ...(values["allow-backwards"] && { allowBackwards: true }) };
    return runAdminCall("clock", values, { method: "POST", path: "/_graphcal/clock", body });
  },
});

export const resetCommand = defineCommand({
  name: "reset",
  usage: ["[--mailbox ID|UPN]"],
  flags: {
    mailbox: { type: "string", value: "ID|UPN", help: "reset only this mailbox (default: the whole store)" },
    ...ADMIN_CLIENT_FLAGS,
  },
  examples: ["graphcal reset --mailbox adelev@contoso.com"],
  async run({ values }) {
    const path = values.mailbox ? `/_graphcal/mailboxes/${encodeURIComponent(values.mailbox)}/reset` : "/_graphcal/reset";
    return runAdminCall("reset", values, { method: "POST", path });
  },
});

export const expireTokensCommand = defineCommand({
  name: "expire-tokens",
  usage: ["(--delta-link URL | --mailbox ID|UPN)"],
  flags: {
    "delta-link": { type: "string", value: "URL", help: "expire this delta link" },
    mailbox: { type: "string", value: "ID|UPN", help: "expire every delta link of this mailbox" },
    ...ADMIN_CLIENT_FLAGS,
  },
  examples: ["graphcal expire-tokens --mailbox adelev@contoso.com"],
  async run({ values }) {
    if ((values["delta-link"] === undefined) === (values.mailbox === undefined)) throw new UsageError("give either --delta-link URL or --mailbox ID");
    const body = values["delta-link"] !== undefined ? { deltaLink: values["delta-link"] } : { mailbox: values.mailbox };
    return runAdminCall("expire-tokens", values, { method: "POST", path: "/_graphcal/delta-tokens/expire", body });
  },
});

export const quirksCommand = defineCommand({
  name: "quirks",
  usage: ["[--mailbox ID|UPN] (--set a,b | --clear)"],
  flags: {
    mailbox: { type: "string", value: "ID|UPN", help: "the mailbox (default: every mailbox)" },
    set: { type: "string", value: "LIST", help: "quirks to turn on: replay-item,duplicate-item,empty-page,late-change (\"\" for strict mode)" },
    clear: { type: "boolean", help: "remove the mailbox's (or the global) setting" },
    ...ADMIN_CLIENT_FLAGS,
  },
  notes: ["Without --set or --clear it lists the global quirks and every mailbox's."],
  examples: ["graphcal quirks --mailbox adelev@contoso.com --set empty-page,late-change"],
  async run({ values }) {
    if (values.set !== undefined && values.clear) throw new UsageError("give at most one of --set and --clear");
    if (values.clear) {
      const path = values.mailbox ? `/_graphcal/quirks/${encodeURIComponent(values.mailbox)}` : "/_graphcal/quirks";
      return runAdminCall("quirks", values, { method: "DELETE", path });
    }
    if (values.set === undefined) return runAdminCall("quirks", values, { method: "GET", path: "/_graphcal/quirks" });
    // --set "" is strict mode for the mailbox (or everywhere).
    const quirks = values.set.split(",").map((q) => q.trim()).filter((q) => q !== "");
    return runAdminCall("quirks", values, { method: "POST", path: "/_graphcal/quirks", body: { ...(values.mailbox && { mailbox: values.mailbox }), quirks } });
  },
});
