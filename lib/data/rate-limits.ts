import "server-only";
import { pool } from "@/lib/db";

/**
 * Counts one hit against `key` in the current fixed window and says whether it is within `limit`.
 * Kept in PostgreSQL, so every app instance shares the count. Keys must carry no personal data
 * (hash addresses first).
 */
export async function consumeRateLimit(key: string, limit: number, windowSeconds: number): Promise<{ allowed: boolean; retryAfterSeconds: number }> {
  const now = Date.now();
  const windowStart = new Date(now - (now % (windowSeconds * 1000)));
  const { rows } = await pool().query<{ count: number }>(
    `INSERT INTO rate_limit_buckets (key, window_start, count) VALUES ($1, $2, 1)
     ON CONFLICT (key, window_start) DO UPDATE SET count = rate_limit_buckets.count + 1
     RETURNING count`,
    [key, windowStart],
  );
  const retryAfterSeconds = Math.ceil((windowStart.getTime() + windowSeconds * 1000 - now) / 1000);
  return { allowed: rows[0].count <= limit, retryAfterSeconds };
}

/** Housekeeping: windows that ended over a day ago count for nothing any more. */
export async function purgeRateLimitBuckets(): Promise<void> {
  await pool().query("DELETE FROM rate_limit_buckets WHERE window_start < now() - interval '1 day'");
}
