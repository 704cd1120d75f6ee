// A token from a command line, e.g. `az account get-access-token --resource-type ms-graph
// --query accessToken -o tsv`: run again whenever the last token is near expiry or rejected.
import { exec } from "node:child_process";
import { cachedAccessTokenSource, jwtExpiry, type AccessTokenSource } from "./access-token-source.js";

/**
 * Runs `command` through the shell and takes its trimmed stdout as the token. The token is
 * reused until two minutes before its JWT `exp` (opaque tokens: until the server rejects it).
 *
 * @example
 * const token = commandToken("az account get-access-token --resource-type ms-graph --query accessToken -o tsv");
 */
export function commandToken(command: string, options: { timeoutMs?: number; now?: () => number } = {}): AccessTokenSource {
  return cachedAccessTokenSource((signal) => new Promise((resolve, reject) => {
    exec(command, { timeout: options.timeoutMs ?? 60_000, ...(signal && { signal }), maxBuffer: 1 << 20 }, (error, stdout, stderr) => {
      const token = String(stdout).trim();
      if (error || !token) {
        const why = error ? `failed (${error.code ?? error.signal ?? error.message})` : "printed no token";
        reject(new Error(`token command ${why}${String(stderr).trim() ? `: ${String(stderr).trim()}` : ""}`));
        return;
      }
      // A command may print a line of decoration before the token; the token is the last line.
      const last = token.split(/\r?\n/).pop()!.trim();
      resolve({ token: last, expiresAt: jwtExpiry(last) });
    });
  }), { ...(options.now && { now: options.now }) });
}
