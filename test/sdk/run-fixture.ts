import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));

/**
 * Runs test/sdk/fixtures/<name> in a child Node (`node --import tsx`) that trusts graphcal's
 * self-signed certificate through NODE_EXTRA_CA_CERTS, passes `input` as JSON in argv[2] and
 * returns the JSON the script prints on stdout.
 *
 * Why a child process: the SDKs that need https (the legacy Graph client, MSAL) use Node's own
 * networking — global fetch and node:https. NODE_EXTRA_CA_CERTS is read once at process start,
 * so this vitest worker cannot begin trusting a certificate made after it started, and Node 20
 * has no API to add a CA to global fetch later (a custom undici dispatcher would need the
 * `undici` package, which is not installed, and must match Node's bundled copy). Setting the
 * variable on a fresh process is exactly what the README tells users to do, and it leaves each
 * SDK's HTTP stack untouched.
 *
 * Asynchronous on purpose: the server under test runs in this process, so a synchronous spawn
 * would block the event loop it needs to answer.
 */
export function runFixture<T>(name: string, input: unknown, certPath: string): Promise<T> {
  const script = fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));
  return new Promise((resolve, reject) => {
    execFile(process.execPath, ["--import", "tsx", script, JSON.stringify(input)], {
      cwd: ROOT, timeout: 20_000, maxBuffer: 16 * 1024 * 1024,
      env: { ...process.env, NODE_EXTRA_CA_CERTS: certPath, NODE_OPTIONS: "" },
    }, (error, stdout, stderr) => {
      if (error) {
        reject(new Error(`${name} failed: ${error.message}\n${stderr}`));
        return;
      }
      try {
        resolve(JSON.parse(stdout) as T);
      } catch {
        reject(new Error(`${name} printed no JSON:\n${stdout}\n${stderr}`));
      }
    });
  });
}
