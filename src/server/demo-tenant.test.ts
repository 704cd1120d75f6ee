import { describe, expect, it } from "vitest";
import { verifySecret } from "../auth/index.js";
import { DEMO_ADMIN_CLIENT_SECRET, DEMO_CLIENT_SECRET, DEMO_SECRET_HASHES, DEMO_USER_PASSWORD } from "./demo-tenant.js";

describe("demo tenant", () => {
  it("demo secrets: the written hashes verify the public demo secret and password, and nothing else", async () => {
    expect(await verifySecret(DEMO_CLIENT_SECRET, DEMO_SECRET_HASHES[DEMO_CLIENT_SECRET]!)).toBe(true);
    expect(await verifySecret(DEMO_USER_PASSWORD, DEMO_SECRET_HASHES[DEMO_USER_PASSWORD]!)).toBe(true);
    expect(await verifySecret(DEMO_USER_PASSWORD, DEMO_SECRET_HASHES[DEMO_CLIENT_SECRET]!)).toBe(false);
    expect(await verifySecret(DEMO_ADMIN_CLIENT_SECRET, DEMO_SECRET_HASHES[DEMO_ADMIN_CLIENT_SECRET]!)).toBe(true);
    expect(await verifySecret(DEMO_CLIENT_SECRET, DEMO_SECRET_HASHES[DEMO_ADMIN_CLIENT_SECRET]!)).toBe(false);
  });
});
