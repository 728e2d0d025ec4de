import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import type { TestProject } from "vitest/node";
import { startEmbeddedDatabase } from "@/lib/platform/database/embedded";
import { ConfigError } from "@/lib/platform/env";
import { ensureDatabaseExists, migrateDatabase } from "@/lib/platform/database/migrate";

import { TEMPLATE_DATABASE } from "./test-database";

declare module "vitest" {
  export interface ProvidedContext {
    databaseServerUrl: string;
  }
}

/**
 * A real PostgreSQL for the integration tests: the server TEST_DATABASE_URL names, or else a throwaway
 * embedded one. The migrations are applied once to a template database that each file clones.
 */
export default async function setup(project: TestProject) {
  let serverUrl = process.env.TEST_DATABASE_URL;
  let teardown = async () => undefined as void;
  if (!serverUrl) {
    const dataDir = await mkdtemp(path.join(tmpdir(), "pc-test-db-"));
    const database = await startEmbeddedDatabase({ dataDir, durable: false }).catch(async (error: unknown) => {
      await rm(dataDir, { recursive: true, force: true });
      // A set-up problem (the postgres OS user cannot reach the binaries, say) is one line, not a stack trace.
      if (!(error instanceof ConfigError)) throw error;
      console.error(`Cannot run the integration tests: ${error.message.replace(/\bDATABASE_URL\b/, "TEST_DATABASE_URL")}`);
      process.exit(1);
    });
    serverUrl = database.url;
    teardown = async () => {
      await database.stop();
      await rm(dataDir, { recursive: true, force: true });
    };
  }
  const template = new URL(serverUrl);
  template.pathname = `/${TEMPLATE_DATABASE}`;
  await ensureDatabaseExists(template.toString());
  await migrateDatabase(template.toString());
  project.provide("databaseServerUrl", serverUrl);
  return teardown;
}
