/**
 * The key a user principal name is looked up by: UPNs compare case-insensitively, as in Entra ID
 * (`/users/Adele@contoso.com` and `/users/adele@contoso.com` are one user). The store keeps this
 * key in `mailboxes.upn_key` (unique), and the mailbox cache keys by it, so both must use this
 * one function. Plain lower-casing, no Unicode normalisation: the keys already stored were
 * written this way, and changing the rule would need a migration that rewrites them.
 */
export function upnKey(userPrincipalName: string): string {
  return userPrincipalName.toLowerCase();
}
