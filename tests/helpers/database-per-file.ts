import { randomBytes } from "node:crypto";
import pg from "pg";
import { afterAll, inject } from "vitest";
import { TEMPLATE_DATABASE } from "./test-database";

// Each integration test file runs against its own fresh, migrated database, cloned from the template;
// lib/platform/db connects to it through DATABASE_URL on first use.

async function onServer(serverUrl: string, sql: string) {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

const serverUrl = inject("databaseServerUrl");
const name = `pc_test_${randomBytes(6).toString("hex")}`;
await onServer(serverUrl, `CREATE DATABASE "${name}" TEMPLATE "${TEMPLATE_DATABASE}"`);
const url = new URL(serverUrl);
url.pathname = `/${name}`;
process.env.DATABASE_URL = url.toString();

afterAll(async () => {
  const open = globalThis as { prisma?: { $disconnect(): Promise<void> }; pgPool?: { end(): Promise<void> }; streamPool?: { end(): Promise<void> } };
  await open.prisma?.$disconnect();
  await Promise.all([open.pgPool?.end(), open.streamPool?.end()]);
  await onServer(serverUrl, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
});
