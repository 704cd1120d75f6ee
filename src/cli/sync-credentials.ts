// `graphcal sync`'s token flags → an AccessTokenSource: exactly one of --token, --token-command, or
// the client-credentials trio --tenant/--client-id/--client-secret.
import { clientCredentials, commandToken, staticToken, type AccessTokenSource } from "../client/index.js";
import { UsageError } from "./cli-errors.js";

export interface CredentialFlags {
  token?: string | undefined;
  "token-command"?: string | undefined;
  tenant?: string | undefined;
  "client-id"?: string | undefined;
  "client-secret"?: string | undefined;
  authority?: string | undefined;
  scope?: string | undefined;
}

export { UsageError };

/**
 * Where client credentials are exchanged when --authority is not given: Microsoft Graph's
 * tokens come from the Microsoft identity platform; graphcal serves its own token endpoint on
 * the API's origin (`/{tenant}/oauth2/v2.0/token`).
 */
export function defaultAuthority(baseUrl: string, tenant: string): string {
  const { origin, hostname } = new URL(baseUrl);
  const login = hostname === "graph.microsoft.com" ? "https://login.microsoftonline.com" : origin;
  return `${login}/${encodeURIComponent(tenant)}`;
}

export function accessTokenSourceFromFlags(flags: CredentialFlags, baseUrl: string, env: NodeJS.ProcessEnv): { source: AccessTokenSource; appOnly: boolean } {
  const clientSecret = flags["client-secret"] ?? env.GRAPHCAL_CLIENT_SECRET;
  const credentials = flags.tenant !== undefined || flags["client-id"] !== undefined || flags["client-secret"] !== undefined;
  const chosen = [flags.token !== undefined, flags["token-command"] !== undefined, credentials].filter(Boolean).length;
  if (chosen !== 1) {
    throw new UsageError("give exactly one of --token, --token-command, or --tenant/--client-id/--client-secret");
  }
  if (flags.token !== undefined) return { source: staticToken(flags.token), appOnly: false };
  if (flags["token-command"] !== undefined) return { source: commandToken(flags["token-command"]), appOnly: false };
  if (!flags.tenant || !flags["client-id"] || !clientSecret) {
    throw new UsageError("client credentials need --tenant, --client-id and --client-secret (or GRAPHCAL_CLIENT_SECRET)");
  }
  const source = clientCredentials({
    authority: flags.authority ?? defaultAuthority(baseUrl, flags.tenant),
    clientId: flags["client-id"], clientSecret,
    ...(flags.scope && { scope: flags.scope }),
  });
  return { source, appOnly: true };
}
