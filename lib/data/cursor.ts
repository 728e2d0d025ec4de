import "server-only";
import Cursor from "pg-cursor";
import { pool } from "@/lib/db";
import type { RowQuery } from "@/lib/data/sendability";

const BATCH_ROWS = 2_000;

/**
 * The rows of a query a batch at a time through a server-side cursor, so memory holds one batch however
 * many rows there are. The connection is held until the last batch is read or the caller stops early.
 */
export async function* cursorBatches(query: RowQuery, batchRows = BATCH_ROWS): AsyncGenerator<unknown[][]> {
  const client = await pool().connect();
  let broken: Error | undefined;
  const cursor = client.query(new Cursor<unknown[]>(query.text, query.values, { rowMode: "array" }));
  try {
    for (;;) {
      const rows = await cursor.read(batchRows);
      if (rows.length === 0) return;
      yield rows;
    }
  } catch (error) {
    broken = error as Error;
    throw error;
  } finally {
    await cursor.close().catch((error: Error) => (broken ??= error));
    // A connection whose cursor failed is not handed to the next request.
    client.release(broken);
  }
}
