import { createServer as createNetServer } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../support/harness.js";
import { DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, DEMO_TENANT_ID, DEMO_USER_PASSWORD } from "../../src/server/index.js";
import { runFixture } from "./run-fixture.js";

// @azure/msal-node against graphcal's token endpoint (authority https://127.0.0.1:<port>/contoso),
// with graphcal accepting what MSAL gets. MSAL insists on https authorities, so this runs over
// the HTTPS listener, in a child process that trusts the certificate (see run-fixture.ts).

type Json = Record<string, any>;
interface MsalRun { withoutExtras?: string; app: Json; user: Json; wrongPassword?: Json }

const USER = "adelev@contoso.com";
const input = { clientId: DEMO_CLIENT_ID, clientSecret: DEMO_CLIENT_SECRET, username: USER, password: DEMO_USER_PASSWORD };

async function freePort(): Promise<number> {
  const server = createNetServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

function expectTokensAccepted(run: MsalRun, issuer: string): void {
  // Client credentials: an app token with the demo app's roles, cached by MSAL for the next call.
  expect(run.app).toMatchObject({ tokenType: "Bearer", scopes: ["https://graph.microsoft.com/.default"], secondFromCache: true, sameToken: true });
  expect(run.app.expiresInSeconds).toBeGreaterThan(60);
  expect(run.app.claims).toMatchObject({
    iss: issuer, tid: DEMO_TENANT_ID, appid: DEMO_CLIENT_ID, idtyp: "app", aud: "https://graph.microsoft.com",
    roles: expect.arrayContaining(["Calendars.ReadWrite", "User.Read.All"]),
  });
  expect(run.app.calendars).toEqual({ status: 200, names: ["Calendar", "Birthdays"] });

  // Password grant: a delegated token for the demo user with the scopes asked for.
  expect(run.user).toMatchObject({ tokenType: "Bearer", scopes: ["Calendars.Read", "User.Read"] });
  expect(run.user.claims).toMatchObject({ iss: issuer, tid: DEMO_TENANT_ID, upn: USER, scp: "Calendars.Read User.Read", idtyp: "user" });
  expect(run.user.calendars).toEqual({ status: 200, names: ["Calendar", "Birthdays"] });
  // graphcal returns no id_token/client_info, so MSAL builds no account: the app keeps the
  // AuthenticationResult (or repeats the grant) instead of acquireTokenSilent({ account }).
  expect(run.user).toMatchObject({ account: null, cachedAccounts: 0 });

  expect(run.wrongPassword).toMatchObject({ errorCode: "invalid_grant", errorMessage: expect.stringContaining("AADSTS50126") });
}

describe("@azure/msal-node against graphcal's token endpoint", () => {
  describe("default configuration (the issuer follows the authority's origin)", () => {
    let t: TestServer;
    let origin: string;
    let certPath: string;
    beforeAll(async () => {
      t = await startTestServer({ env: { HTTPS_PORT: "0" } });
      const listening = await t.server.listen();
      origin = listening.https!;
      certPath = listening.certPath!;
    });
    afterAll(async () => t.close());

    it("client credentials and password grant need only the authority's host in knownAuthorities; graphcal accepts the tokens", async () => {
      const run = await runFixture<MsalRun>("msal.ts", { ...input, origin, extraKnownAuthorities: [], probeWithoutExtras: true }, certPath);
      // MSAL checks the discovery document's issuer against the authority's origin; graphcal
      // names the origin it was reached at, so the bare configuration works.
      expect(run.withoutExtras).toBe("ok");
      expectTokensAccepted(run, `${origin}/${DEMO_TENANT_ID}/v2.0`);
    });
  });

  describe("ISSUER_ORIGIN set to the HTTPS listener's origin", () => {
    let t: TestServer;
    let origin: string;
    let certPath: string;
    beforeAll(async () => {
      const port = await freePort();
      t = await startTestServer({ env: { HTTPS_PORT: String(port), ISSUER_ORIGIN: `https://127.0.0.1:${port}` } });
      const listening = await t.server.listen();
      origin = listening.https!;
      certPath = listening.certPath!;
      expect(origin).toBe(`https://127.0.0.1:${port}`);
    });
    afterAll(async () => t.close());

    it("needs only the authority's own host in knownAuthorities", async () => {
      const run = await runFixture<MsalRun>("msal.ts", { ...input, origin, extraKnownAuthorities: [], probeWithoutExtras: false }, certPath);
      expectTokensAccepted(run, `${origin}/${DEMO_TENANT_ID}/v2.0`);
    });
  });
});
