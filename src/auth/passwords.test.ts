import { describe, expect, it } from "vitest";
import { scryptSync } from "node:crypto";
import { hashSecret, UNMATCHABLE_HASH, verifySecret } from "./passwords.js";

describe("passwords", () => {
  it("hashSecret/verifySecret: a fresh hash verifies its secret only, and is salted", async () => {
    const a = await hashSecret("s3cret");
    expect(a).toMatch(/^scrypt\$[\w-]{22}\$[\w-]{43}$/);
    expect(await verifySecret("s3cret", a)).toBe(true);
    expect(await verifySecret("s3cret!", a)).toBe(false);
    expect(await hashSecret("s3cret")).not.toBe(a);
  });

  it("verifySecret: hashes written by the old synchronous scryptSync still verify", async () => {
    const salt = Buffer.from("0123456789abcdef");
    const stored = `scrypt$${salt.toString("base64url")}$${scryptSync("old", salt, 32).toString("base64url")}`;
    expect(await verifySecret("old", stored)).toBe(true);
    expect(await verifySecret("new", stored)).toBe(false);
  });

  it("verifySecret: malformed stored values and the unmatchable hash never verify", async () => {
    for (const stored of ["", "plain", "bcrypt$a$b", "scrypt$$", "scrypt$c2FsdA$"]) {
      expect(await verifySecret("x", stored), stored).toBe(false);
    }
    for (const secret of ["", "graphcal-no-such-user", "graphcal-demo-password"]) {
      expect(await verifySecret(secret, UNMATCHABLE_HASH)).toBe(false);
    }
  });
});
