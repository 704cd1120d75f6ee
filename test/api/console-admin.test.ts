import { request as httpRequest } from "node:http";
import { describe, expect, it } from "vitest";
import { DEMO_ADMIN_CLIENT_ID, DEMO_ADMIN_CLIENT_SECRET, DEMO_TENANT_ID } from "../../src/server/index.js";
import { useTestServer } from "../support/harness.js";
import { useListeningServer } from "../support/socket-get.js";

// The admin endpoints the web console needs (issue 13), over HTTP: the tenant summary, the change
// log (a page and the SSE stream), decoding a delta token, the console's mailbox token, the demo
// admin's sign-in, and the page and its modules. Run on PostgreSQL with GRAPHCAL_TEST_ENGINE=postgres.

const event = (subject: string) => ({
  subject, start: { dateTime: "2026-11-26T10:00:00", timeZone: "UTC" }, end: { dateTime: "2026-11-26T11:00:00", timeZone: "UTC" },
});

describe("console admin endpoints (HTTP)", () => {
  const t = useTestServer();

  it("demo admin: client credentials at the token endpoint give a token the controls take, and only that", async () => {
    const res = await t.request("POST", `/${DEMO_TENANT_ID}/oauth2/v2.0/token`, {
      payload: new URLSearchParams({ grant_type: "client_credentials", client_id: DEMO_ADMIN_CLIENT_ID, client_secret: DEMO_ADMIN_CLIENT_SECRET }).toString(),
      headers: { "content-type": "application/x-www-form-urlencoded" },
    });
    expect(res.status, res.text).toBe(200);
    const token = res.body.access_token as string;
    expect((await t.request("GET", "/_graphcal/clock", { token })).status).toBe(200);
    // The admin role is not a calendar permission: Graph itself stays closed to it.
    expect((await t.request("GET", "/v1.0/users/samanthab@contoso.com/calendars", { token })).status).toBe(403);
    const wrong = await t.request("POST", `/${DEMO_TENANT_ID}/oauth2/v2.0/token`, {
      payload: `grant_type=client_credentials&client_id=${DEMO_ADMIN_CLIENT_ID}&client_secret=nope`,
      headers: { "content-type": "application/x-www-form-urlencoded" },
    });
    expect(wrong.status).toBe(401);
  });

  it("tenant: users with their groups, calendars (colours, event counts, shares) and totals; admins only", async () => {
    const admin = await t.appToken(["Graphcal.Admin"]);
    const [owner, grantee] = [await t.newMailbox("Owner"), await t.newMailbox("Grantee")];
    const token = await t.userToken(owner);
    expect((await t.request("POST", "/v1.0/me/calendars", { token, body: { name: "Projects", color: "lightGreen" } })).status).toBe(201);
    expect((await t.request("POST", "/v1.0/me/events", { token, body: event("One") })).status).toBe(201);
    expect((await t.request("POST", "/v1.0/me/calendar/calendarPermissions", {
      token, body: { emailAddress: { address: grantee.userPrincipalName }, role: "read" },
    })).status).toBe(201);

    const res = await t.request("GET", "/_graphcal/tenant?limit=500", { token: admin });
    expect(res.status, res.text).toBe(200);
    const user = res.body.users.find((u: any) => u.id === owner.id);
    expect(user).toMatchObject({ userPrincipalName: owner.userPrincipalName, hasMailbox: true, groups: [{ name: "My Calendars", isDefault: true }] });
    expect(user.changeSeq).toBeGreaterThan(3);
    const byName = Object.fromEntries(user.calendars.map((c: any) => [c.name, c]));
    expect(byName.Calendar).toMatchObject({ isDefaultCalendar: true, events: 1, shares: [{ grantee: grantee.userPrincipalName, role: "read" }] });
    expect(byName.Projects).toMatchObject({ color: "lightGreen", events: 0, shares: [] });
    const all = res.body.users.flatMap((u: any) => u.calendars);
    expect(res.body.counts).toMatchObject({ users: res.body.users.length, calendars: all.length });
    expect(res.body.counts.shares).toBeGreaterThanOrEqual(1);

    expect((await t.request("GET", "/_graphcal/tenant")).status).toBe(401);
    expect((await t.request("GET", "/_graphcal/tenant", { token })).status).toBe(403);
    const bad = await t.request("GET", "/_graphcal/tenant?limit=0", { token: admin });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toContain("'limit'");
    const page = await t.request("GET", "/_graphcal/tenant?limit=1", { token: admin });
    expect(page.body).toMatchObject({ hasMore: true, counts: { users: 1 } });
  });

  it("changes: every entry as written, calendar and event ones merged in seq order, paged with after and limit", async () => {
    const admin = await t.appToken(["Graphcal.Admin"]);
    const owner = await t.newMailbox();
    const token = await t.userToken(owner);
    const created = await t.request("POST", "/v1.0/me/calendars", { token, body: { name: "Temp" } });
    await t.request("PATCH", `/v1.0/me/calendars/${created.body.id}`, { token, body: { name: "Temp 2" } });
    const ev = await t.request("POST", "/v1.0/me/events", { token, body: event("Meeting") });
    await t.request("DELETE", `/v1.0/me/events/${ev.body.id}`, { token });
    await t.request("DELETE", `/v1.0/me/calendars/${created.body.id}`, { token });

    const res = await t.request("GET", `/_graphcal/mailboxes/${owner.userPrincipalName}/changes`, { token: admin });
    expect(res.status, res.text).toBe(200);
    const entries = res.body.value as any[];
    const seqs = entries.map((e) => e.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    // Uncollapsed: the calendar's create, rename and removal are three entries, not one.
    const temp = entries.filter((e) => e.itemId === created.body.id).map((e) => [e.change, e.title]);
    expect(temp).toEqual([["created", "Temp"], ["updated", "Temp 2"], ["deleted", null]]);
    expect(entries.filter((e) => e.itemId === ev.body.id).map((e) => [e.kind, e.change, e.title, e.eventType]))
      .toEqual([["event", "created", "Meeting", "singleInstance"], ["event", "deleted", "Meeting", "singleInstance"]]);
    expect(res.body.lastSeq).toBe(seqs.at(-1));
    expect(Date.parse(entries[0].changedAt)).toBe(t.clock.now().getTime());

    const after = entries[1].seq;
    const page = await t.request("GET", `/_graphcal/mailboxes/${owner.id}/changes?after=${after}&limit=2`, { token: admin });
    expect(page.body.value.map((e: any) => e.seq)).toEqual(seqs.filter((s) => s > after).slice(0, 2));
    expect(page.body.lastSeq).toBe(page.body.value[1].seq);
    const end = await t.request("GET", `/_graphcal/mailboxes/${owner.id}/changes?after=${res.body.lastSeq}`, { token: admin });
    expect(end.body).toMatchObject({ value: [], lastSeq: res.body.lastSeq });

    for (const q of ["after=-1", "after=x", "limit=1001", "limit=1.5"]) {
      const bad = await t.request("GET", `/_graphcal/mailboxes/${owner.id}/changes?${q}`, { token: admin });
      expect(bad.status, q).toBe(400);
      expect(bad.body.error.code, q).toBe("BadRequest");
    }
    expect((await t.request("GET", "/_graphcal/mailboxes/nobody@contoso.com/changes", { token: admin })).status).toBe(404);
    expect((await t.request("GET", `/_graphcal/mailboxes/${owner.id}/changes`, { token })).status).toBe(403);
  });

  it("delta-tokens/decode: a nextLink's round bounds and a deltaLink's watermark, what each is bound to, and whether it still works", async () => {
    const admin = await t.appToken(["Graphcal.Admin"]);
    const owner = await t.newMailbox();
    const token = await t.userToken(owner);
    await t.request("POST", "/v1.0/me/calendars", { token, body: { name: "Extra" } });
    const first = await t.request("GET", "/beta/me/calendars/delta?$select=name", { token, headers: { prefer: "odata.maxpagesize=1" } });
    const nextLink = first.body["@odata.nextLink"] as string;
    const next = await t.request("POST", "/_graphcal/delta-tokens/decode", { token: admin, body: { deltaLink: nextLink } });
    expect(next.status, next.text).toBe(200);
    const seq = (await t.request("GET", `/_graphcal/tenant?limit=500`, { token: admin })).body.users.find((u: any) => u.id === owner.id).changeSeq;
    expect(next.body).toMatchObject({
      link: "nextLink", mailbox: { id: owner.id, userPrincipalName: owner.userPrincipalName }, apiVersion: "beta", select: ["id", "name"],
      caller: { kind: "user", id: owner.id }, watermark: 0, upTo: seq, resource: { kind: "calendars" },
      state: { usable: true, changeSeq: seq }, issuedAt: t.clock.now().toISOString(),
    });

    let link = nextLink;
    let body = first.body;
    while (body["@odata.nextLink"]) {
      link = body["@odata.nextLink"];
      body = (await t.request("GET", link.slice(link.indexOf("/beta")), { token, headers: { prefer: "odata.maxpagesize=1" } })).body;
    }
    const deltaLink = body["@odata.deltaLink"] as string;
    const bare = new URL(deltaLink).searchParams.get("$deltatoken");
    const round = await t.request("POST", "/_graphcal/delta-tokens/decode", { token: admin, body: { token: bare } });
    expect(round.body).toMatchObject({ link: "deltaLink", watermark: seq, upTo: null, after: null, state: { usable: true } });

    await t.request("POST", "/_graphcal/delta-tokens/expire", { token: admin, body: { deltaLink } });
    const expired = await t.request("POST", "/_graphcal/delta-tokens/decode", { token: admin, body: { deltaLink } });
    expect(expired.body.state).toMatchObject({ usable: false, status: 410, code: "SyncStateNotFound" });

    const view = await t.request("GET", "/v1.0/me/calendarView/delta?startDateTime=2026-11-23T00:00:00Z&endDateTime=2026-11-30T00:00:00Z", { token });
    const windowed = await t.request("POST", "/_graphcal/delta-tokens/decode", { token: admin, body: { deltaLink: view.body["@odata.deltaLink"] } });
    expect(windowed.body.resource).toMatchObject({
      kind: "calendarView", viaDefaultCalendar: true, startDateTime: "2026-11-23T00:00:00.000Z", endDateTime: "2026-11-30T00:00:00.000Z",
    });

    for (const [what, b] of [["tampered", { token: `${bare}x` }], ["no token", { deltaLink: "http://x/v1.0/me/calendars/delta" }], ["both", { token: bare, deltaLink }], ["neither", {}]] as const) {
      const bad = await t.request("POST", "/_graphcal/delta-tokens/decode", { token: admin, body: b });
      expect(bad.status, what).toBe(400);
      expect(bad.body.error.code, what).toBe("BadRequest");
    }
    expect((await t.request("POST", "/_graphcal/delta-tokens/decode", { token, body: { deltaLink } })).status).toBe(403);
  });

  it("mailbox token: admins get a short delegated read token for a user, which Graph accepts for that mailbox only", async () => {
    const admin = await t.appToken(["Graphcal.Admin"]);
    const owner = await t.newMailbox();
    const res = await t.request("POST", `/_graphcal/mailboxes/${owner.userPrincipalName}/token`, { token: admin });
    expect(res.status, res.text).toBe(200);
    expect(res.headers["cache-control"]).toBe("no-store");
    expect(res.body).toMatchObject({ token_type: "Bearer", scope: "Calendars.Read User.Read", expires_in: 900, mailboxId: owner.id });
    const token = res.body.access_token as string;
    expect((await t.request("GET", "/v1.0/me/calendars", { token })).status).toBe(200);
    // Read only.
    expect((await t.request("POST", "/v1.0/me/calendars", { token, body: { name: "No" } })).status).toBe(403);
    expect((await t.request("POST", `/_graphcal/mailboxes/${owner.id}/token`, { token })).status).toBe(403);
    expect((await t.request("POST", `/_graphcal/mailboxes/${owner.id}/token`)).status).toBe(401);
  });

  it("console page: served with its import map and a CSP that allows exactly it; modules and vendor files; / points browsers to it", async () => {
    const page = await t.request("GET", "/_graphcal/console");
    expect(page.status).toBe(200);
    expect(page.headers["content-type"]).toBe("text/html; charset=utf-8");
    const map = /<script type="importmap">(.*?)<\/script>/.exec(page.text)?.[1] as string;
    expect(JSON.parse(map).imports).toEqual({
      preact: "/_graphcal/console/vendor/preact.mjs", "preact/hooks": "/_graphcal/console/vendor/hooks.mjs", htm: "/_graphcal/console/vendor/htm.mjs",
    });
    const { createHash } = await import("node:crypto");
    expect(page.headers["content-security-policy"]).toContain(`'sha256-${createHash("sha256").update(map).digest("base64")}'`);
    for (const path of ["/_graphcal/console/assets/app.js", "/_graphcal/console/vendor/preact.mjs", "/_graphcal/console/vendor/hooks.mjs", "/_graphcal/console/vendor/htm.mjs"]) {
      const res = await t.request("GET", path);
      expect(res.status, path).toBe(200);
      expect(res.headers["content-type"], path).toBe("text/javascript; charset=utf-8");
    }
    expect((await t.request("GET", "/_graphcal/console/assets/console.css")).headers["content-type"]).toBe("text/css; charset=utf-8");
    for (const path of ["/_graphcal/console/assets/nope.js", "/_graphcal/console/assets/..%2Fpackage.json", "/_graphcal/console/vendor/react.mjs"]) {
      const res = await t.request("GET", path);
      expect(res.status, path).toBe(400);
      expect(res.body.error.code, path).toBe("BadRequest");
    }
    const config = await t.request("GET", "/_graphcal/console/config");
    expect(config.body).toEqual({ openAdmin: false, demoAdmin: { tenantId: DEMO_TENANT_ID, clientId: DEMO_ADMIN_CLIENT_ID } });
    const root = await t.request("GET", "/", { headers: { accept: "text/html,application/xhtml+xml" } });
    expect(root.status).toBe(200);
    expect(root.text).toContain('href="/_graphcal/console"');
    const api = await t.request("GET", "/", { headers: { accept: "application/json" } });
    expect(api.status).toBe(400);
    expect(api.body.error.code).toBe("BadRequest");
  });
});

/** Reads a Server-Sent Events stream until `until` holds for the events so far. */
function readEvents(url: string, headers: Record<string, string>, until: (events: { event: string; id?: string; data: any }[]) => boolean) {
  return new Promise<{ status: number; headers: Record<string, unknown>; events: { event: string; id?: string; data: any }[] }>((resolve, reject) => {
    const req = httpRequest(url, { headers }, (res) => {
      const events: { event: string; id?: string; data: any }[] = [];
      let buffer = "";
      const finish = () => {
        req.destroy();
        resolve({ status: res.statusCode ?? 0, headers: res.headers, events });
      };
      if (res.statusCode !== 200) {
        res.resume();
        res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, events }));
        return;
      }
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => {
        buffer += chunk;
        let end;
        while ((end = buffer.indexOf("\n\n")) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const fields = Object.fromEntries(block.split("\n").filter((l) => !l.startsWith(":") && l.includes(":"))
            .map((l) => [l.slice(0, l.indexOf(":")), l.slice(l.indexOf(":") + 1).trim()]));
          if (fields.event) events.push({ event: fields.event, id: fields.id, data: JSON.parse(fields.data ?? "null") });
        }
        if (until(events)) finish();
      });
    });
    req.on("error", reject);
    req.end();
  });
}

describe("change stream (SSE over a socket)", () => {
  const s = useListeningServer();

  it("stream: the entries above `after`, then each write as it commits; Last-Event-ID resumes; admins only", async () => {
    const admin = await s.t.appToken(["Graphcal.Admin"]);
    const owner = await s.t.newMailbox();
    const token = await s.t.userToken(owner);
    const url = `${s.origin}/_graphcal/mailboxes/${owner.id}/changes/stream`;
    const auth = { authorization: `Bearer ${admin}` };

    const backlog = await readEvents(`${url}?after=0`, auth, (events) => events.filter((e) => e.event === "change").length >= 2);
    expect(backlog.status).toBe(200);
    expect(backlog.headers["content-type"]).toBe("text/event-stream; charset=utf-8");
    expect(backlog.headers["request-id"]).toBeDefined();
    expect(backlog.events[0]).toMatchObject({ event: "ready", data: { mailboxId: owner.id, after: 0 } });
    const provisioned = backlog.events.filter((e) => e.event === "change").map((e) => e.data.title);
    expect(provisioned).toEqual(["Calendar", "Birthdays"]);
    const lastSeq = Number(backlog.events.at(-1)?.id);

    // Open the stream after the backlog, then write: the entry arrives without another request.
    const live = readEvents(url, { ...auth, "last-event-id": String(lastSeq) }, (events) => events.some((e) => e.event === "change"));
    await new Promise((r) => setTimeout(r, 100));
    expect((await s.t.request("POST", "/v1.0/me/events", { token, body: event("Live one") })).status).toBe(201);
    const got = await live;
    const change = got.events.find((e) => e.event === "change");
    expect(change?.data).toMatchObject({ kind: "event", change: "created", title: "Live one" });
    expect(Number(change?.id)).toBe(lastSeq + 1);

    expect((await readEvents(url, {}, () => true)).status).toBe(401);
    expect((await readEvents(url, { authorization: `Bearer ${token}` }, () => true)).status).toBe(403);
    expect((await readEvents(`${url}?after=nope`, auth, () => true)).status).toBe(400);
  });
});
