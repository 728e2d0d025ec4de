import path from "node:path";
import pg from "pg";
import type { Env } from "@/lib/platform/env";
import { startEmbeddedDatabase } from "@/lib/platform/database/embedded";
import { ensureDatabaseExists, migrateDatabase } from "@/lib/platform/database/migrate";

export type BootedDatabase = {
  url: string;
  /** Where the data lives, for the start-up banner; never the password. */
  description: string;
  stop: () => Promise<void>;
};

const EMBEDDED_DATABASE_NAME = "preferences";

/** Where a URL points, without its credentials: safe to print. */
export function describeDatabaseUrl(url: string): string {
  const parsed = new URL(url);
  return `${parsed.hostname}:${parsed.port || "5432"}${parsed.pathname}`;
}

async function assertReachable(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 10_000 });
  try {
    await client.connect();
    await client.query("SELECT 1");
  } catch (error) {
    const reason = (error as { code?: string }).code ?? (error as Error).message;
    throw new Error(`cannot reach the database at ${describeDatabaseUrl(url)} (${reason}): check DATABASE_URL`);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * The database the app runs on, migrated: the server DATABASE_URL names, or else an embedded
 * PostgreSQL with its data under DATA_DIR/pg, kept across restarts.
 */
export async function bootDatabase(env: Env): Promise<BootedDatabase> {
  if (env.DATABASE_URL) {
    await assertReachable(env.DATABASE_URL);
    await migrateDatabase(env.DATABASE_URL);
    return { url: env.DATABASE_URL, description: describeDatabaseUrl(env.DATABASE_URL), stop: async () => undefined };
  }
  const embedded = await startEmbeddedDatabase({ dataDir: env.DATA_DIR, durable: true });
  try {
    const url = new URL(embedded.url);
    url.pathname = `/${EMBEDDED_DATABASE_NAME}`;
    await ensureDatabaseExists(url.toString());
    await migrateDatabase(url.toString());
    return {
      url: url.toString(),
      description: `embedded PostgreSQL, data in ${path.join(env.DATA_DIR, "pg")}`,
      stop: embedded.stop,
    };
  } catch (error) {
    await embedded.stop();
    throw error;
  }
}
