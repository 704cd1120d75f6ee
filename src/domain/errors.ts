// Domain errors know nothing of HTTP: http/errors.ts is the one place that maps them to Graph.

export abstract class DomainError extends Error {
  abstract readonly kind: string;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

export type Resource = "calendar" | "calendarGroup" | "permission" | "event";

export class NotFoundError extends DomainError {
  readonly kind = "notFound";
  constructor(readonly resource: Resource, readonly id: string) {
    super(`${resource} '${id}' not found`);
  }
}

export class MalformedIdError extends DomainError {
  readonly kind = "malformedId";
  constructor(readonly id: string) {
    super("Id is malformed.");
  }
}

/** An unknown user; `surface` says whether it was addressed as a directory object or a mailbox. */
export class UserNotFoundError extends DomainError {
  readonly kind = "userNotFound";
  constructor(readonly userId: string, readonly surface: "directory" | "mailbox") {
    super(`user '${userId}' not found`);
  }
}

export class MailboxNotEnabledError extends DomainError {
  readonly kind = "mailboxNotEnabled";
  constructor(readonly userId: string) {
    super("REST API is not yet supported for this mailbox.");
  }
}

/**
 * The request body or arguments break a rule of the resource. `detail` picks Graph's code:
 * "propertyValidation" is Exchange's catch-all for a value it cannot use (an unknown time zone).
 */
export class ValidationError extends DomainError {
  readonly kind = "validation";
  constructor(
    message: string,
    readonly detail: "invalidRequest" | "badRequest" | "readOnly" | "propertyValidation" | "invalidParameter" = "invalidRequest",
  ) {
    super(message);
  }
}

export class NameConflictError extends DomainError {
  readonly kind = "nameConflict";
  constructor(readonly folderName: string) {
    super("A folder with the specified name already exists.");
  }
}

export class DistinguishedFolderError extends DomainError {
  readonly kind = "distinguishedFolder";
  constructor() {
    super("Distinguished folders cannot be deleted.");
  }
}

export class NotEmptyError extends DomainError {
  readonly kind = "notEmpty";
  constructor(message: string) {
    super(message);
  }
}

/** A delta/skip token we cannot read, or one that belongs to another request. */
export class BadSyncTokenError extends DomainError {
  readonly kind = "badSyncToken";
  constructor(readonly reason: string) {
    super("Badly formed token.");
  }
}

/** The token was ours, but the change history it points into is no longer kept. */
export class SyncStateNotFoundError extends DomainError {
  readonly kind = "syncStateNotFound";
  constructor(readonly generation: number, readonly highest: number) {
    super(`The sync state generation is not found; generation=${generation};[highest=${highest}].`);
  }
}

/**
 * The token is ours but points past the mailbox's history (e.g. the store was restored from a
 * backup older than the token): the states cannot be reconciled, so the client starts over.
 */
export class SyncStateInvalidError extends DomainError {
  readonly kind = "syncStateInvalid";
  constructor(readonly generation: number, readonly highest: number) {
    super(`The sync state is invalid; generation=${generation};[highest=${highest}].`);
  }
}

/** The server reset the mailbox's sync state (admin action); the client must start over. */
export class ResyncRequiredError extends DomainError {
  readonly kind = "resyncRequired";
  constructor() {
    super("The delta token is no longer valid; the application must reset its sync state.");
  }
}

/** A query option we cannot read. Outlook's own checks (a filter clause) answer `BadRequest`. */
export class InvalidQueryError extends DomainError {
  readonly kind = "invalidQuery";
  constructor(message: string, readonly detail: "urlQuery" | "badRequest" = "urlQuery") {
    super(message);
  }
}

/** The caller's scopes, roles or shares do not allow the request. */
export class AccessDeniedError extends DomainError {
  readonly kind = "accessDenied";
  constructor(message = "Access is denied. Check credentials and try again.") {
    super(message);
  }
}

/** `/me` asked with an app-only token. */
export class DelegatedOnlyError extends DomainError {
  readonly kind = "delegatedOnly";
  constructor() {
    super("/me request is only valid with delegated authentication flow.");
  }
}

/** If-Match named a changeKey the item no longer has (Graph: 412). */
export class PreconditionFailedError extends DomainError {
  readonly kind = "preconditionFailed";
  constructor() {
    super("The change key passed in the request does not match the current change key of the item.");
  }
}

/** An edited occurrence would cross or overlap the occurrence before or after it (spec §1.5). */
export class OccurrenceCrossingBoundaryError extends DomainError {
  readonly kind = "occurrenceCrossingBoundary";
  constructor() {
    super("Modified occurrence is crossing or overlapping adjacent occurrence.");
  }
}

/**
 * A subscription request the subscription service refuses (spec §4.2–4.3). `reason` picks the
 * answer: a body it cannot use (`invalidRequest`), a failed validation handshake (`validation`,
 * or `invalidRequest` for its timeout, as observed), a rule of the resource's provider
 * (`extension`: Outlook's expiry limit), the per-mailbox quota (`quota`).
 */
export class SubscriptionError extends DomainError {
  readonly kind = "subscription";
  constructor(message: string, readonly reason: "invalidRequest" | "validation" | "extension" | "quota") {
    super(message);
  }
}

/** No subscription with that id that the caller can see (Graph: 404 ResourceNotFound). */
export class SubscriptionNotFoundError extends DomainError {
  readonly kind = "subscriptionNotFound";
  constructor(readonly id: string) {
    super("The object was not found.");
  }
}
