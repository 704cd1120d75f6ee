import { readFileSync } from "node:fs";
import { extname } from "node:path";
import { parse as parseYaml } from "yaml";
import type { FixtureService } from "../domain/index.js";
import { ConfigError } from "./config.js";

/**
 * The fixture of `graphcal serve --fixtures FILE` (JSON, or YAML by its .yaml/.yml extension),
 * read once at start: the server loads it after the demo seed, and a whole-store reset puts it
 * back (README "Fixtures"). A file that cannot be read or parsed stops the start with its name.
 */
export function readFixturesFile(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new ConfigError(`--fixtures ${path}: cannot read it (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
  try {
    return /^\.ya?ml$/i.test(extname(path)) ? parseYaml(text) as unknown : JSON.parse(text);
  } catch (error) {
    throw new ConfigError(`--fixtures ${path}: not ${/^\.ya?ml$/i.test(extname(path)) ? "YAML" : "JSON"} (${(error as Error).message.split("\n")[0]})`);
  }
}

/**
 * Loads the startup fixture; a fixture the domain refuses stops the start with the bad path.
 * Returns what was loaded as an export of its users: ids the file left out are fixed now, so a
 * reset that loads this again gives the same users, calendars and events under the same ids
 * (tests keep the ids they read once).
 */
export async function loadStartupFixture(source: string, fixture: unknown, fixtures: FixtureService): Promise<unknown> {
  try {
    const loaded = await fixtures.load({ fixture, mode: "merge" });
    return await fixtures.export({ mailboxes: loaded.users.map((u) => u.id) });
  } catch (error) {
    throw new ConfigError(`${source}: ${(error as Error).message}`);
  }
}
