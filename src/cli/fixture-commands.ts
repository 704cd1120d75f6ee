import { readFile, writeFile } from "node:fs/promises";
import { extname } from "node:path";
import { parse as parseYaml } from "yaml";
import { ADMIN_CLIENT_FLAGS, reportAdminFailure, runAdminCall, sendAdminCall } from "./admin-client.js";
import { UsageError } from "./cli-errors.js";
import { defineCommand } from "./command.js";

// `graphcal seed` and `graphcal export`: fixtures (issue 11 §1) through a running server's
// /_graphcal/fixtures, like the other admin commands. Over HTTP only: a store a server has open
// must be written through that server, or its caches would not know (README "Fixtures").

export const seedCommand = defineCommand({
  name: "seed",
  usage: ["FILE [--mode merge|replace]"],
  flags: {
    mode: { type: "string", value: "MODE", help: "merge (default): add and update; replace: the file's users get exactly its content" },
    ...ADMIN_CLIENT_FLAGS,
  },
  notes: ["FILE is JSON, or YAML by its .yaml/.yml extension (schema: schemas/fixture.schema.json)."],
  examples: ["graphcal seed team.yaml --base-url http://127.0.0.1:8080"],
  positionals: true,
  async run({ values, positionals }) {
    const [file, ...extra] = positionals;
    if (!file || extra.length > 0) throw new UsageError("give one fixture file (JSON, or YAML by its .yaml/.yml extension)");
    let fixture: unknown;
    try {
      const text = await readFile(file, "utf8");
      // YAML is read here and sent as JSON: the server validates one shape either way.
      fixture = /^\.ya?ml$/i.test(extname(file)) ? parseYaml(text) as unknown : JSON.parse(text);
    } catch (error) {
      throw new UsageError(`cannot read ${file}: ${(error as Error).message.split("\n")[0]}`);
    }
    const query = values.mode ? `?mode=${encodeURIComponent(values.mode)}` : "";
    return runAdminCall("seed", values, { method: "POST", path: `/_graphcal/fixtures${query}`, body: fixture });
  },
});

export const exportCommand = defineCommand({
  name: "export",
  usage: ["[--mailbox ID|UPN]… [--out FILE]"],
  flags: {
    mailbox: { type: "string", multiple: true, value: "ID|UPN", help: "export only these mailboxes (default: all)" },
    out: { type: "string", value: "FILE", help: "write the fixture here instead of stdout" },
    ...ADMIN_CLIENT_FLAGS,
  },
  examples: ["graphcal export --mailbox adelev@contoso.com --out adele.json"],
  async run({ values }) {
    const query = (values.mailbox ?? []).map((m) => `mailbox=${encodeURIComponent(m)}`).join("&");
    const path = `/_graphcal/fixtures${query ? `?${query}` : ""}`;
    if (!values.out) return runAdminCall("export", values, { method: "GET", path });
    const { answer, token } = await sendAdminCall(values, { method: "GET", path });
    if (answer.status !== 200) {
      reportAdminFailure("export", answer, token);
      return 1;
    }
    await writeFile(values.out, `${JSON.stringify(answer.body, null, 2)}\n`);
    const users = (answer.body as { users: unknown[] }).users.length;
    process.stdout.write(`graphcal export: ${users} user${users === 1 ? "" : "s"} written to ${values.out}\n`);
    return 0;
  },
});
