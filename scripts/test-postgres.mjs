#!/usr/bin/env node
// Runs the HTTP suites again with the PostgreSQL store (the store contract and scale suites
// already loop over both engines). Each suite creates its own database; this script drops any
// graphcal_test_* database left behind. Without PostgreSQL it skips — except in CI.
import { spawnSync } from "node:child_process";
import pg from "pg";

const adminUrl = process.env.GRAPHCAL_PG_ADMIN_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";

async function dropLeftovers() {
  const client = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 3000 });
  await client.connect();
  const { rows } = await client.query("select datname from pg_database where datname like 'graphcal_test_%'");
  for (const { datname } of rows) await client.query(`drop database if exists "${datname}" with (force)`);
  await client.end();
  return rows.length;
}

try {
  await dropLeftovers();
} catch (error) {
  if (process.env.CI === "true") {
    console.error(`PostgreSQL does not answer at ${adminUrl}: ${error.message}`);
    process.exit(1);
  }
  console.log(`PostgreSQL does not answer at ${adminUrl}; skipping the PostgreSQL HTTP suites.`);
  process.exit(0);
}

const result = spawnSync(
  process.execPath,
  ["node_modules/vitest/vitest.mjs", "run", "test/api", "--exclude", "test/api/socket.test.ts", ...process.argv.slice(2)],
  { stdio: "inherit", env: { ...process.env, GRAPHCAL_TEST_ENGINE: "postgres" } },
);
const dropped = await dropLeftovers().catch(() => 0);
if (dropped > 0) console.log(`dropped ${dropped} test database(s) left by restart suites`);
process.exit(result.status ?? 1);
