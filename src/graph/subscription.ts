// The wire contract of Graph's change notifications: the subscription resource's properties and
// the values its enumerations take.
// see: https://learn.microsoft.com/graph/api/resources/subscription

/** Every property a subscription has on the wire (v1.0 and beta render the same set here). */
export const SUBSCRIPTION_PROPERTIES = [
  "id", "resource", "applicationId", "changeType", "clientState", "notificationUrl", "notificationQueryOptions",
  "notificationContentType", "lifecycleNotificationUrl", "expirationDateTime", "creatorId", "includeResourceData",
  "latestSupportedTlsVersion", "encryptionCertificate", "encryptionCertificateId", "notificationUrlAppId",
] as const;

/** What a POST may set; the rest are server-set (echoes of them are refused unless equal). */
export const SUBSCRIPTION_CREATE_PROPERTIES = [
  "resource", "changeType", "clientState", "notificationUrl", "lifecycleNotificationUrl", "expirationDateTime",
  "includeResourceData", "latestSupportedTlsVersion", "encryptionCertificate", "encryptionCertificateId",
  "notificationQueryOptions", "notificationContentType", "notificationUrlAppId",
] as const;

/** What a PATCH may change (renewal, a new notificationUrl; spec §4.6). */
export const SUBSCRIPTION_UPDATE_PROPERTIES = ["expirationDateTime", "notificationUrl", "lifecycleNotificationUrl", "notificationUrlAppId"] as const;

export const CHANGE_TYPES = ["created", "updated", "deleted"] as const;
export type ChangeType = (typeof CHANGE_TYPES)[number];

export const TLS_VERSIONS = ["v1_0", "v1_1", "v1_2", "v1_3"] as const;
export type TlsVersion = (typeof TLS_VERSIONS)[number];

export const LIFECYCLE_EVENTS = ["reauthorizationRequired", "subscriptionRemoved", "missed"] as const;
export type LifecycleEvent = (typeof LIFECYCLE_EVENTS)[number];

/** One change notification as Outlook sends it (basic, without resource data; spec §4.4). */
export interface ChangeNotification {
  subscriptionId: string;
  subscriptionExpirationDateTime: string;
  changeType: ChangeType;
  resource: string;
  resourceData: {
    "@odata.type": string;
    "@odata.id": string;
    "@odata.etag"?: string;
    id: string;
  };
  clientState: string | null;
  tenantId: string;
}

/** One lifecycle notification (spec §4.7): no resource, a lifecycleEvent instead. */
export interface LifecycleNotification {
  subscriptionId: string;
  subscriptionExpirationDateTime: string;
  tenantId: string;
  clientState: string | null;
  lifecycleEvent: LifecycleEvent;
}
