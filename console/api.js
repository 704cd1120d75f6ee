// Every request the console makes. The admin token lives in this module's memory only: never in
// a URL, storage or a cookie, so closing the tab signs out. Graph is read with a short-lived
// delegated token per mailbox that the admin API mints (POST /_graphcal/mailboxes/{id}/token).

let adminToken = null;
let onSignedOut = () => {};
const mailboxTokens = new Map();

export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

export function setAdminToken(token) {
  adminToken = token;
  mailboxTokens.clear();
}

/** Called when the admin API answers 401: the token expired or was never good. */
export function whenSignedOut(callback) {
  onSignedOut = callback;
}

async function errorOf(response) {
  const text = await response.text();
  try {
    const body = JSON.parse(text);
    if (body.error && typeof body.error === "object") return new ApiError(response.status, body.error.code, body.error.message);
    if (typeof body.error === "string") return new ApiError(response.status, body.error, body.error_description ?? body.error);
  } catch {
    // not JSON: fall through
  }
  return new ApiError(response.status, String(response.status), text || response.statusText);
}

async function bodyOf(response) {
  if (response.status === 204) return null;
  const type = response.headers.get("content-type") ?? "";
  return type.includes("json") ? response.json() : response.text();
}

function adminHeaders(extra) {
  return { ...(adminToken && { authorization: `Bearer ${adminToken}` }), ...extra };
}

/** A call to the admin API under /_graphcal; a JSON body is sent as JSON, a string as is. */
export async function admin(method, path, body, contentType) {
  const headers = adminHeaders(body === undefined ? {} : { "content-type": contentType ?? "application/json" });
  const response = await fetch(`/_graphcal${path}`, {
    method, headers, ...(body !== undefined && { body: typeof body === "string" ? body : JSON.stringify(body) }),
  });
  if (response.status === 401 && adminToken) onSignedOut();
  if (!response.ok) throw await errorOf(response);
  return bodyOf(response);
}

/** Client credentials at the emulated token endpoint; an admin token only if the app has the role. */
export async function signIn({ tenant, clientId, clientSecret }) {
  const form = new URLSearchParams({ grant_type: "client_credentials", client_id: clientId, client_secret: clientSecret, scope: "https://graph.microsoft.com/.default" });
  const response = await fetch(`/${encodeURIComponent(tenant || "organizations")}/oauth2/v2.0/token`, {
    method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: form,
  });
  if (!response.ok) throw await errorOf(response);
  return (await response.json()).access_token;
}

async function mailboxToken(mailboxId, fresh) {
  if (!fresh && mailboxTokens.has(mailboxId)) return mailboxTokens.get(mailboxId);
  const minted = await admin("POST", `/mailboxes/${encodeURIComponent(mailboxId)}/token`);
  mailboxTokens.set(mailboxId, minted.access_token);
  return minted.access_token;
}

/**
 * A Graph GET as the mailbox's user: `url` is a path such as `/v1.0/users/{id}/calendars` or a
 * link Graph returned. Answers { status, headers, body } for a 2xx and throws ApiError otherwise.
 * A 401 (the token expired, or the virtual clock moved past it) mints a new token once.
 */
export async function graph(mailboxId, url, headers = {}) {
  for (let attempt = 0; ; attempt++) {
    const token = await mailboxToken(mailboxId, attempt > 0);
    const response = await fetch(url, { headers: { authorization: `Bearer ${token}`, ...headers } });
    if (response.status === 401 && attempt === 0) continue;
    if (!response.ok) throw await errorOf(response);
    return { status: response.status, headers: response.headers, body: await bodyOf(response) };
  }
}

/** Every page of a Graph list (following @odata.nextLink), as one array. */
export async function graphAll(mailboxId, url, headers) {
  const items = [];
  for (let next = url; next; ) {
    const { body } = await graph(mailboxId, next, headers);
    items.push(...body.value);
    next = body["@odata.nextLink"];
  }
  return items;
}

export function adminAuthorization() {
  return adminHeaders({});
}
