import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import crypto from "node:crypto";
import { syncBuiltinESMExports } from "node:module";
import { useTestServer, type TestResponse } from "../support/harness.js";
import { expectOAuthError, tokenForm } from "../support/oauth-assertions.js";
import { DEFAULT_SIGN_IN_LIMITS } from "../../src/auth/index.js";
import { DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, DEMO_USER_PASSWORD, DEMO_USERS } from "../../src/server/index.js";

// What guessing costs (issue 14): every password or secret check is one scrypt, run off the
// event loop, the same for a user that does not exist; repeated failures lock the user (and,
// in bulk, the client) for a while on the virtual clock, refused before any scrypt runs.

const password = (username: string, secret: string) => tokenForm({
  grant_type: "password", client_id: DEMO_CLIENT_ID, username, password: secret, scope: "User.Read",
});
const credentials = (secret: string) => tokenForm({
  grant_type: "client_credentials", client_id: DEMO_CLIENT_ID, client_secret: secret, scope: "https://graph.microsoft.com/.default",
});

/** Wraps node:crypto's scrypt functions in spies for each test, so a test can count scrypt runs. */
function spyOnScrypt() {
  // passwords.ts imports them by name; syncBuiltinESMExports makes named imports see the
  // wrappers. The originals still run.
  const spies = {} as { scrypt: ReturnType<typeof vi.spyOn>; scryptSync: ReturnType<typeof vi.spyOn> };
  beforeEach(() => {
    spies.scrypt = vi.spyOn(crypto, "scrypt");
    spies.scryptSync = vi.spyOn(crypto, "scryptSync");
    syncBuiltinESMExports();
  });
  afterEach(() => {
    vi.restoreAllMocks();
    syncBuiltinESMExports();
  });
  return spies;
}

describe("identity: sign-in cost and limits", () => {
  const t = useTestServer();
  const token = (form: ReturnType<typeof tokenForm>) => t.request("POST", "/contoso/oauth2/v2.0/token", form);
  const spies = spyOnScrypt();


  it("token (password): an unknown user, a user without a password and a wrong password each cost exactly one async scrypt", async () => {
    const passwordless = await t.newMailbox();
    const attempts: Record<string, ReturnType<typeof tokenForm>> = {
      "wrong password": password(DEMO_USERS[1].userPrincipalName, "wrong"),
      "unknown user": password(`nobody-${Date.now()}@contoso.com`, DEMO_USER_PASSWORD),
      "user without a password": password(passwordless.userPrincipalName, DEMO_USER_PASSWORD),
      "no password at all": tokenForm({ grant_type: "password", client_id: DEMO_CLIENT_ID, username: DEMO_USERS[1].userPrincipalName, scope: "User.Read" }),
      "right password": password(DEMO_USERS[1].userPrincipalName, DEMO_USER_PASSWORD),
    };
    const runs: Record<string, number> = {};
    for (const [what, form] of Object.entries(attempts)) {
      spies.scrypt.mockClear();
      const res = await token(form);
      expect(res.status, `${what}: ${res.text}`).toBe(what === "right password" ? 200 : 400);
      runs[what] = spies.scrypt.mock.calls.length;
    }
    expect(runs).toEqual({ "wrong password": 1, "unknown user": 1, "user without a password": 1, "no password at all": 1, "right password": 1 });
    // The secret check too, with or without a secret; and nothing ever runs on the event loop.
    spies.scrypt.mockClear();
    expect((await token(credentials("wrong"))).status).toBe(401);
    expect((await token(tokenForm({ grant_type: "client_credentials", client_id: DEMO_CLIENT_ID }))).status).toBe(401);
    expect(spies.scrypt.mock.calls.length).toBe(2);
    expect(spies.scryptSync).not.toHaveBeenCalled();
  });

  it("token: /healthz answers while twenty bad sign-ins wait for their checks, before any of them", async () => {
    const settled: string[] = [];
    const logins = Array.from({ length: 20 }, (_, i) => token(password(`burst-${i}@contoso.com`, "wrong")).then((res) => {
      settled.push("login");
      return res;
    }));
    // The first check has started on the thread pool (a synchronous scrypt would never show up
    // here: the wait gives up after two seconds).
    const deadline = Date.now() + 2000;
    while (spies.scrypt.mock.calls.length === 0 && Date.now() < deadline) await new Promise((resolve) => setImmediate(resolve));
    expect(spies.scrypt).toHaveBeenCalled();
    const health = await t.request("GET", "/healthz");
    settled.push("healthz");
    expect(health.status).toBe(200);
    // One scrypt takes ~45 ms of CPU, twenty run one after another; /healthz needs well under one.
    expect(settled[0]).toBe("healthz");
    for (const res of await Promise.all(logins)) expect(res.status).toBe(400);
    expect(spies.scrypt).toHaveBeenCalledTimes(20);
    expect(spies.scryptSync).not.toHaveBeenCalled();
  });

  it("token (password): ten failures lock the user: 429 with Retry-After, without scrypt, even for the right password; open again after the lock", async () => {
    const user = DEMO_USERS[2].userPrincipalName;
    const start = t.clock.now();
    try {
      for (let i = 0; i < DEFAULT_SIGN_IN_LIMITS.userFailures; i++) {
        expectOAuthError(t, await token(password(user, `guess-${i}`)), { status: 400, error: "invalid_grant", aadsts: 50126 });
      }
      spies.scrypt.mockClear();
      let locked: TestResponse = await token(password(user, DEMO_USER_PASSWORD));
      expectOAuthError(t, locked, { status: 429, error: "invalid_grant", aadsts: 50053, description: /The account is locked/ });
      expect(locked.headers["retry-after"]).toBe(String(DEFAULT_SIGN_IN_LIMITS.lockSeconds));
      expect(spies.scrypt).not.toHaveBeenCalled();
      // Another user is not locked; the same user in any case is.
      expect((await token(password(DEMO_USERS[3].userPrincipalName, DEMO_USER_PASSWORD))).status).toBe(200);
      t.clock.advance(45_000);
      locked = await token(password(user.toUpperCase(), DEMO_USER_PASSWORD));
      expect(locked.status).toBe(429);
      expect(locked.headers["retry-after"]).toBe(String(DEFAULT_SIGN_IN_LIMITS.lockSeconds - 45));
      t.clock.advance(15_000);
      const res = await token(password(user, DEMO_USER_PASSWORD));
      expect(res.status, res.text).toBe(200);
    } finally {
      t.clock.set(start);
    }
  });
});

// The client limit is 100 by default; a server with a lower one shows the rule for the price of 5 scrypts.
const CLIENT_LIMITS = { ...DEFAULT_SIGN_IN_LIMITS, clientFailures: 5, lockSeconds: 30 };

describe("identity: the per-client limit", () => {
  const t = useTestServer({ signInLimits: CLIENT_LIMITS });
  const token = (form: ReturnType<typeof tokenForm>) => t.request("POST", "/contoso/oauth2/v2.0/token", form);
  const spies = spyOnScrypt();

  it("token (client_credentials): a client's limit of bad secrets locks it, then the right secret works again after the lock", async () => {
    const start = t.clock.now();
    try {
      for (let i = 0; i < CLIENT_LIMITS.clientFailures; i++) {
        expectOAuthError(t, await token(credentials(`guess-${i}`)), { status: 401, error: "invalid_client", aadsts: 7000215 });
      }
      spies.scrypt.mockClear();
      const locked = await token(credentials(DEMO_CLIENT_SECRET));
      expectOAuthError(t, locked, { status: 429, error: "invalid_client", aadsts: 50196 });
      expect(Number(locked.headers["retry-after"])).toBeGreaterThan(0);
      expect(spies.scrypt).not.toHaveBeenCalled();
      // Password sign-ins through the locked client are refused too.
      expect((await token(password(DEMO_USERS[3].userPrincipalName, DEMO_USER_PASSWORD))).status).toBe(429);
      t.clock.advance(CLIENT_LIMITS.lockSeconds * 1000);
      expect((await token(credentials(DEMO_CLIENT_SECRET))).status).toBe(200);
    } finally {
      t.clock.set(start);
    }
  });
});
