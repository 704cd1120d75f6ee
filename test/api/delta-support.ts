import { expect } from "vitest";
import type { Mailbox } from "../../src/domain/index.js";
import type { TestServer } from "../support/harness.js";

// Shared helpers of the calendars/delta suites (test/api/delta*.test.ts): a tiny sync client
// that speaks only HTTP, page-shape checks and the server's current calendar list.

export type Json = Record<string, any>;

export interface HttpAnswer {
  status: number;
  headers: Record<string, unknown>;
  body: any;
}

/** How a client reaches the server: in process (Fastify inject) or over a real socket (fetch). */
export interface Transport {
  get(url: string, headers?: Record<string, string>): Promise<HttpAnswer>;
  send(method: string, url: string, body?: unknown): Promise<HttpAnswer>;
}

/** Links are absolute; in-process requests take the path and query only. */
export function pathOf(link: string): string {
  if (!/^https?:\/\//.test(link)) return link;
  const url = new URL(link);
  return `${url.pathname}${url.search}`;
}

export function injectTransport(t: TestServer, token: string): Transport {
  return {
    get: (url, headers) => t.request("GET", pathOf(url), { token, ...(headers && { headers }) }),
    send: (method, url, body) => t.request(method, pathOf(url), { token, ...(body !== undefined && { body }) }),
  };
}

export function fetchTransport(origin: string, token: string): Transport {
  const call = async (method: string, url: string, headers: Record<string, string>, body?: unknown): Promise<HttpAnswer> => {
    const res = await fetch(/^https?:\/\//.test(url) ? url : `${origin}${url}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...headers, ...(body !== undefined && { "content-type": "application/json" }) },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    return { status: res.status, headers: Object.fromEntries(res.headers), body: text ? JSON.parse(text) : undefined };
  };
  return {
    get: (url, headers = {}) => call("GET", url, headers),
    send: (method, url, body) => call(method, url, {}, body),
  };
}

export function preferPageSize(size: number | undefined): Record<string, string> | undefined {
  return size === undefined ? undefined : { prefer: `odata.maxpagesize=${size}` };
}

/** What every delta page must look like (spec §1.2, §7.1): a value array and exactly one link. */
export function expectDeltaPage(body: Json, options: { apiVersion?: string } = {}): void {
  expect(Array.isArray(body.value)).toBe(true);
  const next = typeof body["@odata.nextLink"] === "string";
  const delta = typeof body["@odata.deltaLink"] === "string";
  expect(next !== delta, "exactly one of nextLink and deltaLink").toBe(true);
  expect(body["@odata.context"]).toMatch(new RegExp(`^https?://[^/]+/${(options.apiVersion ?? "beta").replace(".", "\\.")}/\\$metadata#Collection\\(calendar\\)$`));
  const link = (body["@odata.nextLink"] ?? body["@odata.deltaLink"]) as string;
  expect(link).toMatch(/^https?:\/\/[^/]+\/(v1\.0|beta)\/(me|users\/[^/?]+)\/calendars\/delta\?\$(skiptoken|deltatoken)=[A-Za-z0-9_.-]+$/);
  for (const item of body.value as Json[]) {
    expect(item["@odata.type"]).toBe("#microsoft.graph.calendar");
    expect(typeof item.id).toBe("string");
    if ("@removed" in item) expect(item).toEqual({ "@odata.type": "#microsoft.graph.calendar", id: item.id, "@removed": { reason: "deleted" } });
  }
}

/** Drops annotations so a delta item compares with the same calendar from GET /calendars. */
export function plain(item: Json): Json {
  return Object.fromEntries(Object.entries(item).filter(([k]) => !k.startsWith("@odata.")));
}

export interface RoundResult {
  pages: Json[];
  items: Json[];
  /** Ids in the order they were served during the round. */
  ids: string[];
  deltaLink: string;
}

/**
 * A delta client as the docs describe one: follow nextLinks to a deltaLink, upsert each item by
 * id and drop `@removed` ones, then keep the deltaLink for the next round.
 */
export class DeltaClient {
  readonly state = new Map<string, Json>();
  deltaLink: string | undefined;

  constructor(readonly transport: Transport, readonly initialUrl: string, readonly apiVersion = "beta") {}

  apply(body: Json): void {
    for (const item of body.value as Json[]) {
      if ("@removed" in item) this.state.delete(item.id);
      else this.state.set(item.id, { ...this.state.get(item.id), ...plain(item) });
    }
  }

  /** The first page of a round (from the deltaLink, or the initial URL the first time). */
  async first(pageSize?: number): Promise<Json> {
    return this.fetchPage(this.deltaLink ?? this.initialUrl, pageSize);
  }

  async fetchPage(url: string, pageSize?: number): Promise<Json> {
    const res = await this.transport.get(url, preferPageSize(pageSize));
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expectDeltaPage(res.body, { apiVersion: this.apiVersion });
    this.apply(res.body);
    if (res.body["@odata.deltaLink"]) this.deltaLink = res.body["@odata.deltaLink"];
    return res.body;
  }

  /**
   * One whole round. `between` runs after each page that has a nextLink (to write mid-round).
   * Asserts that no id is served twice within the round.
   */
  async round(options: { pageSize?: number | ((page: number) => number | undefined); between?: (page: number) => Promise<void> } = {}): Promise<RoundResult> {
    const sizeOf = (i: number) => (typeof options.pageSize === "function" ? options.pageSize(i) : options.pageSize);
    const pages: Json[] = [];
    let body = await this.first(sizeOf(0));
    pages.push(body);
    while (body["@odata.nextLink"]) {
      await options.between?.(pages.length - 1);
      body = await this.fetchPage(body["@odata.nextLink"], sizeOf(pages.length));
      pages.push(body);
      if (pages.length > 10_000) throw new Error("round does not end");
    }
    const items = pages.flatMap((p) => p.value as Json[]);
    const ids = items.map((i) => i.id as string);
    expect(new Set(ids).size, `an id was served twice in one round: ${ids.join(",")}`).toBe(ids.length);
    return { pages, items, ids, deltaLink: body["@odata.deltaLink"] };
  }

  snapshot(): Map<string, Json> {
    return new Map(this.state);
  }
}

/** The server's calendars now, read with GET {base}/calendars following nextLinks. */
export async function listCalendars(transport: Transport, base: string): Promise<Map<string, Json>> {
  const out = new Map<string, Json>();
  let url: string | undefined = `${base}/calendars?$top=1000`;
  while (url) {
    const res = await transport.get(url);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    for (const item of res.body.value as Json[]) out.set(item.id, plain(item));
    url = res.body["@odata.nextLink"];
  }
  return out;
}

/** Compares two id → calendar maps with a readable diff. */
export function expectSameState(actual: Map<string, Json>, expected: Map<string, Json>, label = "client state"): void {
  const sort = (m: Map<string, Json>) => Object.fromEntries([...m.entries()].sort(([a], [b]) => a.localeCompare(b)));
  expect(sort(actual), label).toEqual(sort(expected));
}

/** Writes through HTTP with a ReadWrite token; returns the created or updated calendar. */
export class CalendarWrites {
  constructor(readonly transport: Transport, readonly base: string) {}

  async create(name: string, extra: Json = {}): Promise<Json> {
    const res = await this.transport.send("POST", `${this.base}/calendars`, { name, ...extra });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return plain(res.body);
  }

  async update(id: string, patch: Json): Promise<Json> {
    const res = await this.transport.send("PATCH", `${this.base}/calendars/${id}`, patch);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body;
  }

  async remove(id: string): Promise<void> {
    const res = await this.transport.send("DELETE", `${this.base}/calendars/${id}`);
    expect(res.status, JSON.stringify(res.body)).toBe(204);
  }
}

/** A fresh mailbox with a ReadWrite user token and its transport, writer and sync client. */
export async function mailboxFixture(t: TestServer, options: { scopes?: string[]; version?: "beta" | "v1.0" } = {}) {
  const mailbox: Mailbox = await t.newMailbox();
  const token = await t.userToken(mailbox, options.scopes ?? ["Calendars.ReadWrite"]);
  const transport = injectTransport(t, token);
  const version = options.version ?? "beta";
  const base = `/${version}/me`;
  return {
    mailbox, token, transport, base,
    writes: new CalendarWrites(transport, base),
    client: () => new DeltaClient(transport, `${base}/calendars/delta`, version),
    list: () => listCalendars(transport, base),
  };
}

/** Creates calendars through the service layer (fast setup; reads still go through HTTP). */
export async function createCalendarsDirect(t: TestServer, mailbox: Mailbox, count: number, prefix = "Bulk"): Promise<void> {
  for (let i = 0; i < count; i++) {
    await t.server.services.calendars.create({ mailbox, body: { name: `${prefix} ${i}` }, apiVersion: "beta" });
  }
}
