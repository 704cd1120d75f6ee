import { randomBytes, scrypt, timingSafeEqual } from "node:crypto";

// Client secrets and demo-user passwords are stored as scrypt hashes, never in clear. A hash
// costs ~45 ms of CPU on purpose, so it runs on libuv's thread pool (crypto.scrypt), never on
// the event loop: twenty bad sign-ins in flight must not stall every other request.
// Stored format (unchanged since the first release, so old hashes still verify):
// `scrypt$<salt, base64url>$<32-byte key, base64url>`, Node's default cost (N=16384, r=8, p=1).

const KEY_LENGTH = 32;

/**
 * How many scrypts run at once in this process. One: four thread-pool threads hashing at once
 * leave the event loop a fifth of a busy core (bench case 11 measured /healthz p99 +120 ms
 * during 50 failed sign-ins on one core; with one at a time, +3 ms). Sign-ins then queue,
 * ~22 a second, which a development server can afford; what is refused early never queues
 * (sign-in-throttle.ts), and the queue itself is bounded.
 */
const MAX_RUNNING = 1;
/** Checks waiting beyond this are refused at once: a flood must not queue minutes of hashing. */
const MAX_WAITING = 256;
let running = 0;
const waiting: (() => void)[] = [];

/** Thrown (and never stored) when MAX_WAITING checks already wait: the caller answers "try later". */
export class SecretCheckBusyError extends Error {
  constructor() {
    super("Too many secret checks are waiting.");
    this.name = "SecretCheckBusyError";
  }
}

async function scryptAsync(secret: string, salt: Buffer, keyLength: number): Promise<Buffer> {
  if (running >= MAX_RUNNING) {
    if (waiting.length >= MAX_WAITING) throw new SecretCheckBusyError();
    await new Promise<void>((resolve) => waiting.push(resolve));
  }
  running++;
  try {
    return await new Promise((resolve, reject) => {
      scrypt(secret, salt, keyLength, (error, key) => (error ? reject(error) : resolve(key)));
    });
  } finally {
    running--;
    waiting.shift()?.();
  }
}

export async function hashSecret(secret: string): Promise<string> {
  const salt = randomBytes(16);
  const hash = await scryptAsync(secret, salt, KEY_LENGTH);
  return `scrypt$${salt.toString("base64url")}$${hash.toString("base64url")}`;
}

/**
 * Whether `secret` matches `stored`. A malformed stored value still costs one scrypt of the
 * usual length, so no answer comes back faster than a real check.
 */
export async function verifySecret(secret: string, stored: string): Promise<boolean> {
  const [scheme, salt, hash] = stored.split("$");
  const wellFormed = scheme === "scrypt" && !!salt && !!hash;
  const expected = wellFormed ? Buffer.from(hash, "base64url") : Buffer.alloc(KEY_LENGTH);
  const actual = await scryptAsync(secret, Buffer.from(wellFormed ? salt : "", "base64url"), expected.length || KEY_LENGTH);
  return wellFormed && actual.length === expected.length && timingSafeEqual(actual, expected);
}

/**
 * What a sign-in verifies against when the user does not exist or has no password: a hash of
 * nothing anyone knows, so the attempt costs one scrypt like any other (no user probing by time).
 */
export const UNMATCHABLE_HASH = `scrypt$${Buffer.from("graphcal-no-such-user").toString("base64url")}$${Buffer.alloc(KEY_LENGTH).toString("base64url")}`;
