// Graph error codes and the messages clients match on, verbatim where Graph's are known.
// see: https://learn.microsoft.com/graph/errors

export const GraphErrorCode = {
  BadRequest: "BadRequest",
  InvalidIdMalformed: "ErrorInvalidIdMalformed",
  InvalidUrlQuery: "ErrorInvalidUrlQuery",
  InvalidRequest: "ErrorInvalidRequest",
  InvalidParameter: "ErrorInvalidParameter",
  OccurrenceCrossingBoundary: "ErrorOccurrenceCrossingBoundary",
  PropertyValidationFailure: "ErrorPropertyValidationFailure",
  DeleteDistinguishedFolder: "ErrorDeleteDistinguishedFolder",
  InvalidAuthenticationToken: "InvalidAuthenticationToken",
  AccessDenied: "ErrorAccessDenied",
  ItemNotFound: "ErrorItemNotFound",
  InvalidUser: "ErrorInvalidUser",
  ResourceNotFound: "Request_ResourceNotFound",
  MailboxNotEnabled: "MailboxNotEnabledForRESTAPI",
  FolderExists: "ErrorFolderExists",
  SyncStateNotFound: "SyncStateNotFound",
  SyncStateInvalid: "SyncStateInvalid",
  ResyncRequired: "ResyncRequired",
  IrresolvableConflict: "ErrorIrresolvableConflict",
  RequestEntityTooLarge: "RequestEntityTooLarge",
  UnsupportedMediaType: "UnsupportedMediaType",
  MethodNotAllowed: "ErrorInvalidRequest",
  TooManyRequests: "TooManyRequests",
  ServiceUnavailable: "ServiceUnavailable",
  ApplicationThrottled: "ApplicationThrottled",
  GatewayTimeout: "GatewayTimeout",
  UnknownError: "UnknownError",
  InternalServerError: "ErrorInternalServerError",
  // The subscription service's own codes (change notifications, spec §4): not Exchange's.
  SubscriptionInvalidRequest: "InvalidRequest",
  SubscriptionValidation: "ValidationError",
  ExtensionError: "ExtensionError",
  SubscriptionNotFound: "ResourceNotFound",
} as const;
/** Exchange's fixed wording for ErrorPropertyValidationFailure (e.g. an unknown time zone). */
export const PROPERTY_VALIDATION_FAILURE_MESSAGE = "At least one property failed validation.";

export type GraphErrorCode = (typeof GraphErrorCode)[keyof typeof GraphErrorCode];

export interface GraphErrorBody {
  error: {
    code: string;
    message: string;
    innerError: {
      date: string;
      "request-id": string;
      "client-request-id": string;
      [key: string]: unknown;
    };
  };
}
