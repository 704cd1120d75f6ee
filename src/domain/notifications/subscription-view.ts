import type { Subscription } from "./subscription.js";

// A subscription's properties under Graph's names (spec §4.2's response), for the wire
// (http/odata/subscription-wire.ts) and for checking echoed read-only properties of a body.

/** `2026-01-05T11:00:00Z`, with Graph's seven fractional digits when there are milliseconds. */
export function formatExpiration(ms: number): string {
  const iso = new Date(ms).toISOString();
  return iso.endsWith(".000Z") ? iso.replace(".000Z", "Z") : iso.replace(/\.(\d{3})Z$/, ".$10000Z");
}

export function subscriptionView(subscription: Subscription): Record<string, unknown> {
  return {
    id: subscription.id,
    resource: subscription.resource,
    applicationId: subscription.applicationId,
    changeType: subscription.changeTypes.join(","),
    clientState: subscription.clientState,
    notificationUrl: subscription.notificationUrl,
    notificationQueryOptions: null,
    notificationContentType: null,
    lifecycleNotificationUrl: subscription.lifecycleNotificationUrl,
    expirationDateTime: formatExpiration(subscription.expirationMs),
    creatorId: subscription.creatorId,
    includeResourceData: null,
    latestSupportedTlsVersion: subscription.latestSupportedTlsVersion,
    encryptionCertificate: null,
    encryptionCertificateId: null,
    notificationUrlAppId: null,
  };
}
