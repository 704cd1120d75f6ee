import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { openSqliteLocalStore } from "../../src/client/index.js";
import type { Mailbox } from "../../src/domain/index.js";
import { createCalendars, mutate, serverCalendars } from "../support/calendar-fixtures.js";
import { type FaultProxy, type ProxiedRequest } from "../support/fault-proxy.js";
import { tempDataDir, type TestServer } from "../support/harness.js";
import { useProxiedServer } from "../support/proxied-server.js";
import { runCli, startCli } from "../support/run-cli.js";

// SIGKILL the `graphcal sync` process in the middle of a round: the store still holds the
// previous round (calendars and deltaLink together), and the next run ends equal to the server.

let t: TestServer;
let proxy: FaultProxy;
let token: string;
const dir = tempDataDir();

useProxiedServer(dir, (s) => ({ t, proxy, token } = s));

function syncArgs(mailbox: Mailbox, store: string) {
  return ["sync", "--base-url", `${proxy.origin}/beta`, "--user", mailbox.id, "--store", store, "--token", token, "--page-size", "5", "--json"];
}

async function snapshot(path: string) {
  const store = await openSqliteLocalStore(path, { mustExist: true });
  try {
    return { state: await store.readState(), calendars: await store.listCalendars() };
  } finally {
    await store.close();
  }
}

const deltaOf = (mailbox: Mailbox) => (r: ProxiedRequest) => r.url.includes(`/users/${mailbox.id}/calendars/delta`);

describe("sync crash safety", () => {
  it("crash: SIGKILL mid-round leaves the previous round; the next run catches up", async () => {
    const mailbox = await t.newMailbox();
    const ids = await createCalendars(t, mailbox, 40, "c");
    const store = join(dir, "mid-round.db");
    expect((await runCli(syncArgs(mailbox, store))).code).toBe(0);
    const before = await snapshot(store);
    expect(before.calendars).toEqual(await serverCalendars(t, mailbox, token));

    await mutate(t, mailbox, { ids, update: 10, remove: 10, create: 30, tag: "k" }); // 50 changes: 10 pages of 5
    const mine = deltaOf(mailbox);
    const seenBefore = proxy.requests.filter(mine).length;
    let release!: () => void;
    const fourthPage = new Promise<void>((resolve) => {
      release = resolve;
    });
    // Pages come slowly; the 4th request is held until the process is dead.
    proxy.setPlan((r) => {
      if (!mine(r)) return undefined;
      if (proxy.requests.filter(mine).length - seenBefore >= 4) {
        release();
        return { kind: "delay", ms: 5000 };
      }
      return { kind: "delay", ms: 100 };
    });
    const run = startCli(syncArgs(mailbox, store));
    await fourthPage;
    run.child.kill("SIGKILL");
    expect(await run.exited).toMatchObject({ signal: "SIGKILL" });
    proxy.setPlan(undefined);

    expect(await snapshot(store)).toEqual(before);

    const again = await runCli(syncArgs(mailbox, store));
    expect(again.code, again.stderr).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ added: 30, updated: 10, removed: 10, total: 62 });
    expect((await snapshot(store)).calendars).toEqual(await serverCalendars(t, mailbox, token));
  });

  it("crash: SIGKILL as the last page arrives (around the commit) leaves one round or the other, never a mix", async () => {
    const mailbox = await t.newMailbox();
    const ids = await createCalendars(t, mailbox, 20, "c");
    const store = join(dir, "at-commit.db");
    expect((await runCli(syncArgs(mailbox, store))).code).toBe(0);
    const before = await snapshot(store);

    await mutate(t, mailbox, { ids, update: 5, remove: 5, create: 15, tag: "k2" });
    const after = await serverCalendars(t, mailbox, token);
    const mine = deltaOf(mailbox);
    const run = startCli(syncArgs(mailbox, store));
    const lastPage = new Promise<void>((resolve) => {
      proxy.setPlan((r) => (!mine(r) ? undefined : {
        kind: "rewrite",
        rewrite: (body) => {
          if (body["@odata.deltaLink"]) setImmediate(resolve);
          return body;
        },
      }));
    });
    await lastPage;
    run.child.kill("SIGKILL");
    await run.exited;
    proxy.setPlan(undefined);

    const now = await snapshot(store);
    if (now.state?.deltaLink === before.state?.deltaLink) expect(now).toEqual(before);
    else expect(now.calendars).toEqual(after);

    const again = await runCli(syncArgs(mailbox, store));
    expect(again.code, again.stderr).toBe(0);
    expect((await snapshot(store)).calendars).toEqual(await serverCalendars(t, mailbox, token));
  });
});
