import { parseArgs } from "node:util";
import { ADMIN_CLIENT_OPTIONS, runAdminCall } from "./admin-client.js";

// The CLI side of the emulator controls (issue 11): each command is one admin call to a running
// server (README "Emulator controls").

/** `graphcal clock [--advance P1D | --set ISO | --real | --manual] [--allow-backwards]` */
export async function runClock(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      ...ADMIN_CLIENT_OPTIONS, advance: { type: "string" }, set: { type: "string" }, real: { type: "boolean" },
      manual: { type: "boolean" }, "allow-backwards": { type: "boolean" },
    },
  });
  const commands = [
    values.advance !== undefined && { advance: values.advance },
    values.set !== undefined && { set: values.set },
    values.real && { mode: "real" },
    values.manual && { mode: "manual" },
  ].filter((c) => c !== false && c !== undefined);
  if (commands.length > 1) {
    process.stderr.write("graphcal clock: give at most one of --advance, --set, --real, --manual\n");
    return 2;
  }
  if (commands.length === 0) return runAdminCall("clock", values, { method: "GET", path: "/_graphcal/clock" });
  const body = { ...commands[0], ...(values["allow-backwards"] && { allowBackwards: true }) };
  return runAdminCall("clock", values, { method: "POST", path: "/_graphcal/clock", body });
}

/** `graphcal reset [--mailbox ID]` */
export async function runReset(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { ...ADMIN_CLIENT_OPTIONS, mailbox: { type: "string" } } });
  const path = values.mailbox ? `/_graphcal/mailboxes/${encodeURIComponent(values.mailbox)}/reset` : "/_graphcal/reset";
  return runAdminCall("reset", values, { method: "POST", path });
}

/** `graphcal expire-tokens (--delta-link URL | --mailbox ID)` */
export async function runExpireTokens(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { ...ADMIN_CLIENT_OPTIONS, "delta-link": { type: "string" }, mailbox: { type: "string" } } });
  if ((values["delta-link"] === undefined) === (values.mailbox === undefined)) {
    process.stderr.write("graphcal expire-tokens: give either --delta-link URL or --mailbox ID\n");
    return 2;
  }
  const body = values["delta-link"] !== undefined ? { deltaLink: values["delta-link"] } : { mailbox: values.mailbox };
  return runAdminCall("expire-tokens", values, { method: "POST", path: "/_graphcal/delta-tokens/expire", body });
}

/** `graphcal quirks [--mailbox ID] (--set a,b | --clear)`; neither lists them. */
export async function runQuirks(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { ...ADMIN_CLIENT_OPTIONS, mailbox: { type: "string" }, set: { type: "string" }, clear: { type: "boolean" } } });
  if (values.set !== undefined && values.clear) {
    process.stderr.write("graphcal quirks: give at most one of --set and --clear\n");
    return 2;
  }
  if (values.clear) {
    const path = values.mailbox ? `/_graphcal/quirks/${encodeURIComponent(values.mailbox)}` : "/_graphcal/quirks";
    return runAdminCall("quirks", values, { method: "DELETE", path });
  }
  if (values.set === undefined) return runAdminCall("quirks", values, { method: "GET", path: "/_graphcal/quirks" });
  // --set "" is strict mode for the mailbox (or everywhere).
  const quirks = values.set.split(",").map((q) => q.trim()).filter((q) => q !== "");
  return runAdminCall("quirks", values, { method: "POST", path: "/_graphcal/quirks", body: { ...(values.mailbox && { mailbox: values.mailbox }), quirks } });
}
