import { readFile, writeFile } from "node:fs/promises";
import { extname } from "node:path";
import { parseArgs } from "node:util";
import { parse as parseYaml } from "yaml";
import { ADMIN_CLIENT_OPTIONS, adminToken, callAdmin, DEFAULT_BASE_URL, runAdminCall } from "./admin-client.js";

// `graphcal seed` and `graphcal export`: fixtures (issue 11 §1) through a running server's
// /_graphcal/fixtures, like the other admin commands. Over HTTP only: a store a server has open
// must be written through that server, or its caches would not know (README "Fixtures").

/** `graphcal seed FILE [--mode merge|replace]` */
export async function runSeed(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { ...ADMIN_CLIENT_OPTIONS, mode: { type: "string" } } });
  const [file, ...extra] = positionals;
  if (!file || extra.length > 0) {
    process.stderr.write("graphcal seed: give one fixture file (JSON, or YAML by its .yaml/.yml extension)\n");
    return 2;
  }
  let fixture: unknown;
  try {
    const text = await readFile(file, "utf8");
    // YAML is read here and sent as JSON: the server validates one shape either way.
    fixture = /^\.ya?ml$/i.test(extname(file)) ? parseYaml(text) as unknown : JSON.parse(text);
  } catch (error) {
    process.stderr.write(`graphcal seed: cannot read ${file}: ${(error as Error).message}\n`);
    return 2;
  }
  const query = values.mode ? `?mode=${encodeURIComponent(values.mode)}` : "";
  return runAdminCall("seed", values, { method: "POST", path: `/_graphcal/fixtures${query}`, body: fixture });
}

/** `graphcal export [--mailbox ID]… [--out FILE]` */
export async function runExport(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args, options: { ...ADMIN_CLIENT_OPTIONS, mailbox: { type: "string", multiple: true }, out: { type: "string" } },
  });
  const query = (values.mailbox ?? []).map((m) => `mailbox=${encodeURIComponent(m)}`).join("&");
  const path = `/_graphcal/fixtures${query ? `?${query}` : ""}`;
  if (!values.out) return runAdminCall("export", values, { method: "GET", path });
  const answer = await callAdmin({ baseUrl: values["base-url"] ?? DEFAULT_BASE_URL, token: await adminToken(values), method: "GET", path });
  if (answer.status !== 200) {
    const error = (answer.body as { error?: { code?: string; message?: string } } | undefined)?.error;
    process.stderr.write(`graphcal export: ${answer.status} ${error?.code ?? ""} ${error?.message ?? ""}\n`);
    return 1;
  }
  await writeFile(values.out, `${JSON.stringify(answer.body, null, 2)}\n`);
  const users = (answer.body as { users: unknown[] }).users.length;
  process.stdout.write(`graphcal export: ${users} user${users === 1 ? "" : "s"} written to ${values.out}\n`);
  return 0;
}
