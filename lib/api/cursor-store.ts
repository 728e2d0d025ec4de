import "server-only";
import Cursor from "pg-cursor";
import { streamConnection } from "@/lib/platform/db";
import type { RowQuery } from "@/lib/contacts/sendability-store";

const BATCH_ROWS = 1_000;

/**
 * The rows of a query a batch at a time through a server-side cursor, so memory holds two batches however
 * many rows there are: the one being handed out and the next, already asked for, so PostgreSQL works
 * while the caller does. The connection, one of the streams' own (lib/platform/db.ts), is held until the last
 * batch is read or the caller stops early.
 */
export async function* cursorBatches(query: RowQuery, batchRows = BATCH_ROWS): AsyncGenerator<unknown[][]> {
  const client = await streamConnection();
  let broken: Error | undefined;
  const cursor = client.query(new Cursor<unknown[]>(query.text, query.values, { rowMode: "array" }));
  let next = cursor.read(batchRows);
  try {
    for (;;) {
      const rows = await next;
      if (rows.length === 0) return;
      next = cursor.read(batchRows);
      yield rows;
    }
  } catch (error) {
    broken = error as Error;
    throw error;
  } finally {
    await next.catch((error: Error) => (broken ??= error));
    await cursor.close().catch((error: Error) => (broken ??= error));
    // A connection whose cursor failed is not handed to the next request.
    client.release(broken);
  }
}
