// Workarounds that let Prisma 6's JavaScript schema engine migrate a real PostgreSQL through
// @prisma/adapter-pg. Delete each when the upstream bug it names is fixed.
import pg from "pg";
import { PrismaPg } from "@prisma/adapter-pg";

const PG_CHAR = 18;
const PG_NAME = 19;
const PG_TEXT = 25;

type QueryResultLike = { fields?: { dataTypeID: number }[] };

function reportCatalogTypesAsText(result: unknown): unknown {
  for (const part of Array.isArray(result) ? result : [result]) {
    for (const field of (part as QueryResultLike | null)?.fields ?? []) {
      if (field.dataTypeID === PG_NAME || field.dataTypeID === PG_CHAR) field.dataTypeID = PG_TEXT;
    }
  }
  return result;
}

// prisma/prisma#27403: adapter-pg rejects the catalog column types `name` and `"char"` that the schema
// engine reads; reporting them as `text` before the adapter maps them is enough.
class CatalogTypesAsTextClient extends pg.Client {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  override query(...args: any[]): any {
    const last = args.at(-1);
    if (typeof last === "function") {
      args[args.length - 1] = (error: unknown, result: unknown) => last(error, reportCatalogTypesAsText(result));
    }
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const pending = (super.query as (...a: any[]) => any)(...args);
    return pending && typeof pending.then === "function" ? pending.then(reportCatalogTypesAsText) : pending;
  }
}

// adapter-pg 6.19's executeScript splits a migration on every ";" (breaking function bodies such as
// the ledger's append-only trigger) and sends the pieces through a pool, where they may land on
// different connections. Sending the whole script as one simple query runs it on one connection, and
// PostgreSQL runs a multi-statement query as one transaction: a migration applies whole or not at all.
class MigrationAdapterFactory extends PrismaPg {
  override async connect() {
    const adapter = await super.connect();
    adapter.executeScript = async (script: string) => {
      try {
        await adapter.underlyingDriver().query(script);
      } catch (error) {
        (adapter as unknown as { onError(e: unknown): never }).onError(error);
      }
    };
    return adapter;
  }
}

// The shadow database (which `migrate dev` and `diff --from-migrations` need) does not work through
// adapter-pg 6.19 either; scripts/new-migration.ts diffs two schema files instead and needs none.
export function createMigrationAdapter(connectionString: string) {
  return new MigrationAdapterFactory({ connectionString, Client: CatalogTypesAsTextClient } as pg.PoolConfig);
}
