import { afterAll, describe, expect, it } from "vitest";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { openStore } from "../../src/store/index.js";

// Migration 005 (app grants): an app registered before it, such as the demo app of an existing
// store, keeps what the demo's users ask for, so their password sign-ins go on working.

describe("migration 006-app-grants", () => {
  const dir = mkdtempSync(join(tmpdir(), "graphcal-migration-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("apps registered before it get the calendar scopes (no .Shared) and User.Read; new ones what they are given", async () => {
    // A store as migration 004 left it: migrate fully, then take 005 back out by hand.
    await (await openStore({ dataDir: dir, now: Date.now })).close();
    const raw = new Database(join(dir, "graphcal.db"));
    raw.exec("ALTER TABLE apps DROP COLUMN delegated_scopes; DELETE FROM kysely_migration WHERE name = '006-app-grants'");
    raw.prepare("INSERT INTO apps (client_id, tenant_id, display_name, secret_hash, roles, created_at) VALUES (?, ?, ?, ?, ?, ?)")
      .run("old-app", "t1", "old", "scrypt$x$y", JSON.stringify(["Calendars.Read"]), Date.now());
    raw.close();

    const store = await openStore({ dataDir: dir, now: Date.now });
    try {
      expect(await store.getApp("old-app")).toEqual({
        clientId: "old-app", tenantId: "t1", displayName: "old", secretHash: "scrypt$x$y", roles: ["Calendars.Read"],
        delegatedScopes: ["Calendars.ReadBasic", "Calendars.Read", "Calendars.ReadWrite", "User.Read"],
      });
      await store.transaction((tx) => tx.putApp({ clientId: "new-app", tenantId: "t1", displayName: "new", secretHash: "h", roles: [] }));
      expect((await store.getApp("new-app"))?.delegatedScopes).toEqual([]);
    } finally {
      await store.close();
    }
  });
});
