import "server-only";
import { PrismaPg } from "@prisma/adapter-pg";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import pg from "pg";
import { from as copyFrom } from "pg-copy-streams";
import { PrismaClient } from "@/lib/generated/prisma/client";
import { databaseUrl, env } from "@/lib/platform/env";
import { CapacityError } from "@/lib/platform/errors";

// One connection pool per process, shared by the Prisma client and by the hot paths in the *-store.ts files
// that speak SQL directly (a consent change is a handful of statements in one transaction; through an
// interactive Prisma transaction it costs several times more). Both are created on first use, so that
// `next build` never needs a database. In development Next reloads modules on every change; keeping
// them on globalThis stops each reload from opening another pool.
const globalForDb = globalThis as unknown as { pgPool?: pg.Pool; streamPool?: pg.Pool; prisma?: PrismaClient };

/** How long a request waits for a connection before it is a 503. */
const CONNECTION_WAIT_MS = 5_000;

/** How the streams' connections are named in pg_stat_activity. */
export const STREAM_APPLICATION_NAME = "preference-center-streams";

function createPool(max: number, applicationName: string, options: Pick<pg.PoolConfig, "min" | "allowExitOnIdle"> = {}): pg.Pool {
  const created = new pg.Pool({
    connectionString: databaseUrl(),
    max,
    connectionTimeoutMillis: CONNECTION_WAIT_MS,
    application_name: applicationName,
    ...options,
  });
  // An idle connection that the server closes (a restart, a failover) must not crash the process;
  // the pool drops it and the next query opens a new one.
  created.on("error", (error) => console.warn(`database connection lost: ${error.message}`));
  return created;
}

export function pool(): pg.Pool {
  // Its connections stay open once opened, however long idle: a mail scanners' burst comes after quiet
  // minutes, and on connections opened for it (each new one reads PostgreSQL's catalogs and plans the
  // landing query anew) its first answers waited hundreds of milliseconds. Idle, they never keep the
  // process alive.
  const size = env().DATABASE_POOL_SIZE;
  globalForDb.pgPool ??= createPool(size, "preference-center", { min: size, allowExitOnIdle: true });
  return globalForDb.pgPool;
}

/**
 * A connection for a stream (the audience, the suppressions), which holds it for as long as its reader
 * takes. Streams have a small pool of their own, so that slow readers never take the connections an
 * opt-out needs; when all of it is in use, the stream is refused at once rather than queued.
 */
export async function streamConnection(): Promise<pg.PoolClient> {
  const size = env().STREAM_POOL_SIZE;
  globalForDb.streamPool ??= createPool(size, STREAM_APPLICATION_NAME);
  const streams = globalForDb.streamPool;
  if (streams.idleCount === 0 && streams.totalCount >= size) {
    throw new CapacityError("streams_busy", `All ${size} streams this server runs at once are in use; retry after the seconds in Retry-After.`);
  }
  return streams.connect();
}

export function db(): PrismaClient {
  globalForDb.prisma ??= new PrismaClient({ adapter: new PrismaPg(pool()) });
  return globalForDb.prisma;
}

/** Closes this process's connections; the next use opens new ones. */
export async function closeDatabaseConnections(): Promise<void> {
  const { pgPool, streamPool, prisma } = globalForDb;
  globalForDb.pgPool = undefined;
  globalForDb.streamPool = undefined;
  globalForDb.prisma = undefined;
  await prisma?.$disconnect();
  await Promise.all([pgPool?.end(), streamPool?.end()]);
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

// COPY's text format: a row is its values separated by tabs, NULL as \N, these characters escaped.
const COPY_ESCAPES: Record<string, string> = { "\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t" };
const copyValue = (value: string | null) => (value === null ? "\\N" : value.replace(/[\\\n\r\t]/g, (c) => COPY_ESCAPES[c]));
const COPY_WRITE_BYTES = 64 * 1024;

/**
 * Streams rows into the table with one `COPY … FROM STDIN` (`sql`), in the caller's transaction: each row
 * its values in the statement's column order. The rows are written as they come, waiting whenever the
 * database is behind, so a row source of any size runs in constant memory; one that throws aborts the
 * COPY, and the caller's transaction rolls back.
 */
export async function copyRows(client: SqlClient, sql: string, rows: AsyncIterable<(string | null)[]> | Iterable<(string | null)[]>): Promise<void> {
  await pipeline(
    Readable.from(
      (async function* () {
        let text = "";
        for await (const row of rows) {
          text += `${row.map(copyValue).join("\t")}\n`;
          if (text.length >= COPY_WRITE_BYTES) {
            yield text;
            text = "";
          }
        }
        if (text) yield text;
      })(),
    ),
    client.query(copyFrom(sql)),
  );
}
