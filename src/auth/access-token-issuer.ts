import { SignJWT } from "jose";
import type { AppRegistration, Clock, IdSource, Mailbox } from "../domain/index.js";
import type { SigningKey } from "./signing-key.js";

export const DEFAULT_TOKEN_LIFETIME_SECONDS = 3600;

/** The issuer claim for a tenant, in the Microsoft identity platform's v2.0 shape. */
export function issuerFor(issuerOrigin: string, tenantId: string): string {
  return `${issuerOrigin}/${tenantId}/v2.0`;
}

/** The issuer origin of tokens minted outside any request (`graphcal token`). */
export const DEFAULT_ISSUER_ORIGIN = "https://login.graphcal.local";

/** Mints access tokens shaped like Entra ID's (scp for delegated, roles for app-only). */
export class AccessTokenIssuer {
  constructor(private readonly deps: { key: SigningKey; clock: Clock; ids: IdSource; issuerOrigin?: string | undefined }) {}

  async mintDelegated(args: {
    mailbox: Mailbox; scopes: string[]; clientId: string; audience?: string; lifetimeSeconds?: number;
    /** The token endpoint's origin when no fixed issuer origin is configured. */
    issuerOrigin?: string;
  }): Promise<{ token: string; expiresIn: number }> {
    const m = args.mailbox;
    return this.sign(m.tenantId, args, {
      oid: m.id, tid: m.tenantId, upn: m.userPrincipalName, preferred_username: m.userPrincipalName,
      name: m.displayName, scp: args.scopes.join(" "), azp: args.clientId, appid: args.clientId,
      idtyp: "user", sub: m.id,
    });
  }

  async mintApp(args: { app: AppRegistration; roles?: string[]; audience?: string; lifetimeSeconds?: number; issuerOrigin?: string }): Promise<{ token: string; expiresIn: number }> {
    const { app } = args;
    return this.sign(app.tenantId, args, {
      oid: app.clientId, sub: app.clientId, tid: app.tenantId, roles: args.roles ?? app.roles,
      azp: app.clientId, appid: app.clientId, idtyp: "app", app_displayname: app.displayName,
    });
  }

  /** The issuer origin a token gets: the configured one, else the request's, else the default. */
  issuerOrigin(requestOrigin?: string): string {
    return this.deps.issuerOrigin ?? requestOrigin ?? DEFAULT_ISSUER_ORIGIN;
  }

  private async sign(
    tenantId: string,
    options: { audience?: string | undefined; lifetimeSeconds?: number | undefined; issuerOrigin?: string | undefined },
    claims: Record<string, unknown>,
  ) {
    const now = Math.floor(this.deps.clock.nowMs() / 1000);
    const expiresIn = options.lifetimeSeconds ?? DEFAULT_TOKEN_LIFETIME_SECONDS;
    const token = await new SignJWT({ ...claims, ver: "2.0", uti: this.deps.ids.guid() })
      .setProtectedHeader({ alg: "RS256", typ: "JWT", kid: this.deps.key.kid })
      .setIssuer(issuerFor(this.issuerOrigin(options.issuerOrigin), tenantId))
      .setAudience(options.audience ?? "https://graph.microsoft.com")
      .setIssuedAt(now).setNotBefore(now).setExpirationTime(now + expiresIn)
      .sign(this.deps.key.privateKey);
    return { token, expiresIn };
  }
}
