import { randomUUID } from "node:crypto";
import { mkdir, readFile, rename, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { generateSigningKeyJwk, signingKeyFromJwk, type SigningKey } from "../auth/index.js";

// The token-signing key of the helper's throw-away servers. Making an RSA key costs 0.1–0.5 s,
// most of a start (issue 11: startGraphcal() to first answer ≤ 300 ms), and vitest runs each
// test file in its own process; so the key is made once per user and machine, kept in a folder
// of the OS temp dir that only this user can read, and reused by every in-memory server the
// helper starts. It signs only tokens for those servers (loopback, gone with the process).
// GRAPHCAL_TESTING_KEY_CACHE=off makes a fresh key per process instead.

let memo: Promise<SigningKey> | undefined;

export function testingSigningKey(): Promise<SigningKey> {
  memo ??= load().catch((error: unknown) => {
    memo = undefined;
    throw error;
  });
  return memo;
}

async function load(): Promise<SigningKey> {
  if (process.env.GRAPHCAL_TESTING_KEY_CACHE === "off") return signingKeyFromJwk(await generateSigningKeyJwk());
  const folder = join(tmpdir(), `graphcal-testing-${process.getuid?.() ?? "user"}`);
  const path = join(folder, "signing-key.v1.json");
  const cached = await readOwn(path);
  if (cached !== undefined) {
    try {
      return await signingKeyFromJwk(cached);
    } catch {
      // unreadable: replaced below
    }
  }
  const jwk = await generateSigningKeyJwk();
  try {
    await mkdir(folder, { recursive: true, mode: 0o700 });
    // Written aside and renamed: processes starting together never read half a key.
    const aside = `${path}.${process.pid}.${randomUUID()}`;
    await writeFile(aside, jwk, { mode: 0o600 });
    await rename(aside, path);
  } catch {
    // no cache this time; the key still works
  }
  return signingKeyFromJwk(jwk);
}

/** The file's text if this user owns it and nobody else may read or write it. */
async function readOwn(path: string): Promise<string | undefined> {
  try {
    const info = await stat(path);
    const uid = process.getuid?.();
    if ((uid !== undefined && info.uid !== uid) || (info.mode & 0o077) !== 0) return undefined;
    return await readFile(path, "utf8");
  } catch {
    return undefined;
  }
}
