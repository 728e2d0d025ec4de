import "server-only";
import { db } from "@/lib/platform/db";

// For `npm start`, which stops the database it started: its connections close first, or the server ends them mid-way.
export { closeDatabaseConnections } from "@/lib/platform/db";

/** True when the database answers a trivial query. */
export async function isDatabaseUp(): Promise<boolean> {
  try {
    await db().$queryRaw`SELECT 1`;
    return true;
  } catch {
    return false;
  }
}
