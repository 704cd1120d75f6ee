import { ADMIN_ROLE, AccessDeniedError, type Principal } from "../../domain/index.js";

// The one admin check the fault, throttling and requests-log controls use: an app token with
// the Graphcal.Admin role, as the existing admin routes demand (MailboxAccess.adminMailbox).
// Kept to one function so that the shared admin check (with --dev-open-admin) replaces it in
// one line when it lands.

export async function requireAdmin(
  authenticate: (authorization: string | undefined) => Promise<Principal>,
  authorization: string | undefined,
): Promise<void> {
  const principal = await authenticate(authorization);
  if (principal.kind !== "app" || !principal.roles.has(ADMIN_ROLE)) throw new AccessDeniedError();
}
