import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { COMMANDS, type CommandSpec } from "../../src/cli/index.js";
import { runCli } from "../support/run-cli.js";

// Help as a newcomer meets it, from the built CLI (issue 14 §6): every command answers --help
// with each flag its table parses, `graphcal help X` says the same, --version is the package's,
// and the README's CLI section is the real `graphcal --help`.

const listed = Object.entries(COMMANDS).filter(([, entry]) => !entry.hidden);
const SPECS: CommandSpec[] = await Promise.all(listed.map(([, entry]) => entry.load()));
const root = new URL("../../", import.meta.url);

describe("graphcal --help", () => {
  it("cli help: graphcal --help lists every command, exit 0; the README's CLI block is exactly that output", async () => {
    const help = await runCli(["--help"]);
    expect(help.code).toBe(0);
    expect(SPECS.map((spec) => spec.name)).toEqual(listed.map(([name]) => name));
    for (const spec of SPECS) expect(help.stdout).toMatch(new RegExp(`^  ${spec.name} +\\S`, "m"));
    const readme = readFileSync(new URL("README.md", root), "utf8");
    const block = /<!-- graphcal --help -->\n```text\n([\s\S]*?)```\n/.exec(readme);
    expect(block, "README has a ```text block after <!-- graphcal --help -->").not.toBeNull();
    expect(block![1]).toBe(help.stdout);
    expect((await runCli(["help"])).stdout).toBe(help.stdout);
  });

  it.concurrent.each(SPECS.map((spec) => [spec.name, spec] as const))("cli help: graphcal %s --help names each of its flags and an example, exit 0", async (name, spec) => {
    const [help, short, viaHelp] = await Promise.all([runCli([name, "--help"]), runCli([name, "-h"]), runCli(["help", name])]);
    expect(help.code, help.stderr).toBe(0);
    expect(help.stdout).toMatch(new RegExp(`^graphcal ${name} — `));
    for (const flag of Object.keys(spec.flags)) expect(help.stdout).toMatch(new RegExp(`--${flag}\\b`));
    for (const f of Object.values(spec.flags)) if (f.env) expect(help.stdout).toContain(`[env ${f.env}]`);
    expect(help.stdout).toMatch(/^Examples?:\n {2}(\S.*)?graphcal /m);
    // -h and `graphcal help X` are the same help.
    expect(short.stdout).toBe(help.stdout);
    expect(viaHelp.stdout).toBe(help.stdout);
  });

  it("cli help: --help wins over a bad flag next to it; a bad flag alone is exit 2 pointing at --help", async () => {
    const both = await runCli(["serve", "--bogus", "--help"]);
    expect(both.code).toBe(0);
    expect(both.stdout).toMatch(/^graphcal serve — /);
    const bad = await runCli(["serve", "--bogus"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe("graphcal serve: Unknown option '--bogus'\n(graphcal serve --help lists its flags)\n");
    const unknown = await runCli(["serv"]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/^graphcal: unknown command 'serv'/);
  });

  it("cli help: every environment variable the server's config reads is in graphcal serve --help", async () => {
    const source = readFileSync(new URL("src/server/config.ts", root), "utf8");
    const names = new Set([...source.matchAll(/(?:env\.|pick\(")([A-Z][A-Z_]+)/g)].map((m) => m[1] as string));
    expect(names.size).toBeGreaterThan(15);
    const help = (await runCli(["serve", "--help"])).stdout;
    for (const name of names) expect(help, name).toMatch(new RegExp(`\\b${name}\\b`));
  });

  it("cli: --version prints package.json's version", async () => {
    const { version } = JSON.parse(readFileSync(new URL("package.json", root), "utf8")) as { version: string };
    const run = await runCli(["--version"]);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(`${version}\n`);
  });
});
