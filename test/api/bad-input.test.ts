import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestResponse, type TestServer } from "../support/harness.js";
import { entityOf, expectGraphError } from "../support/graph-assertions.js";
import { newEntityId, randomIds, type Mailbox } from "../../src/domain/index.js";

// Table-driven bad input (spec §2, §4, §5.6, §8). Every row must answer its 4xx with a Graph
// error body, never a 5xx, and leave the mailbox exactly as it was.

interface Fixture {
  mailbox: Mailbox;
  token: string;
  /** A secondary calendar "Existing" (removable, editable). */
  calendarId: string;
  defaultId: string;
  /** A calendar group "Existing Group" holding one calendar. */
  groupId: string;
  defaultGroupId: string;
  unknownCalendarId: string;
  unknownGroupId: string;
  /** A real calendar of another mailbox. */
  foreignCalendarId: string;
}

interface Row {
  name: string;
  method: string;
  url: (f: Fixture) => string;
  /** Sent as JSON. */
  body?: unknown;
  /** Sent raw (with `headers` for its content type). */
  payload?: string | Buffer;
  headers?: Record<string, string>;
  status: number;
  code: string;
  message?: string | RegExp;
  /** Expected Allow header of a 405. */
  allow?: string;
}

const JSON_TYPE = { "content-type": "application/json" };
const ONE_MB = 1024 * 1024;

/** The four JSON write endpoints with a body that would otherwise succeed (a fresh, valid name). */
const WRITES: { op: string; method: string; url: (f: Fixture) => string }[] = [
  { op: "create calendar", method: "POST", url: () => "/v1.0/me/calendars" },
  { op: "update calendar", method: "PATCH", url: (f) => `/v1.0/me/calendars/${f.calendarId}` },
  { op: "create calendarGroup", method: "POST", url: () => "/v1.0/me/calendarGroups" },
  { op: "update calendarGroup", method: "PATCH", url: (f) => `/v1.0/me/calendarGroups/${f.groupId}` },
];

function bodyRows(): Row[] {
  const rows: Row[] = [];
  for (const w of WRITES) {
    const raw = (what: string, payload: string | Buffer, headers: Record<string, string>, status: number, code: string, message?: RegExp): Row =>
      ({ name: `${w.op}: ${what} → ${status} ${code}`, method: w.method, url: w.url, payload, headers, status, code, ...(message && { message }) });
    rows.push(
      raw("malformed JSON", '{"name":', JSON_TYPE, 400, "BadRequest", /^Unable to read JSON request payload/),
      raw("JSON with trailing garbage", '{"name":"Trailing"} x', JSON_TYPE, 400, "BadRequest"),
      raw("single-quoted pseudo-JSON", "{'name':'Quoted'}", JSON_TYPE, 400, "BadRequest"),
      raw("invalid UTF-8", Buffer.from([0xff, 0xfe, 0x7b, 0x7d]), JSON_TYPE, 400, "BadRequest"),
      raw("an empty body declared as JSON", "", JSON_TYPE, 400, "BadRequest"),
      raw("JSON null", "null", JSON_TYPE, 400, "BadRequest", /JSON object/),
      raw("a JSON array", '[{"name":"InArray"}]', JSON_TYPE, 400, "BadRequest", /JSON object/),
      raw("a JSON string", '"Just A String"', JSON_TYPE, 400, "BadRequest", /JSON object/),
      raw("a JSON number", "42", JSON_TYPE, 400, "BadRequest", /JSON object/),
      raw("deeply nested arrays", `${"[".repeat(100_000)}${"]".repeat(100_000)}`, JSON_TYPE, 400, "BadRequest"),
      raw("a __proto__ key", '{"__proto__":{"polluted":true},"name":"Proto"}', JSON_TYPE, 400, "BadRequest"),
      raw("content type text/plain", '{"name":"Plain"}', { "content-type": "text/plain" }, 415, "BadRequest"),
      raw("content type application/xml", "<calendar><name>Xml</name></calendar>", { "content-type": "application/xml" }, 415, "BadRequest"),
      raw("a form-encoded body", "name=Form", { "content-type": "application/x-www-form-urlencoded" }, 415, "BadRequest"),
      raw("a lookalike JSON type", '{"name":"Patchy"}', { "content-type": "application/json-patch+json" }, 415, "BadRequest"),
      raw("a body without content type", '{"name":"Untyped"}', {}, 415, "BadRequest"),
      raw("a Content-Length that disagrees with the body", '{"name":"Lengthy"}', { ...JSON_TYPE, "content-length": "3" }, 400, "BadRequest"),
      raw("a body over Graph's 4 MB", JSON.stringify({ name: "Huge", pad: "x".repeat(4 * ONE_MB) }), JSON_TYPE, 413, "BadRequest", /^The maximum request length supported is 4MB\.$/),
      raw("a 4 MB name", JSON.stringify({ name: "n".repeat(4 * ONE_MB + 10) }), JSON_TYPE, 413, "BadRequest"),
    );
    const json = (what: string, body: unknown, status: number, code: string, message?: string | RegExp): Row =>
      ({ name: `${w.op}: ${what} → ${status} ${code}`, method: w.method, url: w.url, body, status, code, ...(message && { message }) });
    rows.push(
      json("an unknown property", { name: "Unknown Prop", nonsense: 1 }, 400, "BadRequest", /^The property 'nonsense' does not exist on type 'microsoft\.graph\.calendar(Group)?'/),
      json("a misspelt property", { Name: "Wrong Case" }, 400, "BadRequest"),
      json("a 256-character name", { name: "x".repeat(256) }, 400, "ErrorInvalidRequest", /255/),
      json("a 10,000-character name", { name: "y".repeat(10_000) }, 400, "ErrorInvalidRequest"),
      json("an empty name", { name: "" }, 400, "ErrorInvalidRequest"),
      json("a blank name", { name: " \t " }, 400, "ErrorInvalidRequest"),
      json("a name of spaces only", { name: "   " }, 400, "ErrorInvalidRequest", "The calendar name cannot be empty."),
      json("a NUL in the name", { name: "Bad\u0000Name" }, 400, "ErrorInvalidRequest", "The calendar name cannot contain control characters."),
      json("a line break in the name", { name: "Two\nLines" }, 400, "ErrorInvalidRequest"),
      json("an escape character in the name", { name: "\u001b[31mRed" }, 400, "ErrorInvalidRequest"),
      json("a numeric name", { name: 5 }, 400, "BadRequest"),
      json("a null name", { name: null }, 400, "BadRequest"),
      json("an object as name", { name: { text: "Obj" } }, 400, "BadRequest"),
    );
  }
  return rows;
}

/** Calendar-only properties: read-only values, enums, colours, the default flag. */
function calendarPropertyRows(): Row[] {
  const rows: Row[] = [];
  const targets = [
    { op: "create calendar", method: "POST", url: () => "/v1.0/me/calendars", beta: () => "/beta/me/calendars", name: { name: "Fresh Name" } },
    { op: "update calendar", method: "PATCH", url: (f: Fixture) => `/v1.0/me/calendars/${f.calendarId}`, beta: (f: Fixture) => `/beta/me/calendars/${f.calendarId}`, name: {} },
  ];
  for (const x of targets) {
    const row = (what: string, body: object, status: number, code: string, opts: { beta?: boolean; message?: string | RegExp } = {}): Row => ({
      name: `${x.op}: ${what} → ${status} ${code}`, method: x.method, url: opts.beta ? x.beta : x.url,
      body: { ...x.name, ...body }, status, code, ...(opts.message && { message: opts.message }),
    });
    for (const [key, value] of [
      ["id", "AAMkAGI2TGuLAAA="], ["changeKey", "vXegGcyc/0O1dA1ftrtB6QAAAEO+6Q=="], ["isRemovable", false], ["canEdit", false],
      ["canShare", false], ["isTallyingResponses", true], ["owner", { name: "Mallory", address: "mallory@contoso.com" }],
      ["allowedOnlineMeetingProviders", []], ["defaultOnlineMeetingProvider", "skypeForBusiness"],
    ] as const) {
      rows.push(row(`read-only ${key} with a different value`, { [key]: value }, 400, "ErrorInvalidPropertySet", { message: `The property '${key}' is read-only and cannot be set.` }));
    }
    rows.push(
      row("read-only hexColor on v1.0 with a different value", { hexColor: "#112233" }, 400, "ErrorInvalidPropertySet"),
      row("read-only beta property isShared with a different value", { isShared: true }, 400, "ErrorInvalidPropertySet", { beta: true }),
      row("a beta-only property on v1.0", { isSharedWithMe: false }, 400, "BadRequest"),
    );
    for (const color of ["purple", "", "light blue", 3, null, true, ["auto"], { value: "auto" }]) {
      rows.push(row(`color ${JSON.stringify(color)}`, { color }, 400, "BadRequest"));
    }
    for (const hexColor of ["red", "#12345", "#1234567", "112233", "#GGGGGG", 0x112233, null]) {
      rows.push(row(`hexColor ${JSON.stringify(hexColor)} (beta)`, { hexColor }, 400, "ErrorInvalidRequest", { beta: true }));
    }
    rows.push(row("isDefaultCalendar as a string", { isDefaultCalendar: "true" }, 400, "BadRequest"));
  }
  rows.push(
    { name: "create calendar: a missing name → 400 ErrorInvalidRequest", method: "POST", url: () => "/v1.0/me/calendars", body: { color: "lightBlue" }, status: 400, code: "ErrorInvalidRequest" },
    { name: "create calendar: an empty object → 400 ErrorInvalidRequest", method: "POST", url: () => "/v1.0/me/calendars", body: {}, status: 400, code: "ErrorInvalidRequest" },
    { name: "create calendar: as the default calendar → 400 ErrorInvalidRequest", method: "POST", url: () => "/v1.0/me/calendars", body: { name: "Would Be Default", isDefaultCalendar: true }, status: 400, code: "ErrorInvalidRequest" },
    { name: "create calendar: a duplicate name in another case → 409 ErrorFolderExists", method: "POST", url: () => "/v1.0/me/calendars", body: { name: "EXISTING" }, status: 409, code: "ErrorFolderExists" },
    { name: "update calendar: rename onto Birthdays → 409 ErrorFolderExists", method: "PATCH", url: (f) => `/v1.0/me/calendars/${f.calendarId}`, body: { name: "birthdays" }, status: 409, code: "ErrorFolderExists" },
    { name: "update calendar: unset the default flag of the default → 400 ErrorInvalidRequest", method: "PATCH", url: () => "/v1.0/me/calendar", body: { isDefaultCalendar: false }, status: 400, code: "ErrorInvalidRequest" },
    { name: "create calendarGroup: a missing name → 400 ErrorInvalidRequest", method: "POST", url: () => "/v1.0/me/calendarGroups", body: {}, status: 400, code: "ErrorInvalidRequest" },
    { name: "create calendarGroup: a duplicate name → 409 ErrorFolderExists", method: "POST", url: () => "/v1.0/me/calendarGroups", body: { name: "existing group" }, status: 409, code: "ErrorFolderExists" },
    { name: "update calendarGroup: a different classId → 400 ErrorInvalidPropertySet", method: "PATCH", url: (f) => `/v1.0/me/calendarGroups/${f.groupId}`, body: { classId: "0006f0b7-0000-0000-c000-000000000046" }, status: 400, code: "ErrorInvalidPropertySet" },
    { name: "update calendarGroup: rename onto My Calendars → 409 ErrorFolderExists", method: "PATCH", url: (f) => `/v1.0/me/calendarGroups/${f.groupId}`, body: { name: "MY CALENDARS" }, status: 409, code: "ErrorFolderExists" },
    { name: "delete calendar: the default calendar → 400 ErrorDeleteDistinguishedFolder", method: "DELETE", url: (f) => `/v1.0/me/calendars/${f.defaultId}`, status: 400, code: "ErrorDeleteDistinguishedFolder" },
    { name: "permanentDelete: the default calendar → 400 ErrorDeleteDistinguishedFolder", method: "POST", url: () => "/v1.0/me/calendar/permanentDelete", status: 400, code: "ErrorDeleteDistinguishedFolder" },
    { name: "permanentDelete: with a body → 400 BadRequest", method: "POST", url: (f) => `/v1.0/me/calendars/${f.calendarId}/permanentDelete`, body: { reason: "x" }, status: 400, code: "BadRequest" },
    { name: "delete calendarGroup: a group holding calendars → 400 ErrorInvalidRequest", method: "DELETE", url: (f) => `/v1.0/me/calendarGroups/${f.groupId}`, status: 400, code: "ErrorInvalidRequest" },
    { name: "delete calendarGroup: the default group → 400 ErrorDeleteDistinguishedFolder", method: "DELETE", url: (f) => `/v1.0/me/calendarGroups/${f.defaultGroupId}`, status: 400, code: "ErrorDeleteDistinguishedFolder" },
  );
  return rows;
}

function idRows(): Row[] {
  const rows: Row[] = [];
  const malformed: [string, (f: Fixture) => string][] = [
    ["a short id", () => "AAAA"],
    ["an id with bad characters", () => "not-an-id!"],
    ["a Graph-style padded id", () => "AAMkAGI2TGuLAAA="],
    ["a group id as calendar id", (f) => f.groupId],
    ["a 5,000-character id", () => "A".repeat(5000)],
    ["an id one character short", (f) => f.calendarId.slice(1)],
    ["a percent-encoded id", () => "%2F%2E%2E"],
  ];
  for (const [what, id] of malformed) {
    const m = (op: string, method: string, url: (f: Fixture) => string, body?: unknown): Row =>
      ({ name: `${op}: ${what} → 400 ErrorInvalidIdMalformed`, method, url, ...(body !== undefined && { body }), status: 400, code: "ErrorInvalidIdMalformed", message: "Id is malformed." });
    rows.push(
      m("get calendar", "GET", (f) => `/v1.0/me/calendars/${id(f)}`),
      m("update calendar", "PATCH", (f) => `/v1.0/me/calendars/${id(f)}`, { name: "Never" }),
      m("delete calendar", "DELETE", (f) => `/v1.0/me/calendars/${id(f)}`),
      m("permanentDelete", "POST", (f) => `/v1.0/me/calendars/${id(f)}/permanentDelete`),
    );
  }
  for (const [what, id] of [["a short group id", () => "AAAA"], ["a calendar id as group id", (f: Fixture) => f.calendarId]] as const) {
    const m = (op: string, method: string, url: (f: Fixture) => string, body?: unknown): Row =>
      ({ name: `${op}: ${what} → 400 ErrorInvalidIdMalformed`, method, url, ...(body !== undefined && { body }), status: 400, code: "ErrorInvalidIdMalformed" });
    rows.push(
      m("get calendarGroup", "GET", (f) => `/v1.0/me/calendarGroups/${id(f)}`),
      m("update calendarGroup", "PATCH", (f) => `/v1.0/me/calendarGroups/${id(f)}`, { name: "Never" }),
      m("delete calendarGroup", "DELETE", (f) => `/v1.0/me/calendarGroups/${id(f)}`),
      m("list calendars (group)", "GET", (f) => `/v1.0/me/calendarGroups/${id(f)}/calendars`),
      m("create calendar (group)", "POST", (f) => `/v1.0/me/calendarGroups/${id(f)}/calendars`, { name: "Never" }),
    );
  }
  for (const [what, id] of [["an unknown well-formed id", (f: Fixture) => f.unknownCalendarId], ["another mailbox's calendar id", (f: Fixture) => f.foreignCalendarId]] as const) {
    const n = (op: string, method: string, url: (f: Fixture) => string, body?: unknown): Row =>
      ({ name: `${op}: ${what} → 404 ErrorItemNotFound`, method, url, ...(body !== undefined && { body }), status: 404, code: "ErrorItemNotFound", message: "The specified object was not found in the store." });
    rows.push(
      n("get calendar", "GET", (f) => `/v1.0/me/calendars/${id(f)}`),
      n("update calendar", "PATCH", (f) => `/v1.0/me/calendars/${id(f)}`, { name: "Never" }),
      n("delete calendar", "DELETE", (f) => `/v1.0/me/calendars/${id(f)}`),
      n("permanentDelete", "POST", (f) => `/v1.0/me/calendars/${id(f)}/permanentDelete`),
      n("get calendar (group)", "GET", (f) => `/v1.0/me/calendarGroups/${f.groupId}/calendars/${id(f)}`),
    );
  }
  const g = (op: string, method: string, url: (f: Fixture) => string, body?: unknown): Row =>
    ({ name: `${op}: an unknown well-formed group id → 404 ErrorItemNotFound`, method, url, ...(body !== undefined && { body }), status: 404, code: "ErrorItemNotFound" });
  rows.push(
    g("get calendarGroup", "GET", (f) => `/v1.0/me/calendarGroups/${f.unknownGroupId}`),
    g("update calendarGroup", "PATCH", (f) => `/v1.0/me/calendarGroups/${f.unknownGroupId}`, { name: "Never" }),
    g("delete calendarGroup", "DELETE", (f) => `/v1.0/me/calendarGroups/${f.unknownGroupId}`),
    g("list calendars (group)", "GET", (f) => `/v1.0/me/calendarGroups/${f.unknownGroupId}/calendars`),
    g("create calendar (group)", "POST", (f) => `/v1.0/me/calendarGroups/${f.unknownGroupId}/calendars`, { name: "Never" }),
    { name: "get calendar (group): a calendar outside the group → 404 ErrorItemNotFound", method: "GET", url: (f) => `/v1.0/me/calendarGroups/${f.groupId}/calendars/${f.calendarId}`, status: 404, code: "ErrorItemNotFound" },
    { name: "update calendar (group): a calendar outside the group → 404 ErrorItemNotFound", method: "PATCH", url: (f) => `/v1.0/me/calendarGroups/${f.groupId}/calendars/${f.calendarId}`, body: { name: "Never" }, status: 404, code: "ErrorItemNotFound" },
    { name: "delete calendar (group): a calendar outside the group → 404 ErrorItemNotFound", method: "DELETE", url: (f) => `/v1.0/me/calendarGroups/${f.groupId}/calendars/${f.calendarId}`, status: 404, code: "ErrorItemNotFound" },
  );
  return rows;
}

function routeRows(): Row[] {
  const segment = (name: string, method: string, url: (f: Fixture) => string, seg: string, body?: unknown): Row => ({
    name: `routing: ${name} → 400 naming '${seg}'`, method, url, ...(body !== undefined && { body }),
    status: 400, code: "BadRequest", message: `Resource not found for the segment '${seg}'.`,
  });
  const method = (name: string, verb: string, url: (f: Fixture) => string, allow?: string, body?: unknown): Row => ({
    name: `routing: ${verb} ${name} → 405`, method: verb, url, ...(body !== undefined && { body }),
    status: 405, code: "ErrorInvalidRequest", message: `The HTTP method '${verb}' is not supported for this resource.`, ...(allow && { allow }),
  });
  const odd = (name: string, url: (f: Fixture) => string, code: string, message?: string | RegExp, verb = "GET", body?: unknown): Row => ({
    name: `odd URL: ${name} → 400 ${code}`, method: verb, url, ...(body !== undefined && { body }), status: 400, code, ...(message && { message }),
  });
  return [
    segment("an unknown resource under /me", "GET", () => "/v1.0/me/messages", "messages"),
    segment("an unknown root resource", "GET", () => "/v1.0/groups/g1/calendar", "groups"),
    segment("an unknown top-level path", "GET", () => "/foo", "foo"),
    segment("a path with only a version-like word", "GET", () => "/alpha/me", "alpha"),
    segment("a segment after a calendar id", "GET", (f) => `/v1.0/me/calendars/${f.calendarId}/attachments`, "attachments"),
    segment("a segment after /calendar", "GET", () => "/v1.0/me/calendar/attachments", "attachments"),
    segment("a segment after a group id", "GET", (f) => `/v1.0/me/calendarGroups/${f.groupId}/events`, "events"),
    segment("a segment after delta", "GET", () => "/beta/me/calendars/delta/extra", "extra"),
    segment("delta under a calendar group", "GET", (f) => `/beta/me/calendarGroups/${f.groupId}/calendars/delta`, "delta"),
    // Graph parity mode (the default): calendar delta is beta-only in Graph (spec §1 fact 1).
    segment("v1.0 calendars/delta", "GET", () => "/v1.0/me/calendars/delta", "delta"),
    segment("v1.0 calendars/delta()", "GET", (f) => `/v1.0/users/${f.mailbox.id}/calendars/delta()`, "delta"),
    segment("an encoded slash inside a segment", "GET", () => "/v1.0/me/calendars%2Fdelta", "calendars/delta"),
    segment("a POST to an unknown resource", "POST", () => "/v1.0/me/tasks", "tasks", { name: "Task" }),
    method("on the calendar collection", "PUT", () => "/v1.0/me/calendars", "GET, POST", { name: "Put" }),
    method("on the calendar collection", "DELETE", () => "/v1.0/me/calendars", "GET, POST"),
    method("on the calendar collection", "PATCH", () => "/v1.0/me/calendars", "GET, POST", { name: "Patch" }),
    method("on a calendar", "POST", (f) => `/v1.0/me/calendars/${f.calendarId}`, "GET, PATCH, DELETE", { name: "Post" }),
    method("on a calendar", "PUT", (f) => `/v1.0/me/calendars/${f.calendarId}`, "GET, PATCH, DELETE", { name: "Put" }),
    method("on /calendar", "POST", () => "/v1.0/me/calendar", "GET, PATCH, DELETE", { name: "Post" }),
    method("on permanentDelete", "GET", (f) => `/v1.0/me/calendars/${f.calendarId}/permanentDelete`, "POST"),
    method("on permanentDelete", "DELETE", (f) => `/v1.0/me/calendars/${f.calendarId}/permanentDelete`, "POST"),
    method("on delta", "POST", () => "/beta/me/calendars/delta", "GET", { name: "Delta" }),
    method("on /me", "PATCH", () => "/v1.0/me", "GET", { displayName: "Renamed" }),
    method("on /users", "DELETE", () => "/v1.0/users", "GET"),
    method("on a calendar group", "PUT", (f) => `/v1.0/me/calendarGroups/${f.groupId}`, "GET, PATCH, DELETE", { name: "Put" }),
    method("on the calendar collection", "OPTIONS", () => "/v1.0/me/calendars"),
    method("on a calendar", "TRACE", (f) => `/v1.0/me/calendars/${f.calendarId}`),
    odd("a double slash after the version", () => "/v1.0//me/calendars", "BadRequest", "Resource not found for the segment ''."),
    odd("a double slash inside the path", () => "/v1.0/me//calendars", "BadRequest", "Resource not found for the segment ''."),
    odd("a double slash before an id", (f) => `/v1.0/me/calendars//${f.calendarId}`, "BadRequest"),
    odd("a POST with a double slash", () => "/v1.0/me//calendars", "BadRequest", undefined, "POST", { name: "Slashed" }),
    odd("a truncated percent-escape", () => "/v1.0/me/calendars/%E0%A4%A", "BadRequest", "The request URL is malformed."),
    odd("a lone percent sign", () => "/v1.0/me/calendars/%", "BadRequest"),
    odd("a non-hex percent-escape", () => "/v1.0/me/%ZZcalendars", "BadRequest"),
    odd("a bad percent-escape in a write", () => "/v1.0/me/calendars/%", "BadRequest", undefined, "PATCH", { name: "Escaped" }),
    odd("a bad percent-escape in the query", () => "/v1.0/me/calendars?$top=%ZZ", "ErrorInvalidUrlQuery"),
    odd("a 20,000-character id", () => `/v1.0/me/calendars/${"B".repeat(20_000)}`, "ErrorInvalidIdMalformed"),
    odd("a path of 3,000 segments", () => `/v1.0/me/${"x/".repeat(3000)}`, "BadRequest", "Resource not found for the segment 'x'."),
    {
      name: "odd URL: a 9,000-character parameter on the token endpoint → 414 BadRequest", method: "POST",
      url: () => `/${"t".repeat(9000)}/oauth2/v2.0/token`, payload: "grant_type=password", headers: { "content-type": "application/x-www-form-urlencoded" },
      status: 414, code: "BadRequest",
    },
    odd("the unknown version v2.0", () => "/v2.0/me", "BadRequest", "Invalid version: v2.0"),
    odd("the unknown version v1", () => "/v1/me/calendars", "BadRequest", "Invalid version: v1"),
    odd("the unknown version v0.9", () => "/v0.9/me/calendars", "BadRequest"),
    odd("an upper-case version", () => "/V1.0/me/calendars", "BadRequest"),
    odd("a POST to an unknown version", () => "/v2.0/me/calendars", "BadRequest", undefined, "POST", { name: "Versioned" }),
  ];
}

function queryRows(): Row[] {
  const q = (what: string, url: string, message?: string | RegExp): Row => ({
    name: `query options: ${what} → 400 ErrorInvalidUrlQuery`, method: "GET", url: () => url, status: 400, code: "ErrorInvalidUrlQuery", ...(message && { message }),
  });
  const rows: Row[] = [];
  for (const [list, resource] of [["/v1.0/me/calendars", "calendars"], ["/v1.0/me/calendarGroups", "calendarGroups"], ["/v1.0/users", "users"]] as const) {
    for (const top of ["abc", "0", "-1", "1.5", "99999999999999999999", "", "1e3", "%2B5"]) {
      rows.push(q(`$top=${top} on ${resource}`, `${list}?$top=${top}`));
    }
    for (const skip of ["-1", "x", "2.5"]) rows.push(q(`$skip=${skip} on ${resource}`, `${list}?$skip=${skip}`));
    rows.push(
      q(`$select of an unknown property on ${resource}`, `${list}?$select=nope`, /^Could not find a property named 'nope'/),
      q(`an empty $select on ${resource}`, `${list}?$select=`),
      q(`$count=maybe on ${resource}`, `${list}?$count=maybe`),
      q(`$filter on ${resource}`, `${list}?$filter=name eq 'x'`, `The query option '$filter' is not supported on the '${resource}' resource.`),
      q(`$orderby on ${resource}`, `${list}?$orderby=name`),
      q(`$expand on ${resource}`, `${list}?$expand=calendars`),
      q(`$search on ${resource}`, `${list}?$search="x"`),
      q(`$skiptoken on ${resource}`, `${list}?$skiptoken=abc`),
      q(`$top given twice on ${resource}`, `${list}?$top=1&$TOP=2`, "Query option '$top' was specified more than once."),
    );
  }
  rows.push(
    q("$select with an empty item", "/v1.0/me/calendars?$select=name,,color"),
    q("$select of a beta-only property on v1.0", "/v1.0/me/calendars?$select=isShared"),
    q("$select of a navigation path", "/v1.0/me/calendars?$select=owner/name"),
    q("$select of an unknown property on get", "/v1.0/me/calendar?$select=colour"),
    q("$select of an unknown property on a user", "/v1.0/me?$select=jobTitle"),
    q("beta: $top without $ but invalid", "/beta/me/calendars?top=zero"),
  );
  return rows;
}

const ROWS: Row[] = [...bodyRows(), ...calendarPropertyRows(), ...idRows(), ...routeRows(), ...queryRows()];

describe("bad input", () => {
  let t: TestServer;
  let f: Fixture;

  beforeAll(async () => {
    t = await startTestServer();
    const mailbox = await t.newMailbox("Bad Input");
    const token = await t.userToken(mailbox, ["Calendars.ReadWrite", "User.Read", "User.ReadBasic.All"]);
    const post = async (url: string, body: unknown) => {
      const res = await t.request("POST", url, { token, body });
      expect(res.status, res.text).toBe(201);
      return res.body as { id: string };
    };
    const calendar = await post("/v1.0/me/calendars", { name: "Existing" });
    const group = await post("/v1.0/me/calendarGroups", { name: "Existing Group" });
    await post(`/v1.0/me/calendarGroups/${group.id}/calendars`, { name: "Grouped" });
    const other = await t.newMailbox("Other");
    f = {
      mailbox, token, calendarId: calendar.id, groupId: group.id,
      defaultId: (await t.request("GET", "/v1.0/me/calendar", { token })).body.id,
      defaultGroupId: (await t.request("GET", "/v1.0/me/calendarGroups", { token })).body.value[0].id,
      unknownCalendarId: newEntityId(randomIds, "calendar", mailbox.id),
      unknownGroupId: newEntityId(randomIds, "calendarGroup", mailbox.id),
      foreignCalendarId: (await t.server.services.calendars.create({ mailbox: other, body: { name: "Foreign" }, apiVersion: "v1.0" })).id,
    };
  });
  afterAll(async () => t.close());

  /** Everything a bad request could have touched, read back through the API. */
  async function state(): Promise<unknown> {
    const read = async (url: string) => {
      const res = await t.request("GET", url, { token: f.token });
      expect(res.status, res.text).toBe(200);
      return res.body.value;
    };
    return {
      calendars: await read("/beta/me/calendars?$top=1000"),
      groups: await read("/v1.0/me/calendarGroups?$top=1000"),
      grouped: await read(`/beta/me/calendarGroups/${f.groupId}/calendars`),
      me: entityOf((await t.request("GET", "/v1.0/me", { token: f.token })).body),
    };
  }

  it("bad input: the table covers every kind of bad request", () => {
    expect(ROWS.length).toBeGreaterThan(250);
    expect(new Set(ROWS.map((r) => r.name)).size).toBe(ROWS.length);
  });

  for (const row of ROWS) {
    it(row.name, async () => {
      const before = await state();
      const res: TestResponse = await t.request(row.method, row.url(f), {
        token: f.token, ...(row.body !== undefined && { body: row.body }),
        ...(row.payload !== undefined && { payload: row.payload }), ...(row.headers && { headers: row.headers }),
      });
      expect(res.status, res.text.slice(0, 300)).toBeGreaterThanOrEqual(400);
      expect(res.status, res.text.slice(0, 300)).toBeLessThan(500);
      expectGraphError(res, row.status, row.code, row.message);
      if (row.allow) expect(res.headers.allow).toBe(row.allow);
      expect(await state()).toEqual(before);
    });
  }

  describe("read-only echoes", () => {
    it("create calendar: read-only properties echoing the default values are accepted", async () => {
      const res = await t.request("POST", "/v1.0/me/calendars", {
        token: f.token,
        body: { name: "Echo Create", isRemovable: true, canEdit: true, isTallyingResponses: false, hexColor: "", allowedOnlineMeetingProviders: ["teamsForBusiness"] },
      });
      expect(res.status, res.text).toBe(201);
      expect(res.body).toMatchObject({ name: "Echo Create", isRemovable: true });
    });

    it("update calendar: every property echoed back unchanged is accepted, on both versions", async () => {
      for (const version of ["v1.0", "beta"]) {
        const current = entityOf((await t.request("GET", `/${version}/me/calendars/${f.calendarId}`, { token: f.token })).body);
        const res = await t.request("PATCH", `/${version}/me/calendars/${f.calendarId}`, { token: f.token, body: current });
        expect(res.status, `${version}: ${res.text}`).toBe(200);
        expect({ ...entityOf(res.body), changeKey: current.changeKey }).toEqual(current);
      }
    });

    it("update calendarGroup: echoing id, classId and changeKey is accepted", async () => {
      const current = entityOf((await t.request("GET", `/v1.0/me/calendarGroups/${f.groupId}`, { token: f.token })).body);
      const res = await t.request("PATCH", `/v1.0/me/calendarGroups/${f.groupId}`, { token: f.token, body: current });
      expect(res.status, res.text).toBe(200);
      expect(res.body.classId).toBe(current.classId);
    });
  });
});
