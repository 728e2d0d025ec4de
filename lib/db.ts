import "server-only";
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { PrismaClient } from "@/lib/generated/prisma/client";
import { databaseUrl, env } from "@/lib/env";

// One connection pool per process, shared by the Prisma client and by the few hot paths in lib/data
// that speak SQL directly (a consent change is a handful of statements in one transaction; through an
// interactive Prisma transaction it costs several times more). Both are created on first use, so that
// `next build` never needs a database. In development Next reloads modules on every change; keeping
// them on globalThis stops each reload from opening another pool.
const globalForDb = globalThis as unknown as { pgPool?: pg.Pool; prisma?: PrismaClient };

export function pool(): pg.Pool {
  if (!globalForDb.pgPool) {
    const created = new pg.Pool({ connectionString: databaseUrl(), max: env().DATABASE_POOL_SIZE, connectionTimeoutMillis: 5_000 });
    // An idle connection that the server closes (a restart, a failover) must not crash the process;
    // the pool drops it and the next query opens a new one.
    created.on("error", (error) => console.warn(`database connection lost: ${error.message}`));
    globalForDb.pgPool = created;
  }
  return globalForDb.pgPool;
}

export function db(): PrismaClient {
  globalForDb.prisma ??= new PrismaClient({ adapter: new PrismaPg(pool()) });
  return globalForDb.prisma;
}

/** Closes this process's connections; the next use opens new ones. */
export async function closeDatabaseConnections(): Promise<void> {
  const { pgPool, prisma } = globalForDb;
  globalForDb.pgPool = undefined;
  globalForDb.prisma = undefined;
  await prisma?.$disconnect();
  await pgPool?.end();
}

async function inTransaction<T>(begin: string, fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool().connect();
  try {
    await client.query(begin);
    const result = await fn(client);
    await client.query("COMMIT");
    return result;
  } catch (error) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

/** Runs fn in one transaction on one connection: everything it writes commits together or not at all. */
export function transaction<T>(fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  return inTransaction("BEGIN", fn);
}

/** Runs fn's reads in one snapshot: it sees the database as it was at its first query, whatever commits meanwhile. */
export function snapshot<T>(fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  return inTransaction("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", fn);
}

export type SqlClient = pg.PoolClient;
