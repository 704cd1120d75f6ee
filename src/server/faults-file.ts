import { readFileSync } from "node:fs";
import { parseFaultRules, type FaultControl } from "../http/index.js";
import { ConfigError } from "./config.js";

/**
 * The rules of `graphcal serve --faults FILE`: a JSON list of fault rules (or one rule), checked
 * as `POST /_graphcal/faults` checks them; a bad file stops the start with the field it names.
 */
export async function loadFaultsFile(path: string, faults: FaultControl): Promise<void> {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new ConfigError(`--faults ${path}: cannot read it (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(`--faults ${path}: not JSON (${(error as Error).message})`);
  }
  try {
    await faults.addRules(parseFaultRules(json));
  } catch (error) {
    throw new ConfigError(`--faults ${path}: ${(error as Error).message}`);
  }
}
