import type { ApiVersion } from "../../graph/index.js";

/** Whose mailbox a request addresses, in the form the caller used (kept in links, spec §11.3). */
export type Subject = { me: true } | { user: string };

/** `me` or `users/{id}`, the path form that links repeat. */
export function subjectPath(subject: Subject): string {
  return "me" in subject ? "me" : `users/${encodeURIComponent(subject.user)}`;
}

/** `me` or `users('{id}')`, the form @odata.context uses. */
export function subjectContext(subject: Subject): string {
  return "me" in subject ? "me" : `users('${encodeURIComponent(subject.user)}')`;
}

export function metadataUrl(origin: string, apiVersion: ApiVersion, fragment: string): string {
  return `${origin}/${apiVersion}/$metadata#${fragment}`;
}

/** Values made only of unreserved characters (our tokens) need no encoding: skip the work. */
const UNRESERVED = /^[A-Za-z0-9_.~-]*$/;

/** Builds an absolute link with OData options; `$` kept literal, values percent-encoded. */
export function buildLink(origin: string, apiVersion: ApiVersion, path: string, query: [string, string][]): string {
  const qs = query.map(([k, v]) => `${k}=${UNRESERVED.test(v) ? v : encodeURIComponent(v)}`).join("&");
  return `${origin}/${apiVersion}/${path}${qs ? `?${qs}` : ""}`;
}
