import "server-only";
import { createHmac, randomBytes } from "node:crypto";
import { pool, type SqlClient } from "@/lib/platform/db";
import { env } from "@/lib/platform/env";
import { hmacSha256Hex } from "@/lib/platform/sha256";

/** The counters kept per email address; an erasure forgets the address's rows in each. */
export const ADDRESS_COUNTERS = { freshLink: "fresh-link:address", signIn: "sign-in:address", signupForm: "signup-form:address" } as const;

let processKey: Buffer | undefined;

/**
 * A subkey of SUPPRESSION_KEY for this purpose alone, so that every instance counts an address under
 * the same key. Without SUPPRESSION_KEY (nothing can be erased then either) a key of this process's
 * own: the limits then count per process, and start again when it restarts.
 */
function counterKey(): Buffer {
  const secret = env().SUPPRESSION_KEY;
  if (secret) return createHmac("sha256", secret).update("rate-limit counters").digest();
  processKey ??= randomBytes(32);
  return processKey;
}

/** The key of `counter` for one address or IP: keyed, so that a row names no one, not even to a guess. */
export function rateLimitKey(counter: string, value: string): string {
  return `${counter}:${hmacSha256Hex(counterKey(), value)}`;
}

function currentWindow(windowSeconds: number) {
  const now = Date.now();
  const windowStart = new Date(now - (now % (windowSeconds * 1000)));
  return { windowStart, retryAfterSeconds: Math.ceil((windowStart.getTime() + windowSeconds * 1000 - now) / 1000) };
}

/**
 * Counts one hit against `key` in the current fixed window and says whether it is within `limit`.
 * Kept in PostgreSQL, so every app instance shares the count. Keys must carry no personal data
 * (rateLimitKey for addresses).
 */
export async function consumeRateLimit(key: string, limit: number, windowSeconds: number): Promise<{ allowed: boolean; retryAfterSeconds: number }> {
  const { windowStart, retryAfterSeconds } = currentWindow(windowSeconds);
  const { rows } = await pool().query<{ count: number }>(
    `INSERT INTO rate_limit_buckets (key, window_start, count) VALUES ($1, $2, 1)
     ON CONFLICT (key, window_start) DO UPDATE SET count = rate_limit_buckets.count + 1
     RETURNING count`,
    [key, windowStart],
  );
  return { allowed: rows[0].count <= limit, retryAfterSeconds };
}

/**
 * Takes `items` at once from `key`'s budget of `limit` per window, or none of them: a refused batch
 * costs nothing, so a client that waits Retry-After and sends it again gets it through. Like
 * consumeRateLimit, counted in PostgreSQL across instances.
 */
export async function consumeRateLimitItems(
  key: string,
  items: number,
  limit: number,
  windowSeconds: number,
): Promise<{ allowed: boolean; retryAfterSeconds: number }> {
  const { windowStart, retryAfterSeconds } = currentWindow(windowSeconds);
  if (items > limit) return { allowed: false, retryAfterSeconds };
  const { rowCount } = await pool().query(
    `INSERT INTO rate_limit_buckets (key, window_start, count) VALUES ($1, $2, $3)
     ON CONFLICT (key, window_start) DO UPDATE SET count = rate_limit_buckets.count + $3
     WHERE rate_limit_buckets.count + $3 <= $4`,
    [key, windowStart, items, limit],
  );
  return { allowed: rowCount === 1, retryAfterSeconds };
}

/** Erasure: the counts kept for an email address go with it. */
export async function forgetAddressRateLimits(client: Pick<SqlClient, "query">, email: string): Promise<void> {
  await client.query("DELETE FROM rate_limit_buckets WHERE key = ANY ($1::text[])", [
    Object.values(ADDRESS_COUNTERS).map((counter) => rateLimitKey(counter, email)),
  ]);
}

/** Housekeeping: windows that ended over a day ago count for nothing any more. */
export async function purgeRateLimitBuckets(): Promise<void> {
  await pool().query("DELETE FROM rate_limit_buckets WHERE window_start < now() - interval '1 day'");
}
